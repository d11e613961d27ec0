// GUI-driven runs against the real refserver and load generator: Run clicked on the Launcher ends with the run stored
// and one curve per target on the live chart; Cancel (confirmed in its dialog) stops within about a second and leaves
// no child; closing the window during a run asks, cancels and closes; a run that cannot start says why.

#include "gui_test_support.h"
#include "install_paths.h"
#include "launcher_page.h"
#include "launcher_target_model.h"
#include "live_run_charts.h"
#include "live_run_log_view.h"
#include "live_run_page.h"
#include "live_run_step_model.h"
#include "plan_form.h"
#include "run_controller.h"
#include "run_store.h"

#include <QApplication>
#include <QCloseEvent>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QVBoxLayout>

using namespace loadscope;

// Statuses compared by name, so a failure says which status it was.
static QString statusName(loadscope::RunStatus status) {
    return QString::fromUtf8(loadscope::toString(status).data());
}
static QString statusName(loadscope::StepStatus status) {
    return QString::fromUtf8(loadscope::toString(status).data());
}

namespace {

// The two pages wired the way the main window wires them, in one top-level window whose close asks first.
class RunHarness : public QWidget {
public:
    RunHarness(const std::filesystem::path& database, const TargetCatalog& catalog)
        : database_(database) {
        launcher = new LauncherPage(this, catalog);
        live = new LiveRunPage(this);
        auto* layout = new QVBoxLayout(this);
        layout->addWidget(launcher);
        layout->addWidget(live);
        connect(launcher, &LauncherPage::runRequested, this, [this](const BenchmarkPlan& plan) {
            BenchmarkRunner::Options options;
            options.databasePath = database_;
            live->start(plan, launcher->catalog(), options);
        });
        connect(live, &LiveRunPage::runningChanged, launcher, &LauncherPage::setRunInProgress);
    }
    LauncherPage* launcher = nullptr;
    LiveRunPage* live = nullptr;

protected:
    void closeEvent(QCloseEvent* event) override {
        if (live->confirmClose())
            event->accept();
        else
            event->ignore();
    }

private:
    std::filesystem::path database_;
};

// Answers the next modal message box with `button` as soon as it shows.
void answerNextMessageBox(QMessageBox::StandardButton button) {
    auto* poll = new QTimer(qApp);
    poll->setInterval(20);
    QObject::connect(poll, &QTimer::timeout, poll, [poll, button] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            poll->stop();
            poll->deleteLater();
            if (QAbstractButton* answer = box->button(button))
                answer->click();
        }
    });
    poll->start();
}

} // namespace

class TestGuiRun : public QObject {
    Q_OBJECT
private:
    gui_test::TargetFixture fixture_;

    std::unique_ptr<RunHarness> harness() {
        auto window = std::make_unique<RunHarness>(fixture_.databasePath(), fixture_.catalog());
        window->resize(1280, 900);
        window->show();
        if (!QTest::qWaitForWindowExposed(window.get()))
            return nullptr;
        if (!QTest::qWaitFor([&] { return !window->launcher->targetModel()->isChecking(); }, 15000))
            return nullptr;
        return window;
    }

    static void setPlan(LauncherPage* launcher, const BenchmarkPlan& plan) {
        QStringList names;
        for (const auto& target : plan.targets)
            names << QString::fromStdString(target);
        launcher->targetModel()->setCheckedTargets(names);
        launcher->form()->setPlan(plan);
    }

private slots:
    void initTestCase() {
        QVERIFY2(fixture_.setUp(), qPrintable(fixture_.error()));
        const auto bin = binDir();
        for (const char* program : {"loadscope-refserver", "loadscope-loadgen"})
            QVERIFY2(std::filesystem::exists(bin / program),
                     qPrintable(QStringLiteral("%1 is not built in %2 (build it, or set LOADSCOPE_BIN_DIR)")
                                    .arg(QLatin1String(program), QString::fromStdString(bin.string()))));
    }

