// The Live run page's parts on data whose answer is known: the step table model (QAbstractItemModelTester), the
// latency-vs-rate chart (one curve per target, repetitions, failed steps left out), the timeline (live points replaced
// by the stored per-second timeline), batched redraws (at most one per interval) and the bounded log view.

#include "live_run_charts.h"
#include "live_run_log_view.h"
#include "live_run_step_model.h"
#include "live_search_progress.h"
#include "plan_format.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QTest>

using namespace loadscope;

namespace {
Step makeStep(const std::string& target, double rate, int repetition, int sequence, double p50, double p99) {
    Step step;
    step.targetName = target;
    step.scenario = "simple";
    step.requestedRps = rate;
    step.repetition = repetition;
    step.sequence = sequence;
    step.status = StepStatus::Ok;
    step.durationS = 3;
    step.achievedRps = rate;
    step.completed = static_cast<std::int64_t>(rate * 3);
    step.latency.count = step.completed;
    step.latency.p50Ms = p50;
    step.latency.p99Ms = p99;
    for (int second = 0; second < 3; ++second)
        step.timeline.push_back(
            {second, static_cast<std::int64_t>(rate), static_cast<std::int64_t>(rate), 0, p50, p99});
    return step;
}
} // namespace

class TestLiveRun : public QObject {
    Q_OBJECT
private slots:
    void stepModelPassesModelTester() {
        LiveRunStepModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.addStep(makeStep("aiohttp", 500, 1, 1, 51, 58));
        Step failed = makeStep("tornado-gen", 500, 1, 2, 0, 0);
        failed.status = StepStatus::Failed;
        failed.statusMessage = "server not ready after 10 s";
        failed.latency.count = 0;
        model.addStep(failed);
        Step flagged = makeStep("aiohttp", 1000, 1, 3, 52, 140);
        flagged.flags.sloViolated = true;
        flagged.flags.generatorLimited = true;
        flagged.errors.timeout = 7;
        flagged.profile = StepProfile{"python", 100, "main;handler 3\n"};
        model.addStep(flagged);
        QCOMPARE(model.rowCount(), 3);
        // Numbered as the runner stores them and `loadscope show` prints them: #1 to #3, not #2 to #4.
        QCOMPARE(model.index(0, LiveRunStepModel::SequenceColumn).data().toInt(), 1);
        QCOMPARE(model.index(2, LiveRunStepModel::SequenceColumn).data().toInt(), 3);
        QCOMPARE(model.index(0, LiveRunStepModel::TargetColumn).data().toString(), QStringLiteral("aiohttp"));
        QCOMPARE(model.index(0, LiveRunStepModel::P99Column).data().toString(), humanLatency(58));
        QVERIFY(model.index(1, LiveRunStepModel::StatusColumn).data().toString().contains(QLatin1String("not ready")));
        QVERIFY(model.index(1, LiveRunStepModel::P99Column).data().toString().isEmpty()); // nothing measured
        QCOMPARE(model.index(2, LiveRunStepModel::ErrorsColumn).data().toString(), QStringLiteral("7"));
        const QString flags = model.index(2, LiveRunStepModel::FlagsColumn).data().toString();
        QVERIFY(flags.contains(QLatin1String("SLO")) && flags.contains(QLatin1String("generator-limited")));
        QVERIFY2(flags.contains(QLatin1String("profiled")), qPrintable(flags));
        QVERIFY(!model.index(0, LiveRunStepModel::FlagsColumn).data().toString().contains(QLatin1String("profiled")));
        QVERIFY(model.index(2, LiveRunStepModel::FlagsColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QLatin1String("python at 100 Hz")));
        QVERIFY(model.steps()[2].profile->folded.empty()); // the stacks stay in the store
        QCOMPARE(model.index(2, LiveRunStepModel::P99Column).data(LiveRunStepModel::SortRole).toDouble(), 140.0);
        // Histograms and timelines are not kept by the table.
        QVERIFY(model.steps()[0].timeline.empty());
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void latencyChartHasOneCurvePerTarget() {
        LiveLatencyChart chart;
        chart.reset({QStringLiteral("aiohttp"), QStringLiteral("tornado-gen")}, 75.0);
        QCOMPARE(chart.curveCount(), 0);
        chart.addStep(makeStep("aiohttp", 500, 1, 0, 51, 58));
        chart.addStep(makeStep("tornado-gen", 500, 1, 1, 52, 61));
        chart.addStep(makeStep("aiohttp", 1000, 1, 2, 53, 70));
        chart.addStep(makeStep("aiohttp", 1000, 2, 3, 54, 90)); // a second repetition: the higher p99 shows
        Step skipped = makeStep("tornado-gen", 1000, 1, 4, 0, 0);
        skipped.status = StepStatus::Skipped;
        chart.addStep(skipped);
        QCOMPARE(chart.curveCount(), 2);
        QCOMPARE(chart.plottedTargets(), (QStringList{QStringLiteral("aiohttp"), QStringLiteral("tornado-gen")}));
        // aiohttp: p99 curve then p50 curve, in that order, with two rates; tornado-gen one rate.
        QCOMPARE(chart.graphCount(), 4);
        QCPGraph* aiohttpP99 = chart.graph(0);
        // One legend entry per target (its p99); the dashed p50 companion stays out of the legend.
        QCOMPARE(aiohttpP99->name(), QStringLiteral("aiohttp"));
        QCOMPARE(chart.legend->itemCount(), 2);
        QCOMPARE(aiohttpP99->data()->size(), 2);
        QCOMPARE(aiohttpP99->data()->at(1)->key, 1000.0);
        QCOMPARE(aiohttpP99->data()->at(1)->value, 90.0);
        QCOMPARE(chart.graph(2)->data()->size(), 1);
        // The colours every other chart gives these targets (TargetColors), not an order of their own.
        const TargetColors colors(QStringList{QStringLiteral("aiohttp"), QStringLiteral("tornado-gen")});
        QCOMPARE(aiohttpP99->pen().color(), colors.color(QStringLiteral("aiohttp")));
        QCOMPARE(chart.graph(2)->pen().color(), colors.color(QStringLiteral("tornado-gen")));
        QCOMPARE(chart.colorOf(QStringLiteral("tornado-gen")), colors.color(QStringLiteral("tornado-gen")));
        // Targets with different limits: one SLO line each, in the target's colour.
        QCOMPARE(chart.sloLineCount(), 1);
        chart.addSloLine(7.5, QStringLiteral("SLO tornado-gen: 7.5 ms"), chart.colorOf(QStringLiteral("tornado-gen")));
        QCOMPARE(chart.sloLineCount(), 2);
        chart.reset({}, std::nullopt);
        QCOMPARE(chart.curveCount(), 0);
        QCOMPARE(chart.sloLineCount(), 0);
    }

    void timelineReplacesLivePointsByTheStoredTimeline() {
        LiveTimelineChart chart;
        Step step = makeStep("aiohttp", 500, 1, 0, 51, 58);
        StepProgress progress;
        progress.durationS = 3;
        progress.elapsedS = -1; // warm-up: not plotted
        chart.addProgress(step, progress, 1.0);
        QCOMPARE(chart.pointCount(1), 0);
        for (int quarter = 0; quarter <= 10; ++quarter) {
            progress.elapsedS = quarter * 0.25;
            progress.completed = static_cast<std::int64_t>(500 * progress.elapsedS);
            progress.p50Ms = 51;
            progress.p99Ms = 57;
            chart.addProgress(step, progress, 2.0 + progress.elapsedS);
        }
        // One achieved-rate point per second, not one per report.
        QCOMPARE(chart.pointCount(1), 2);
        // The stored timeline ends with the stragglers' partial second: left out, or the achieved rate would drop
        // to near 0 at the end of every step.
        step.timeline.push_back({3, 0, 4, 0, 51, 58});
        chart.finishStep(step, 5.2);
        QCOMPARE(chart.pointCount(1), 3); // the step's 3 whole stored seconds
        QCOMPARE(chart.pointCount(3), 3);
        // A second step follows after a gap, on the same run clock.
        Step next = makeStep("aiohttp", 1000, 1, 1, 52, 66);
        chart.finishStep(next, 9.0); // no live progress seen (short step): placed by its duration
        QCOMPARE(chart.pointCount(1), 6);
    }

    void timelineAxisSpansThePlannedRun() {
        LiveTimelineChart chart;
        chart.setPlannedSeconds(21);
        chart.clear();
        chart.addProgress(makeStep("aiohttp", 500, 1, 1, 51, 58), StepProgress{0, 3, 0, 0, 0, 0, 0}, 1.0);
        QTRY_COMPARE(chart.xAxis->range().upper, 21.0); // not a fixed 1:00 for a 21 s run
    }

    void searchProgressShowsEachTargetsBracket() {
        LiveSearchProgress search;
        search.reset({"aiohttp", "tornado-gen"}, {{"aiohttp", SloLimits{75, 0.001}}, {"tornado-gen", {75, 0.001}}});
        QCOMPARE(QString::fromStdString(search.summary()), QString());
        // aiohttp holds 500 far below the limit, breaks 1125 far above it: a bracket with both ends.
        Step held = makeStep("aiohttp", 500, 1, 1, 20, 30);
        held.due = held.ok = held.completed;
        search.addProbe(held);
        QCOMPARE(QString::fromStdString(search.bracketText("aiohttp")), QStringLiteral("[500-?]"));
        Step broken = makeStep("aiohttp", 1125, 1, 2, 200, 900);
        broken.due = broken.ok = broken.completed;
        search.addProbe(broken);
        QCOMPARE(QString::fromStdString(search.bracketText("aiohttp")), QStringLiteral("[500-1125]"));
        Step failed = makeStep("tornado-gen", 500, 1, 3, 0, 0);
        failed.status = StepStatus::Failed;
        search.addProbe(failed);
        QCOMPARE(search.probes("tornado-gen"), 1);
        QCOMPARE(search.totalProbes(), 3);
        QCOMPARE(QString::fromStdString(search.summary()),
                 QStringLiteral("aiohttp: 2 probes, bracket [500-1125] \u00b7 tornado-gen: 1 probe"));
    }

    void redrawsAreBatched() {
        LiveLatencyChart chart;
        chart.setReplotIntervalMs(100);
        chart.show();
        const int before = chart.batchedReplotCount();
        QElapsedTimer clock;
        clock.start();
        int rate = 100;
        while (clock.elapsed() < 500) {
            chart.addStep(makeStep("aiohttp", rate, 1, rate, 50, 60)); // asks for a redraw every time
            rate += 10;
            QTest::qWait(5);
        }
        QTest::qWait(150);
        const int redraws = chart.batchedReplotCount() - before;
        QVERIFY2(redraws >= 3 && redraws <= 7, qPrintable(QString::number(redraws)));
    }

    void logViewIsBoundedAndFiltered() {
        LiveRunLogView view;
        for (int i = 0; i < LiveRunLogView::kMaxLines + 100; ++i)
            view.appendLine(i % 2 ? QStringLiteral("server:aiohttp") : QStringLiteral("loadgen"),
                            QStringLiteral("line %1").arg(i));
        QCOMPARE(view.lineCount(), LiveRunLogView::kMaxLines);
        const QString text = view.text();
        QVERIFY(!text.contains(QLatin1String("] line 0\n")));
        QVERIFY(text.contains(QStringLiteral("[server:aiohttp] line %1").arg(LiveRunLogView::kMaxLines + 99)));
        QVERIFY(text.count(QLatin1Char('\n')) < LiveRunLogView::kMaxLines);
    }

    void durationsReadAsAUserWouldSay() {
        QCOMPARE(humanDuration(45), QStringLiteral("45 s"));
        QCOMPARE(humanDuration(200), QStringLiteral("3 min 20 s"));
        QCOMPARE(humanDuration(3900), QStringLiteral("1 h 05 min"));
        QCOMPARE(humanLatency(0.85), QStringLiteral("850 µs"));
        QCOMPARE(humanLatency(51.234), QStringLiteral("51.2 ms"));
        QCOMPARE(humanLatency(1250), QStringLiteral("1.25 s"));
    }
};

QTEST_MAIN(TestLiveRun)
#include "test_live_run.moc"
