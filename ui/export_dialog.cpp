#include "export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace loadscope {

ExportDialog::ExportDialog(const QString& suggestedPath, ExportSettings settings, QWidget* parent)
    : QDialog(parent)
    , path_(new QLineEdit(suggestedPath, this))
    , format_(new QComboBox(this))
    , width_(new QSpinBox(this))
    , height_(new QSpinBox(this))
    , scale_(new QDoubleSpinBox(this))
    , light_(new QCheckBox(tr("White background (for documents), whatever the desktop theme"), this))
    , summary_(new QLabel(this)) {
    setWindowTitle(tr("Export chart"));
    format_->addItem(tr("PNG image"), static_cast<int>(ExportFormat::Png));
    format_->addItem(tr("PDF document"), static_cast<int>(ExportFormat::Pdf));
    format_->addItem(tr("SVG drawing"), static_cast<int>(ExportFormat::Svg));
    format_->setCurrentIndex(format_->findData(static_cast<int>(settings.format)));
    for (QSpinBox* box : {width_, height_}) {
        box->setRange(16, 20000);
        box->setSuffix(tr(" px"));
    }
    width_->setValue(settings.width);
    height_->setValue(settings.height);
    scale_->setRange(0.25, 8);
    scale_->setSingleStep(0.5);
    scale_->setValue(settings.scale);
    scale_->setToolTip(tr("2 doubles every pixel: the same layout, twice as sharp"));
    light_->setChecked(settings.lightTheme);
    auto* browse = new QPushButton(tr("Browse\u2026"), this);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(path_, 1);
    pathRow->addWidget(browse);
    auto* size = new QHBoxLayout;
    size->addWidget(width_);
    size->addWidget(new QLabel(QStringLiteral("\u00d7"), this));
    size->addWidget(height_);
    auto* form = new QFormLayout;
    form->addRow(tr("File"), pathRow);
    form->addRow(tr("Format"), format_);
    form->addRow(tr("Size"), size);
    form->addRow(tr("Scale"), scale_);
    form->addRow(QString(), light_);
    form->addRow(QString(), summary_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(format_, &QComboBox::currentIndexChanged, this, &ExportDialog::formatChanged);
    connect(path_, &QLineEdit::textEdited, this, [this](const QString& text) {
        if (const auto format = exportFormatFromPath(text))
            format_->setCurrentIndex(format_->findData(static_cast<int>(*format)));
        updateSummary();
    });
    for (QSpinBox* box : {width_, height_})
        connect(box, &QSpinBox::valueChanged, this, &ExportDialog::updateSummary);
    connect(scale_, &QDoubleSpinBox::valueChanged, this, &ExportDialog::updateSummary);
    formatChanged();
}

QString ExportDialog::path() const {
    return path_->text().trimmed();
}

ExportSettings ExportDialog::settings() const {
    ExportSettings settings;
    settings.format = static_cast<ExportFormat>(format_->currentData().toInt());
    settings.width = width_->value();
    settings.height = height_->value();
    settings.scale = settings.format == ExportFormat::Png ? scale_->value() : 1.0;
    settings.lightTheme = light_->isChecked();
    return settings;
}

void ExportDialog::browse() {
    const QString filter = tr("PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)");
    const QString chosen = QFileDialog::getSaveFileName(this, tr("Export chart"), path(), filter);
    if (chosen.isEmpty())
        return;
    path_->setText(chosen);
    if (const auto format = exportFormatFromPath(chosen))
        format_->setCurrentIndex(format_->findData(static_cast<int>(*format)));
    updateSummary();
}

void ExportDialog::formatChanged() {
    const auto format = static_cast<ExportFormat>(format_->currentData().toInt());
    scale_->setEnabled(format == ExportFormat::Png);
    const QString unit = format == ExportFormat::Png ? tr(" px") : tr(" pt");
    width_->setSuffix(unit);
    height_->setSuffix(unit);
    // Keep the file's suffix in step with the format.
    QFileInfo info(path());
    if (!path().isEmpty() && exportFormatFromPath(path()) != format)
        path_->setText(info.path() + QLatin1Char('/') + info.completeBaseName() + QLatin1Char('.') +
                       exportFormatName(format));
    updateSummary();
}

void ExportDialog::updateSummary() {
    const ExportSettings s = settings();
    if (s.format == ExportFormat::Png)
        summary_->setText(tr("%1 \u00d7 %2 pixels").arg(qRound(s.width * s.scale)).arg(qRound(s.height * s.scale)));
    else
        summary_->setText(tr("vector drawing, %1 \u00d7 %2 points").arg(s.width).arg(s.height));
}

} // namespace loadscope