    void clickRunStoresTheRunWithOneCurvePerTarget() {
        auto window = harness();
        QVERIFY(window);
        const BenchmarkPlan plan = gui_test::tinyPlan({"refserver", gui_test::kFastRefserver});
        setPlan(window->launcher, plan);
        QVERIFY2(window->launcher->canRun(),
                 qPrintable(window->launcher->generalMessage() + window->launcher->targetsMessage()));

        RunController* controller = window->live->controller();
        QSignalSpy progress(controller, &RunController::stepProgress);
        QSignalSpy finishedSteps(controller, &RunController::stepFinished);
        QSignalSpy stored(window->live, &LiveRunPage::runStored);
        // What the page says as each step starts: numbered from 1, as `loadscope show` numbers the steps.
        QStringList headings;
        connect(
            controller, &RunController::stepStarted, this, [&] { headings << window->live->currentStepText(); },
            Qt::QueuedConnection);
        const int guiThread = gui_test::currentThreadId();
        const double guiCpuBefore = gui_test::cpuSeconds(guiThread);
        QElapsedTimer clock;
        clock.start();

        QTest::mouseClick(window->launcher->runButton(), Qt::LeftButton);
        QVERIFY(window->live->isRunning());
        QVERIFY(!window->launcher->runButton()->isEnabled()); // one run at a time
        QVERIFY(window->live->cancelButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(stored.count() == 1, 60000);
        const double seconds = static_cast<double>(clock.elapsed()) / 1000.0;
        const double guiCpu = gui_test::cpuSeconds(guiThread) - guiCpuBefore;
        qInfo("GUI run: %.1f s wall, GUI thread %.2f s CPU (%.1f %% of a core, Debug build, offscreen), %lld progress "
              "signals, %d timeline redraws",
              seconds, guiCpu, 100.0 * guiCpu / seconds, static_cast<long long>(progress.count()),
              window->live->timelineChart()->batchedReplotCount());

        QCOMPARE(statusName(window->live->lastStatus().value_or(RunStatus::Running)), statusName(RunStatus::Completed));
        QVERIFY(!window->live->isRunning());
        QVERIFY(window->launcher->runButton()->isEnabled());
        QVERIFY(window->live->showResultsButton()->isEnabled());
        QCOMPARE(window->live->progressBar()->value(), 1000);
        QCOMPARE(finishedSteps.count(), 4);

        // Stored: 2 targets x 2 rates, all measured.
        const qint64 runId = stored.at(0).at(0).toLongLong();
        QCOMPARE(runId, window->live->lastRunId());
        const RunStore store = RunStore::open(fixture_.databasePath(), RunStore::OpenMode::ReadOnly);
        const auto run = store.loadRun(runId);
        QVERIFY(run);
        QCOMPARE(statusName(run->status), statusName(RunStatus::Completed));
        QCOMPARE(static_cast<int>(run->steps.size()), 4);
        for (const Step& step : run->steps) {
            QCOMPARE(statusName(step.status), statusName(StepStatus::Ok));
            QVERIFY(step.completed > 0);
            QVERIFY(!step.timeline.empty());
        }

        // The live views: one latency curve per target, a timeline, a row per step.
        QCOMPARE(window->live->latencyChart()->curveCount(), 2);
        QCOMPARE(window->live->latencyChart()->plottedTargets(),
                 (QStringList{QStringLiteral("refserver"), QLatin1String(gui_test::kFastRefserver)}));
        QVERIFY(window->live->timelineChart()->pointCount(1) >= 4); // at least one per-second point per step
        QCOMPARE(window->live->stepModel()->rowCount(), 4);
        QCOMPARE(headings.size(), 4);
        QVERIFY2(headings.first().contains(QLatin1String("Step 1 of 4")), qPrintable(headings.first()));
        QVERIFY2(headings.last().contains(QLatin1String("Step 4 of 4")), qPrintable(headings.last()));
        QCOMPARE(window->live->stepModel()->index(0, LiveRunStepModel::SequenceColumn).data().toInt(), 1);
        QCOMPARE(window->live->stepModel()->index(3, LiveRunStepModel::SequenceColumn).data().toInt(), 4);
        QCOMPARE(window->live->stepModel()->steps()[3].sequence, run->steps.back().sequence);
        QVERIFY(window->live->searchText().isEmpty()); // a sweep has no search line
        QTRY_VERIFY_WITH_TIMEOUT(!window->live->kneeText().isEmpty(), 5000);

        // Throttled: at most ~4 progress signals and 4 redraws a second reach the GUI.
        QVERIFY2(progress.count() <= 4 * seconds + 4, qPrintable(QString::number(progress.count())));
        QVERIFY(window->live->timelineChart()->batchedReplotCount() <= 4 * seconds + 4);
        // Loose bound in a Debug build; the release figure is measured by bench/live_run_cpu.
        QVERIFY2(guiCpu / seconds < 0.25, qPrintable(QString::number(guiCpu / seconds)));

        QVERIFY(gui_test::childProcesses().empty());
        window->launcher->hide();
        QVERIFY(gui_test::saveScreenshot(window->live, QStringLiteral("live_run_page.png")));
    }

    // A short real run to look at: two targets, 3 rates, 2 s steps; the page saved mid-run and at the end.
    void screenshotsDuringAShortRun() {
        auto window = harness();
        QVERIFY(window);
        BenchmarkPlan plan = gui_test::tinyPlan({"refserver", gui_test::kFastRefserver});
        plan.name = "screenshot run";
        plan.rates = {100, 200, 300};
        plan.stepDurationS = 2;
        plan.warmupS = 0.5;
        setPlan(window->launcher, plan);
        QVERIFY(window->launcher->canRun());
        window->launcher->hide();
        window->resize(1280, 860);
        QSignalSpy finishedSteps(window->live->controller(), &RunController::stepFinished);
        QSignalSpy stored(window->live, &LiveRunPage::runStored);
        QTest::mouseClick(window->launcher->runButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finishedSteps.count() >= 3, 60000);
        QTest::qWait(1500); // the fourth step measuring, the charts redrawn
        QVERIFY(gui_test::saveScreenshot(window->live, QStringLiteral("live_run_during.png")));
        QTRY_VERIFY_WITH_TIMEOUT(stored.count() == 1, 60000);
        QTest::qWait(400);
        QVERIFY(gui_test::saveScreenshot(window->live, QStringLiteral("live_run_done.png")));
        QVERIFY(gui_test::childProcesses().empty());
    }

    void aSearchShowsProbesAndBracketsWithoutAStepTotal() {
        auto window = harness();
        QVERIFY(window);
        BenchmarkPlan plan = gui_test::tinyPlan({"refserver"});
        plan.mode = PlanMode::Search;
        plan.rates.clear();
        plan.search.startRps = 100;
        plan.search.probeDurationS = 1;
        plan.search.maxTimeS = 8; // bounded: the budget stops the search and keeps the bracket reached
        plan.search.maxRps = 400;
        setPlan(window->launcher, plan);
        QVERIFY2(window->launcher->canRun(), qPrintable(window->launcher->generalMessage() +
                                                        window->launcher->form()->messageAt(PlanForm::Field::Rates)));
        QVERIFY(window->launcher->currentPlan().mode == PlanMode::Search);
        QStringList headings;
        connect(
            window->live->controller(), &RunController::stepStarted, this,
            [&] { headings << window->live->currentStepText() + QLatin1Char('|') + window->live->statusText(); },
            Qt::QueuedConnection);
        QSignalSpy stored(window->live, &LiveRunPage::runStored);
        QTest::mouseClick(window->launcher->runButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(stored.count() == 1, 60000);
        QVERIFY(headings.size() >= 2);
        QVERIFY2(headings.first().startsWith(QLatin1String("<b>Probe 1</b> at 100 req/s")), qPrintable(headings[0]));
        for (const QString& heading : headings)
            QVERIFY2(!heading.contains(QLatin1String(" of ")) && !heading.contains(QLatin1String(" steps")),
                     qPrintable(heading)); // no step total: a search has none
        QVERIFY2(headings[1].contains(QLatin1String("bracket so far [")), qPrintable(headings[1]));
        QVERIFY2(window->live->searchText().contains(QLatin1String("refserver: ")) &&
                     window->live->searchText().contains(QLatin1String("bracket [")),
                 qPrintable(window->live->searchText()));
        QVERIFY(window->live->currentStepText().contains(QLatin1String("probes finished")) ||
                window->live->currentStepText().contains(QLatin1String("probe finished")));
        QVERIFY(gui_test::childProcesses().empty());
        window->launcher->hide();
        QTest::qWait(400);
        QVERIFY(gui_test::saveScreenshot(window->live, QStringLiteral("live_run_search.png")));
    }

    void cancelStopsWithinASecondAndLeavesNoChild() {
        auto window = harness();
        QVERIFY(window);
        BenchmarkPlan plan = gui_test::tinyPlan({"refserver"});
        plan.rates = {100, 200, 300};
        plan.stepDurationS = 6;
        setPlan(window->launcher, plan);
        QVERIFY(window->launcher->canRun());
        RunController* controller = window->live->controller();
        QSignalSpy finished(controller, &RunController::runFinished);
        bool measuring = false;
        connect(controller, &RunController::stepProgress, this,
                [&](const Step&, const StepProgress& p) { measuring = measuring || p.elapsedS >= 1; });

        QTest::mouseClick(window->launcher->runButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(measuring, 20000);
        QVERIFY(!gui_test::childProcesses().empty()); // the server and the generator are going

        // First "No": nothing happens.
        answerNextMessageBox(QMessageBox::No);
        QTest::mouseClick(window->live->cancelButton(), Qt::LeftButton);
        QVERIFY(window->live->isRunning());
        QVERIFY(!controller->isCancelRequested());

        answerNextMessageBox(QMessageBox::Yes);
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(window->live->cancelButton(), Qt::LeftButton);
        QVERIFY(controller->isCancelRequested());
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 5000);
        const qint64 stopMs = clock.elapsed();
        qInfo("cancel -> run finished in %lld ms", static_cast<long long>(stopMs));
        QVERIFY2(stopMs < 1500, qPrintable(QString::number(stopMs)));
        QCOMPARE(statusName(finished.at(0).at(1).value<RunStatus>()), statusName(RunStatus::Cancelled));
        QVERIFY(gui_test::childProcesses().empty());

        const RunStore store = RunStore::open(fixture_.databasePath(), RunStore::OpenMode::ReadOnly);
        const auto run = store.loadRun(finished.at(0).at(0).toLongLong());
        QVERIFY(run);
        QCOMPARE(statusName(run->status), statusName(RunStatus::Cancelled));
        QVERIFY(window->live->statusText().contains(QLatin1String("cancelled")));
    }

    void closingDuringARunAsksCancelsAndCloses() {
        auto window = harness();
        QVERIFY(window);
        BenchmarkPlan plan = gui_test::tinyPlan({"refserver"});
        plan.stepDurationS = 10;
        setPlan(window->launcher, plan);
        QSignalSpy started(window->live->controller(), &RunController::stepStarted);
        QTest::mouseClick(window->launcher->runButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(started.count() >= 1, 20000);

        answerNextMessageBox(QMessageBox::No);
        QVERIFY(!window->close()); // refused: the run goes on
        QVERIFY(window->isVisible());
        QVERIFY(window->live->isRunning());

        answerNextMessageBox(QMessageBox::Yes);
        QVERIFY(!window->close()); // not yet: first the run stops
        QTRY_VERIFY_WITH_TIMEOUT(!window->isVisible(), 5000);
        QVERIFY(!window->live->isRunning());
        QCOMPARE(statusName(window->live->lastStatus().value_or(RunStatus::Running)), statusName(RunStatus::Cancelled));
        QVERIFY(gui_test::childProcesses().empty());
    }

    void aRunThatCannotStartSaysWhy() {
        auto window = harness();
        QVERIFY(window);
        QSignalSpy failed(window->live->controller(), &RunController::failed);
        BenchmarkPlan plan = gui_test::tinyPlan({"no-such-target"});
        BenchmarkRunner::Options options;
        options.databasePath = fixture_.databasePath();
        QVERIFY(window->live->start(plan, window->launcher->catalog(), options));
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() == 1, 10000);
        QVERIFY2(failed.at(0).at(0).toString().contains(QLatin1String("no-such-target")),
                 qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(window->live->statusText().contains(QLatin1String("no-such-target")));
        QVERIFY(!window->live->isRunning());
        QVERIFY(!window->live->cancelButton()->isEnabled());

        // A database that cannot be written: the message names the file.
        options.databasePath = "/proc/loadscope-cannot-write-here/runs.sqlite";
        QSignalSpy failedAgain(window->live->controller(), &RunController::failed);
        QVERIFY(window->live->start(gui_test::tinyPlan({"refserver"}), window->launcher->catalog(), options));
        QTRY_VERIFY_WITH_TIMEOUT(failedAgain.count() == 1, 10000);
        QVERIFY2(failedAgain.at(0).at(0).toString().contains(QLatin1String("loadscope-cannot-write-here")),
                 qPrintable(failedAgain.at(0).at(0).toString()));
        QVERIFY(gui_test::childProcesses().empty());
    }
};

QTEST_MAIN(TestGuiRun)
#include "test_gui_run.moc"
