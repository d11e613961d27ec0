#include "settings_dialog.h"

#include "app_settings.h"
#include "run_store.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace loadscope {

SettingsDialog::SettingsDialog(QWidget* parent)
    : QDialog(parent)
    , database_(new QLineEdit(this)) {
    setWindowTitle(tr("Settings"));
    const QString standard = QString::fromStdString(RunStore::defaultPath().string());
    database_->setPlaceholderText(standard);
    if (AppSettings::hasCustomDefaultDatabase())
        database_->setText(QString::fromStdString(AppSettings::defaultDatabase().string()));
    database_->setToolTip(
        tr("Empty: the standard location, %1. `--db PATH` overrides it for one session.").arg(standard));
    auto* browse = new QPushButton(tr("Browse\u2026"), this);
    auto* databaseRow = new QHBoxLayout;
    databaseRow->addWidget(database_, 1);
    databaseRow->addWidget(browse);
    auto* percentileRow = new QHBoxLayout;
    const std::vector<Percentile> chosen = AppSettings::percentiles();
    for (Percentile p : allPercentiles()) {
        auto* box = new QCheckBox(QString::fromLatin1(percentileLabel(p).data()), this);
        box->setChecked(std::find(chosen.begin(), chosen.end(), p) != chosen.end());
        box->setProperty("percentile", static_cast<int>(p));
        percentiles_.push_back(box);
        percentileRow->addWidget(box);
    }
    percentileRow->addStretch();
    auto* form = new QFormLayout;
    form->addRow(tr("Database opened at start"), databaseRow);
    form->addRow(tr("Percentiles shown"), percentileRow);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Database opened at start"), database_->text(),
                                                          tr("Loadscope databases (*.sqlite *.sqlite3 *.db)"), nullptr,
                                                          QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty())
            database_->setText(path);
    });
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void SettingsDialog::save() {
    AppSettings::setDefaultDatabase(database_->text().trimmed().toStdString());
    std::vector<Percentile> chosen;
    for (QCheckBox* box : percentiles_)
        if (box->isChecked())
            chosen.push_back(static_cast<Percentile>(box->property("percentile").toInt()));
    AppSettings::setPercentiles(chosen);
}

} // namespace loadscope
