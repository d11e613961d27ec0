#include "result_import_dialog.h"

#include "benchmark_plan.h"
#include "format_registry.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace loadscope {

using namespace loadscope::importers;

ResultImportDialog::ResultImportDialog(const QStringList& files, qint64 currentRunId, const QString& currentRunName,
                                       QWidget* parent)
    : QDialog(parent)
    , paths_(files)
    , currentRunId_(currentRunId) {
    setWindowTitle(tr("Import results"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Each file becomes a step (a rate) of the run. Formats: wrk2/wrk text, vegeta CSV or "
                                "JSON, k6 JSON or CSV, oha JSON, HdrHistogram logs, yandex-tank phout."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    files_ = new QTableWidget(static_cast<int>(files.size()), 2, this);
    files_->setHorizontalHeaderLabels({tr("File"), tr("Format")});
    files_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    files_->horizontalHeader()->setStretchLastSection(true);
    files_->verticalHeader()->hide();
    files_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    files_->setMinimumWidth(620);
    files_->setMaximumHeight(40 + 30 * std::min<int>(static_cast<int>(files.size()), 8));
    layout->addWidget(files_);

    auto* form = new QFormLayout;
    tool_ = new QComboBox(this);
    tool_->addItem(tr("Detect from the content"), QStringLiteral("auto"));
    for (const char* tool : {"wrk2", "vegeta", "k6", "oha", "hlog", "phout"})
        tool_->addItem(QString::fromLatin1(tool), QString::fromLatin1(tool));
    form->addRow(tr("&Tool:"), tool_);
    target_ = new QLineEdit(this);
    target_->setPlaceholderText(tr("the tool's name (an HdrHistogram log: its tags)"));
    form->addRow(tr("T&arget:"), target_);
    rates_ = new QLineEdit(this);
    rates_->setPlaceholderText(tr("the rate each file shows; or 2000, or one per file: 500,1000,2000"));
    form->addRow(tr("&Rates (req/s):"), rates_);
    name_ = new QLineEdit(this);
    name_->setPlaceholderText(tr("Imported FILE (TOOL)"));
    form->addRow(tr("Run &name:"), name_);
    slo_ = new QLineEdit(this);
    slo_->setPlaceholderText(tr("e.g. p99<75ms,errors<0.1% (without it: no verdicts)"));
    form->addRow(tr("&SLO:"), slo_);
    into_ = new QCheckBox(
        currentRunId > 0
            ? tr("Add the steps to run #%1 \"%2\" instead of a new run").arg(currentRunId).arg(currentRunName)
            : tr("Add to the run shown in Results (none shown)"),
        this);
    into_->setEnabled(currentRunId > 0);
    form->addRow(QString(), into_);
    layout->addLayout(form);

    problem_ = new QLabel(this);
    problem_->setWordWrap(true);
    problem_->setStyleSheet(QStringLiteral("color: #b00020"));
    layout->addWidget(problem_);
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("&Import"));
    layout->addWidget(buttons_);
    connect(buttons_, &QDialogButtonBox::accepted, this, &ResultImportDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(tool_, &QComboBox::currentIndexChanged, this, &ResultImportDialog::detectFormats);
    connect(into_, &QCheckBox::toggled, this, &ResultImportDialog::updateState);
    connect(slo_, &QLineEdit::textChanged, this, &ResultImportDialog::updateState);
    detectFormats();
}

void ResultImportDialog::detectFormats() {
    // Reads each file's first 64 KiB: quick enough for the GUI thread even for a few dozen files.
    formatsOk_ = true;
    const std::string tool = tool_->currentData().toString().toStdString();
    for (int row = 0; row < static_cast<int>(paths_.size()); ++row) {
        const QString& path = paths_[row];
        files_->setItem(row, 0, new QTableWidgetItem(QFileInfo(path).fileName()));
        files_->item(row, 0)->setToolTip(path);
        QString text;
        bool ok = true;
        try {
            const auto format = detectFormat(path.toStdString(), tool);
            ok = format != FileFormat::LoadscopeRun;
            text = ok ? QString::fromStdString(std::string(formatInfo(format).description))
                      : tr("a Loadscope run: import it alone (File \u2192 Import, this file only)");
        } catch (const ImportError& e) {
            ok = false;
            text = QString::fromStdString(e.what());
        }
        auto* item = new QTableWidgetItem(text);
        item->setToolTip(text);
        if (!ok)
            item->setForeground(QColor(0xb0, 0x00, 0x20));
        files_->setItem(row, 1, item);
        formatsOk_ = formatsOk_ && ok;
    }
    updateState();
}

QString ResultImportDialog::problem() const {
    if (!formatsOk_)
        return tr("A file above cannot be imported (see its format column).");
    if (into_->isChecked() && !slo_->text().trimmed().isEmpty())
        return tr("SLO: a run keeps the SLO it was planned with; clear it to add to run #%1.").arg(currentRunId_);
    return {};
}

void ResultImportDialog::updateState() {
    const QString text = problem();
    problem_->setText(text);
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(text.isEmpty());
}

ResultImportRequest ResultImportDialog::request() const {
    ResultImportRequest r;
    for (const auto& path : paths_)
        r.files.push_back(path.toStdString());
    r.tool = tool_->currentData().toString().toStdString();
    r.target = target_->text().trimmed().toStdString();
    r.rates = rates_->text().remove(QLatin1Char(' ')).toStdString();
    r.name = name_->text().trimmed().toStdString();
    r.slo = slo_->text().trimmed().toStdString();
    r.intoRunId = into_->isChecked() ? currentRunId_ : 0;
    return r;
}

void ResultImportDialog::accept() {
    const auto r = request();
    try {
        const auto rates = parseRateList(r.rates);
        if (rates.size() > 1 && rates.size() != r.files.size())
            throw ImportError(tr("Rates: give one for every file or one per file (%1 files, %2 rates).")
                                  .arg(r.files.size())
                                  .arg(rates.size())
                                  .toStdString());
        if (!r.slo.empty())
            parseSlo(r.slo);
    } catch (const std::exception& e) {
        problem_->setText(QString::fromStdString(e.what()));
        return;
    }
    QDialog::accept();
}

} // namespace loadscope
