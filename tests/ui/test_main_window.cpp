// The main window on a realistic database: opening it fills History, a run's results and a comparison show on the
// Results page, every page is saved as a screenshot (PNG, in the build folder) to be looked at, an empty database
// starts on the Launcher, a dropped exported .json is imported, a dropped foreign file is refused while the open
// database stays.
#include "app_settings.h"
#include "chart_options_bar.h"
#include "history_page.h"
#include "main_window.h"
#include "results_page.h"
#include "run_list_model.h"
#include "ui_fixture.h"

#include <QApplication>
#include <QDir>
#include <QDropEvent>
#include <QLabel>
#include <QMimeData>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTest>
#include <QUrl>

#include <fstream>

using namespace loadscope;
using namespace loadscope::test;

namespace {

QString screenshotDir() {
    const QString dir =
        qEnvironmentVariable("LOADSCOPE_SCREENSHOT_DIR", QDir::currentPath() + QStringLiteral("/screenshots"));
    QDir().mkpath(dir);
    return dir;
}

void saveShot(QWidget& widget, const QString& name) {
    QApplication::processEvents();
    const QString path = screenshotDir() + QLatin1Char('/') + name + QStringLiteral(".png");
    QVERIFY2(widget.grab().save(path), qPrintable(path));
    QVERIFY(QImage(path).width() >= 1000);
}

void drop(QWidget& target, const QString& file) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(file)});
    QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&target, &enter);
    QDropEvent event(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    if (enter.isAccepted())
        QApplication::sendEvent(&target, &event);
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private:
    TempFolder folder_;
    std::filesystem::path database_;
    std::int64_t seedRun_ = 0;
    std::int64_t otherRun_ = 0;

private slots:
    void initTestCase() {
        database_ = folder_.file("runs.sqlite");
        RunStore store = RunStore::open(database_);
        FixtureRunSpec other;
        other.name = "aiohttp vs starlette (laptop)";
        other.targets = {{"aiohttp", 2150}, {"starlette-uvicorn", 1700}};
        other.rates = {500, 1000, 1500, 2000, 2500};
        other.repetitions = 2;
        other.tags = {"laptop"};
        other.createdMs = 1'690'000'000'000;
        otherRun_ = addFixtureRun(store, other);
        FixtureRunSpec seed;
        seed.name = "seed-simple (synthetic)";
        seed.targets = {{"aiohttp-uvloop", 2700},       {"aiohttp", 2000},
                        {"tornado-async-uvloop", 1750}, {"tornado-async", 1400},
                        {"tornado-gen-uvloop", 1600},   {"tornado-gen", 1250}};
        seed.rates = {500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500, 2750, 3000};
        seed.stepSeconds = 10;
        seed.maxSamplesPerStep = 6000;
        seed.stopRule = true;
        seed.tags = {"seed"};
        seedRun_ = addFixtureRun(store, seed);
    }

    void opensTheDatabaseAndShowsEveryPage() {
        MainWindow window;
        window.resize(1500, 950);
        window.show();
        QSignalSpy opened(&window, &MainWindow::databaseOpened);
        QSignalSpy loaded(window.historyPage(), &HistoryPage::loaded);
        window.openDatabase(database_);
        QVERIFY(loaded.wait(15000));
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.first().at(1).toBool(), true);
        QCOMPARE(window.database(), database_);
        QCOMPARE(window.historyPage()->model()->rowCount(), 2);
        QCOMPARE(MainWindow::recentDatabases().value(0), QString::fromStdString(database_.string()));
        QCOMPARE(window.currentPlace(), MainWindow::Place::History);
        saveShot(window, QStringLiteral("history"));

        QSignalSpy resultsLoaded(window.resultsPage(), &ResultsPage::loaded);
        window.historyPage()->selectRuns({seedRun_});
        window.historyPage()->openSelected();
        QCOMPARE(window.currentPlace(), MainWindow::Place::Results);
        QVERIFY(resultsLoaded.wait(20000));
        QCOMPARE(window.resultsPage()->dataset()->runs.size(), std::size_t(1));
        // One p99 and one p50 curve per target on the first chart.
        ResultsChart* chart = window.resultsPage()->currentChart();
        QCOMPARE(chart->kind(), ChartKind::LatencyVsRps);
        QCOMPARE(chart->legendSeries().size() >= 12, true);
        for (ChartKind kind : allChartKinds()) {
            window.resultsPage()->setChartKind(kind);
            QVERIFY(!window.resultsPage()->currentChart()->isEmptyChart());
            saveShot(window, QStringLiteral("results-") + chartKindName(kind));
        }
        window.resultsPage()->setChartKind(ChartKind::LatencyVsRps);

        window.setCurrentPlace(MainWindow::Place::History);
        window.historyPage()->selectRuns({seedRun_, otherRun_});
        window.historyPage()->openSelected();
        QVERIFY(resultsLoaded.wait(20000));
        QCOMPARE(window.resultsPage()->dataset()->runs.size(), std::size_t(2));
        saveShot(window, QStringLiteral("results-compare"));

        window.setCurrentPlace(MainWindow::Place::Launcher);
        saveShot(window, QStringLiteral("launcher"));
        window.setCurrentPlace(MainWindow::Place::LiveRun);
        saveShot(window, QStringLiteral("live-run"));
    }

    void startsOnTheLauncherOnlyWithoutRuns() {
        TempFolder scratch;
        {
            // A new (empty) database: nothing to show in History, so the window turns to the Launcher.
            MainWindow window;
            window.resize(1500, 950);
            window.show();
            QSignalSpy opened(&window, &MainWindow::databaseOpened);
            QSignalSpy loaded(window.historyPage(), &HistoryPage::loaded);
            window.openDatabase(scratch.file("empty.sqlite"));
            QVERIFY(opened.wait(15000));
            QCOMPARE(opened.first().at(1).toBool(), true);
            QCOMPARE(window.currentPlace(), MainWindow::Place::Launcher);
            QVERIFY(loaded.count() == 1 || loaded.wait(15000));
            QCOMPARE(window.historyPage()->model()->rowCount(), 0);
            QCOMPARE(window.currentPlace(), MainWindow::Place::Launcher);
            window.setCurrentPlace(MainWindow::Place::History);
            saveShot(window, QStringLiteral("history-empty"));
        }
        {
            // A place the user chose before the database finished opening is kept.
            MainWindow window;
            QSignalSpy opened(&window, &MainWindow::databaseOpened);
            window.openDatabase(scratch.file("empty.sqlite"));
            window.setCurrentPlace(MainWindow::Place::Results);
            QVERIFY(opened.wait(15000));
            QCOMPARE(window.currentPlace(), MainWindow::Place::Results);
        }
        {
            // A database with runs opens on History, as before.
            MainWindow window;
            QSignalSpy opened(&window, &MainWindow::databaseOpened);
            QSignalSpy loaded(window.historyPage(), &HistoryPage::loaded);
            window.openDatabase(database_);
            QVERIFY(opened.wait(15000));
            QCOMPARE(window.currentPlace(), MainWindow::Place::History);
            QVERIFY(loaded.count() == 1 || loaded.wait(15000));
            QCOMPARE(window.currentPlace(), MainWindow::Place::History);
            // Only the first database decides: opening an empty one later leaves the window where it is.
            opened.clear();
            window.openDatabase(scratch.file("empty.sqlite"));
            QVERIFY(opened.wait(15000));
            QCOMPARE(window.currentPlace(), MainWindow::Place::History);
        }
    }

    void droppedJsonIsImportedAndForeignFilesRefused() {
        TempFolder scratch;
        const std::filesystem::path copy = scratch.file("copy.sqlite");
        std::filesystem::copy_file(database_, copy);
        const std::string json = RunStore::open(database_, RunStore::OpenMode::ReadOnly).exportRunJson(otherRun_);
        const std::filesystem::path exported = scratch.file("exported.json");
        std::ofstream(exported) << json;

        MainWindow window;
        window.show();
        QSignalSpy loaded(window.historyPage(), &HistoryPage::loaded);
        window.openDatabase(copy);
        QVERIFY(loaded.wait(15000));
        QSignalSpy imported(&window, &MainWindow::runImported);
        drop(window, QString::fromStdString(exported.string()));
        QVERIFY(imported.wait(15000));
        const qint64 newId = imported.first().at(0).toLongLong();
        QVERIFY(newId > 0);
        QCOMPARE(RunStore::open(copy, RunStore::OpenMode::ReadOnly).countRuns(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(window.historyPage()->model()->rowCount(), 3, 10000);
        QCOMPARE(window.currentPlace(), MainWindow::Place::Results);

        // A broken JSON: an error that names the file, nothing imported.
        const std::filesystem::path broken = scratch.file("broken.json");
        std::ofstream(broken) << "{\"run\": 1";
        QSignalSpy errors(&window, &MainWindow::errorShown);
        drop(window, QString::fromStdString(broken.string()));
        QVERIFY(errors.wait(15000));
        QCOMPARE(RunStore::open(copy, RunStore::OpenMode::ReadOnly).countRuns(), 3);

        // A dropped .sqlite that is not a Loadscope database: refused, untouched, the open one stays.
        const std::filesystem::path foreign = scratch.file("foreign.sqlite");
        std::ofstream(foreign) << "SQLite format 3? no, just text";
        const auto size = std::filesystem::file_size(foreign);
        drop(window, QString::fromStdString(foreign.string()));
        QVERIFY(errors.wait(15000));
        QVERIFY2(errors.last().at(0).toString().contains(QStringLiteral("foreign.sqlite")),
                 qPrintable(errors.last().at(0).toString()));
        QCOMPARE(window.database(), copy);
        QCOMPARE(std::filesystem::file_size(foreign), size);
        // Other files are not accepted at all.
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(QStringLiteral("/etc/hostname"))});
        QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        enter.ignore();
        QApplication::sendEvent(&window, &enter);
        QVERIFY(!enter.isAccepted());
    }

    void hoverTextLeavesTheStatusBarAndTheTitleNamesTheAppOnce() {
        QGuiApplication::setApplicationDisplayName(QStringLiteral("Loadscope")); // as the app sets it
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QSignalSpy opened(&window, &MainWindow::databaseOpened);
        window.openDatabase(database_);
        QVERIFY(opened.wait(15000));
        // Qt appends the display name to a title that does not end with it: the window shows
        // "runs.sqlite — Loadscope", the name once.
        QCOMPARE(window.windowTitle(), QStringLiteral("runs.sqlite"));
        QCOMPARE(window.windowTitle().count(QStringLiteral("Loadscope")), 0);

        window.setCurrentPlace(MainWindow::Place::Results);
        ResultsPage* results = window.resultsPage();
        const QString tip = QStringLiteral("<b>aiohttp</b> at 1500&nbsp;requests/s<br>") +
                            QStringLiteral("p99 = 52.1 ms &amp; more ").repeated(40);
        emit results->hovered(tip);
        const QString shown = window.statusBar()->currentMessage();
        QVERIFY2(shown.startsWith(QStringLiteral("aiohttp at 1500 requests/s \u00b7 p99 = 52.1 ms & more")),
                 qPrintable(shown));
        // Cut before the "Database:" label, not run into it.
        QLabel* database = nullptr;
        for (QLabel* label : window.statusBar()->findChildren<QLabel*>())
            if (label->text().startsWith(QStringLiteral("Database:")))
                database = label;
        QVERIFY(database);
        QVERIFY(shown.endsWith(QStringLiteral("\u2026")));
        QVERIFY(window.statusBar()->fontMetrics().horizontalAdvance(shown) <
                window.statusBar()->width() - database->sizeHint().width());
        // The pointer left the chart: cleared.
        emit results->hovered({});
        QVERIFY(window.statusBar()->currentMessage().isEmpty());
        // Another tab, another page: cleared too.
        emit results->hovered(tip);
        results->setChartKind(ChartKind::Spectrum);
        QVERIFY(window.statusBar()->currentMessage().isEmpty());
        emit results->hovered(tip);
        results->showDifference();
        QVERIFY(window.statusBar()->currentMessage().isEmpty());
        emit results->hovered(tip);
        window.setCurrentPlace(MainWindow::Place::History);
        QVERIFY(window.statusBar()->currentMessage().isEmpty());
        // Other runs: the hover of the old ones goes.
        window.setCurrentPlace(MainWindow::Place::Results);
        emit results->hovered(tip);
        QSignalSpy loaded(results, &ResultsPage::loaded);
        results->showRuns({otherRun_});
        QVERIFY(window.statusBar()->currentMessage().isEmpty());
        QVERIFY(loaded.wait(20000));
        // A message that is not a hover stays when the pointer leaves.
        window.statusBar()->showMessage(QStringLiteral("Chart written to /tmp/x.png"));
        emit results->hovered({});
        QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Chart written to /tmp/x.png"));
        QGuiApplication::setApplicationDisplayName({});
    }

    void settingsAreKept() {
        AppSettings::setPercentiles({Percentile::P90, Percentile::P999});
        QCOMPARE(AppSettings::percentiles(), (std::vector<Percentile>{Percentile::P90, Percentile::P999}));
        AppSettings::setDefaultDatabase("/tmp/elsewhere.sqlite");
        QCOMPARE(AppSettings::defaultDatabase(), std::filesystem::path("/tmp/elsewhere.sqlite"));
        AppSettings::setDefaultDatabase({});
        QCOMPARE(AppSettings::defaultDatabase(), RunStore::defaultPath());
        ResultsPage page;
        QCOMPARE(page.optionsBar()->options().percentiles,
                 (std::vector<Percentile>{Percentile::P90, Percentile::P999}));
        AppSettings::setPercentiles({Percentile::P50, Percentile::P99});
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
