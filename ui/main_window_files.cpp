// MainWindow's file work beside opening databases: importing other tools' result files (File > Import, drag and
// drop) and exporting reports (Export > Report). The jobs run in the background (background_job.h).
#include "main_window.h"

#include "background_job.h"
#include "chart_export.h"
#include "format_registry.h"
#include "history_page.h"
#include "report_writer.h"
#include "result_import.h"
#include "result_import_dialog.h"
#include "results_page.h"
#include "run_store.h"

#include "loadscope_version.h"

#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>

namespace loadscope {

namespace {

struct ImportResult {
    qint64 runId = 0;
    bool added = false;
    int steps = 0;
    QString name;
    QString error;
};

// A Loadscope run JSON, or a .json that is no result format (importRunJson then says what is wrong with it).
bool isRunJson(const QString& path) {
    try {
        return importers::detectFormat(path.toStdString()) == importers::FileFormat::LoadscopeRun;
    } catch (const std::exception&) {
        return QFileInfo(path).suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0;
    }
}

} // namespace

void MainWindow::importFiles(const QStringList& paths) {
    if (paths.isEmpty())
        return;
    if (database_.empty()) {
        showError(tr("Open a database first: the results are imported into it."));
        return;
    }
    if (paths.size() == 1 && isRunJson(paths.front())) {
        importRunJson(paths.front());
        return;
    }
    // Files none of which is a known format are refused at once, with why.
    QStringList problems;
    for (const QString& path : paths) {
        try {
            importers::detectFormat(path.toStdString());
        } catch (const std::exception& e) {
            problems << QString::fromStdString(e.what());
        }
    }
    if (problems.size() == paths.size()) {
        showError(tr("Nothing to import:\n%1").arg(problems.join(QLatin1Char('\n'))));
        emit runImported(0);
        return;
    }
    const QList<qint64>& shown = results_->runIds();
    const qint64 current = shown.size() == 1 ? shown.front() : 0;
    QString currentName;
    if (current > 0) {
        try {
            if (const auto run = RunStore::open(database_, RunStore::OpenMode::ReadOnly).loadRun(current))
                currentName = QString::fromStdString(run->name);
        } catch (const std::exception&) {
        }
    }
    auto* dialog = new ResultImportDialog(paths, current, currentName, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { runResultImport(dialog->request()); });
    connect(dialog, &QDialog::rejected, this, [this] { emit runImported(0); });
    dialog->open();
}

void MainWindow::runResultImport(const importers::ResultImportRequest& request) {
    const std::filesystem::path database = database_;
    statusBar()->showMessage(tr("Importing %n file(s)\u2026", nullptr, static_cast<int>(request.files.size())));
    runInBackground(
        this,
        [database, request]() -> ImportResult {
            ImportResult result;
            try {
                RunStore store = RunStore::open(database);
                const auto outcome = importers::importResults(store, request);
                result.runId = outcome.runId;
                result.added = outcome.addedToExisting;
                result.steps = static_cast<int>(outcome.run.steps.size());
                result.name = QString::fromStdString(outcome.run.name);
            } catch (const std::exception& e) {
                result.error = QString::fromStdString(e.what());
            }
            return result;
        },
        [this](const ImportResult& result) {
            if (result.runId == 0) {
                showError(tr("Nothing was imported.\n%1").arg(result.error));
                emit runImported(0);
                return;
            }
            statusBar()->showMessage(result.added
                                         ? tr("Added %n step(s) to run %1", nullptr, result.steps).arg(result.runId)
                                         : tr("Imported %n step(s) as run %1 \"%2\"", nullptr, result.steps)
                                               .arg(result.runId)
                                               .arg(result.name),
                                     8000);
            history_->selectRuns({result.runId});
            history_->reload();
            results_->showRuns({result.runId});
            setCurrentPlace(Place::Results);
            emit runImported(result.runId);
        });
}

void MainWindow::exportReportInteractive(bool markdown) {
    if (results_->runIds().isEmpty()) {
        showError(tr("Show a run in Results first: the report is of the runs shown there."));
        return;
    }
    QStringList ids;
    for (qint64 id : results_->runIds())
        ids << QString::number(id);
    const QString suggested = QDir::home().filePath(QStringLiteral("loadscope-run%1-report.%2")
                                                        .arg(ids.join(QLatin1Char('-')))
                                                        .arg(markdown ? QStringLiteral("md") : QStringLiteral("html")));
    const QString path =
        QFileDialog::getSaveFileName(this, markdown ? tr("Export a Markdown report") : tr("Export an HTML report"),
                                     suggested, markdown ? tr("Markdown (*.md)") : tr("HTML (*.html)"));
    if (!path.isEmpty())
        exportReport(path, markdown);
}

void MainWindow::exportReport(const QString& path, bool markdown) {
    const std::filesystem::path database = database_;
    const QList<qint64> runIds = results_->runIds();
    statusBar()->showMessage(tr("Writing the report\u2026"));
    runInBackground(
        this,
        [database, runIds, path, markdown]() -> QString {
            try {
                const RunStore store = RunStore::open(database, RunStore::OpenMode::ReadOnly);
                std::vector<Run> runs;
                for (qint64 id : runIds) {
                    auto run = store.loadRun(id);
                    if (!run)
                        return tr("Run %1 is no longer in the database.").arg(id);
                    store.loadHistograms(run->steps);
                    runs.push_back(std::move(*run));
                }
                report::ReportOptions options;
                options.generatedMs = QDateTime::currentMSecsSinceEpoch();
                options.generator =
                    std::string("loadscope ") + LOADSCOPE_VERSION + " (commit " + LOADSCOPE_GIT_COMMIT + ")";
                const auto prepared = report::prepareReport(std::move(runs));
                const std::string text =
                    markdown ? report::markdownReport(prepared, options) : report::htmlReport(prepared, options);
                return writeTextFile(path, QByteArray::fromStdString(text));
            } catch (const std::exception& e) {
                return QString::fromStdString(e.what());
            }
        },
        [this, path](const QString& error) {
            if (!error.isEmpty()) {
                showError(tr("The report was not written.\n%1").arg(error));
                emit reportWritten(path, false);
                return;
            }
            statusBar()->showMessage(tr("Report written to %1").arg(path), 8000);
            emit reportWritten(path, true);
        });
}

} // namespace loadscope
