// File > Import of other tools' result files and Export > Report in the desktop app: dropped files open the import
// dialog, which shows each file's format and asks for what the files do not say; the import runs in the background
// and shows the new run (or adds to the one shown); files of no known format are refused with why; the report of the
// runs shown is written as HTML and Markdown.
#include "history_page.h"
#include "main_window.h"
#include "result_import_dialog.h"
#include "results_loader.h"
#include "results_page.h"
#include "run_store.h"
#include "ui_fixture.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QDropEvent>
#include <QLineEdit>
#include <QMimeData>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QUrl>

#include <fstream>
#include <sstream>

using namespace loadscope;
using namespace loadscope::test;

namespace {

QString fixture(const char* name) {
    return QStringLiteral(LOADSCOPE_SOURCE_DIR "/tests/importers/data/") + QString::fromLatin1(name);
}

bool drop(QWidget& target, const QStringList& files) {
    QMimeData mime;
    QList<QUrl> urls;
    for (const auto& f : files)
        urls << QUrl::fromLocalFile(f);
    mime.setUrls(urls);
    QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    enter.ignore();
    QApplication::sendEvent(&target, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent event(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&target, &event);
    return true;
}

ResultImportDialog* waitForDialog(MainWindow& window) {
    ResultImportDialog* dialog = nullptr;
    for (int i = 0; i < 100 && !dialog; ++i) {
        QApplication::processEvents();
        dialog = window.findChild<ResultImportDialog*>();
        if (!dialog)
            QTest::qWait(20);
    }
    return dialog;
}

std::string readFile(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

class TestResultImport : public QObject {
    Q_OBJECT
private:
    TempFolder folder_;

private slots:
    void droppedFilesAreImportedThroughTheDialogThenReported() {
        const auto database = folder_.file("import.sqlite");
        MainWindow window;
        window.show();
        QSignalSpy loaded(window.historyPage(), &HistoryPage::loaded);
        window.openDatabase(database);
        QVERIFY(loaded.wait(15000));

        QSignalSpy imported(&window, &MainWindow::runImported);
        QVERIFY(drop(window, {fixture("vegeta_results.csv"), fixture("wrk2_readme_latency.txt")}));
        ResultImportDialog* dialog = waitForDialog(window);
        QVERIFY(dialog);
        QCOMPARE(dialog->fileTable()->rowCount(), 2);
        QVERIFY2(dialog->fileTable()->item(1, 1)->text().contains(QStringLiteral("wrk2")),
                 qPrintable(dialog->fileTable()->item(1, 1)->text()));
        QVERIFY(!dialog->intoCheck()->isEnabled()); // no run shown yet
        const QString shots = qEnvironmentVariable("LOADSCOPE_SCREENSHOT_DIR", QDir::currentPath());
        QDir().mkpath(shots);
        QVERIFY(dialog->grab().save(shots + QStringLiteral("/import_dialog.png")));
        dialog->targetField()->setText(QStringLiteral("nginx"));
        dialog->ratesField()->setText(QStringLiteral("500,1000,2000")); // three rates for two files
        dialog->accept();
        QVERIFY(dialog->isVisible());
        dialog->ratesField()->setText(QStringLiteral("500, 2000"));
        dialog->sloField()->setText(QStringLiteral("p99<5ms,errors<60%"));
        dialog->accept();
        QVERIFY(imported.wait(15000));
        const qint64 runId = imported.first().at(0).toLongLong();
        QVERIFY(runId > 0);
        QCOMPARE(window.currentPlace(), MainWindow::Place::Results);
        QCOMPARE(window.resultsPage()->runIds(), QList<qint64>{runId});
        const auto run = RunStore::open(database, RunStore::OpenMode::ReadOnly).loadRun(runId);
        QCOMPARE(run->steps.size(), std::size_t{2});
        QCOMPARE(run->steps[1].targetName, std::string("nginx"));
        QCOMPARE(run->steps[1].requestedRps, 2000.0);
        // Every chart names an imported series as such.
        const auto results = loadResults(database, {runId});
        QVERIFY(results.data);
        QCOMPARE(results.data->seriesLabel(0, "nginx"), std::string("nginx (imported)"));

        // Adding to the run shown: the dialog offers it.
        imported.clear();
        QVERIFY(drop(window, {fixture("tank_phout.txt")}));
        dialog = waitForDialog(window);
        QVERIFY(dialog);
        QVERIFY(dialog->intoCheck()->isEnabled());
        dialog->intoCheck()->setChecked(true);
        dialog->targetField()->setText(QStringLiteral("nginx"));
        dialog->ratesField()->setText(QStringLiteral("1000"));
        dialog->accept();
        QVERIFY(imported.wait(15000));
        QCOMPARE(imported.first().at(0).toLongLong(), runId);
        QCOMPARE(RunStore::open(database, RunStore::OpenMode::ReadOnly).loadRun(runId)->steps.size(), std::size_t{3});

        // Export > Report of the run shown.
        QSignalSpy written(&window, &MainWindow::reportWritten);
        const QString html = QString::fromStdString(folder_.file("report.html").string());
        window.exportReport(html, false);
        QVERIFY(written.wait(15000));
        QCOMPARE(written.first().at(1).toBool(), true);
        const auto text = readFile(html);
        QVERIFY(text.find("<svg") != std::string::npos);
        // The knee from the SLO given at import: 500 and 1000 (the phout step) held, 2000 broke.
        QVERIFY(text.find("nginx 1000") != std::string::npos);
        const QString md = QString::fromStdString(folder_.file("report.md").string());
        window.exportReport(md, true);
        QVERIFY(written.wait(15000));
        QVERIFY(readFile(md).find("# Loadscope report") != std::string::npos);
    }

    void filesOfNoKnownFormatAreRefused() {
        const auto database = folder_.file("refuse.sqlite");
        const auto notes = folder_.file("notes.txt");
        std::ofstream(notes) << "hello\n";
        MainWindow window;
        QSignalSpy loaded(window.historyPage(), &HistoryPage::loaded);
        window.openDatabase(database);
        QVERIFY(loaded.wait(15000));
        // Not even accepted as a drop...
        QVERIFY(!drop(window, {QString::fromStdString(notes.string())}));
        // ... and File > Import of it says why, with nothing imported.
        QSignalSpy errors(&window, &MainWindow::errorShown);
        window.importFiles({QString::fromStdString(notes.string())});
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.first().at(0).toString().contains(QStringLiteral("notes.txt: not a format")),
                 qPrintable(errors.first().at(0).toString()));
        QVERIFY(!window.findChild<ResultImportDialog*>());
        QCOMPARE(RunStore::open(database, RunStore::OpenMode::ReadOnly).countRuns(), 0);
    }

    void aTruncatedFileIsRefusedByTheImportWithItsLine() {
        const auto database = folder_.file("truncated.sqlite");
        std::string wrk2 = readFile(fixture("wrk2_readme_latency.txt"));
        const auto cut = folder_.file("cut.txt");
        std::ofstream(cut) << wrk2.substr(0, wrk2.find("      10.015") + 20);
        MainWindow window;
        QSignalSpy loaded(window.historyPage(), &HistoryPage::loaded);
        window.openDatabase(database);
        QVERIFY(loaded.wait(15000));
        QSignalSpy imported(&window, &MainWindow::runImported);
        QSignalSpy errors(&window, &MainWindow::errorShown);
        window.importFiles({fixture("vegeta_results.csv"), QString::fromStdString(cut.string())});
        ResultImportDialog* dialog = waitForDialog(window);
        QVERIFY(dialog);
        dialog->accept();
        QVERIFY(imported.wait(15000));
        QCOMPARE(imported.first().at(0).toLongLong(), 0);
        QVERIFY2(errors.last().at(0).toString().contains(QStringLiteral("cut.txt:43:")),
                 qPrintable(errors.last().at(0).toString()));
        QCOMPARE(RunStore::open(database, RunStore::OpenMode::ReadOnly).countRuns(), 0);
    }
};

QTEST_MAIN(TestResultImport)
#include "test_result_import.moc"
