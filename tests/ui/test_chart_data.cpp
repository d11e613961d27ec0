// Chart data checked numerically: curves from MERGED histograms (never averaged percentiles), the repetitions'
// spread, knees, SLO, spectra, timelines, comparison bars and resources, from realistic synthetic runs.
#include "benchmark_plan.h"
#include "chart_data.h"
#include "target_definition.h"
#include "ui_fixture.h"

#include <QTest>

#include <cmath>

using namespace loadscope;
using namespace loadscope::test;

namespace {

LatencyHistogram mergedOf(const Run& run, const std::string& target, double rate) {
    LatencyHistogram merged;
    for (const Step& s : run.steps)
        if (s.targetName == target && s.requestedRps == rate && s.status == StepStatus::Ok)
            merged.merge(*s.latencyHistogram);
    return merged;
}

double ms(std::int64_t us) {
    return static_cast<double>(us) / 1000.0;
}

} // namespace

class TestChartData : public QObject {
    Q_OBJECT
private slots:
    void groupsMergeRepetitionHistograms() {
        const Run run = makeFixtureRun({});
        const ResultsDataset data = buildDataset({run}, {});
        QCOMPARE(data.groups.size(), std::size_t(3 * 6));
        QCOMPARE(data.targets, (std::vector<std::string>{"aiohttp-uvloop", "aiohttp", "tornado-async"}));
        QCOMPARE(data.rates, (std::vector<double>{500, 1000, 1500, 2000, 2500, 3000}));
        int differsFromAverage = 0;
        for (const MeasurementGroup& g : data.groups) {
            QCOMPARE(g.okRepetitions(), 3);
            QVERIFY(!g.approximate);
            const LatencyHistogram expected = mergedOf(run, g.target, g.requestedRps);
            QCOMPARE(g.merged.count, expected.count());
            QCOMPARE(g.merged.p50Ms, ms(expected.valueAtPercentile(50)));
            QCOMPARE(g.merged.p99Ms, ms(expected.valueAtPercentile(99)));
            QCOMPARE(g.merged.p999Ms, ms(expected.valueAtPercentile(99.9)));
            QCOMPARE(g.merged.maxMs, ms(expected.max()));
            double averageP99 = 0;
            for (std::size_t i : g.okSteps)
                averageP99 += data.runs[0].steps[i].latency.p99Ms / 3;
            if (std::abs(averageP99 - g.merged.p99Ms) > 0.01)
                ++differsFromAverage;
            // Histograms are freed once merged.
            for (std::size_t i : g.steps)
                QVERIFY(!data.runs[0].steps[i].latencyHistogram);
        }
        QVERIFY2(differsFromAverage > 0, "merged percentiles must not be averages of the repetitions' percentiles");
    }

    void latencyCurvesOnePerTargetAndPercentile() {
        const Run run = makeFixtureRun({});
        const ResultsDataset data = buildDataset({run}, {});
        const auto curves = latencyCurves(data, {Percentile::P50, Percentile::P99, Percentile::Max});
        QCOMPARE(curves.size(), std::size_t(9));
        for (const LatencyCurve& curve : curves) {
            QCOMPARE(curve.points.size(), std::size_t(6));
            for (std::size_t i = 1; i < curve.points.size(); ++i)
                QVERIFY(curve.points[i].requestedRps > curve.points[i - 1].requestedRps);
            for (const LatencyPoint& p : curve.points) {
                const LatencyHistogram merged = mergedOf(run, curve.target, p.requestedRps);
                QCOMPARE(p.latencyMs, ms(merged.valueAtPercentile(percentileValue(curve.percentile))));
                // The band: the lowest and highest of the repetitions' own percentile.
                double low = 1e18, high = 0;
                for (const Step& s : run.steps)
                    if (s.targetName == curve.target && s.requestedRps == p.requestedRps) {
                        low = std::min(low, summaryValue(s.latency, curve.percentile));
                        high = std::max(high, summaryValue(s.latency, curve.percentile));
                    }
                QCOMPARE(p.minMs, low);
                QCOMPARE(p.maxMs, high);
                QVERIFY(p.minMs <= p.maxMs);
                QVERIFY(p.latencyMs >= p.minMs * 0.999 && p.latencyMs <= p.maxMs * 1.001);
            }
        }
        // Latency grows with load: the slowest target's p99 at 3000/s is far above its p99 at 500/s.
        const LatencyCurve& tornadoP99 = curves[7];
        QCOMPARE(tornadoP99.target, std::string("tornado-async"));
        QCOMPARE(tornadoP99.percentile, Percentile::P99);
        QVERIFY(tornadoP99.points.back().latencyMs > 3 * tornadoP99.points.front().latencyMs);
    }

    void storeMergerGivesTheSameNumbers() {
        TempFolder folder;
        RunStore store = RunStore::open(folder.file("runs.sqlite"));
        FixtureRunSpec spec;
        spec.rates = {1000, 2000};
        const std::int64_t id = addFixtureRun(store, spec);
        const ResultsDataset inMemory = buildDataset({makeFixtureRun(spec)}, {});
        std::optional<Run> loaded = store.loadRun(id);
        QVERIFY(loaded);
        QVERIFY(!loaded->steps.front().latencyHistogram);
        int merges = 0;
        const ResultsDataset fromStore = buildDataset({*loaded}, {}, [&](const std::vector<std::int64_t>& ids) {
            ++merges;
            return store.mergedHistograms(ids).first;
        });
        QCOMPARE(merges, 6);
        QCOMPARE(fromStore.groups.size(), inMemory.groups.size());
        for (std::size_t i = 0; i < fromStore.groups.size(); ++i) {
            QCOMPARE(fromStore.groups[i].target, inMemory.groups[i].target);
            QCOMPARE(fromStore.groups[i].merged.p99Ms, inMemory.groups[i].merged.p99Ms);
            QCOMPARE(fromStore.groups[i].merged.count, inMemory.groups[i].merged.count);
            QCOMPARE(fromStore.groups[i].spectrum.size(), inMemory.groups[i].spectrum.size());
        }
    }

    void withoutHistogramsTheWorstRepetitionIsMarkedApproximate() {
        Run run = makeFixtureRun({});
        for (Step& s : run.steps)
            s.latencyHistogram.reset();
        const ResultsDataset data = buildDataset({run}, {});
        for (const MeasurementGroup& g : data.groups) {
            QVERIFY(g.approximate);
            double worst = 0;
            for (std::size_t i : g.okSteps)
                worst = std::max(worst, data.runs[0].steps[i].latency.p99Ms);
            QCOMPARE(g.merged.p99Ms, worst);
        }
    }

    void kneeFromTheAnalysisOfTheStoredSlo() {
        FixtureRunSpec spec;
        const Run run = makeFixtureRun(spec);
        const ResultsDataset data = buildDataset({run}, {});
        QVERIFY(data.slo[0]);
        QCOMPARE(data.slo[0]->p99Ms, 75.0); // the plan's p99_max_ms, as stored with the run
        // Capacities 2600, 1900, 1300 with p99 <= 75 ms: the knees order the targets.
        for (const auto& t : run.targets) {
            QVERIFY(t.kneeRps);
            QCOMPARE(data.kneeRps(0, t.name), t.kneeRps);
            QVERIFY(data.knee(0, t.name)->sloKnown);
        }
        QVERIFY(*run.targets[0].kneeRps > *run.targets[1].kneeRps);
        QVERIFY(*run.targets[1].kneeRps > *run.targets[2].kneeRps);

        // A stricter SLO (an override, as for a foreign run) moves every knee down (or removes it).
        const ResultsDataset strict = buildDataset({run}, {SloLimits{52, 0.001}});
        for (const auto& t : run.targets)
            QVERIFY(strict.kneeRps(0, t.name).value_or(0) < *t.kneeRps);

        // No SLO stored at all: the stored knee is all there is to show.
        Run foreign = run;
        foreign.planJson.clear();
        const ResultsDataset unknown = buildDataset({foreign}, {});
        QVERIFY(!unknown.knee(0, "aiohttp")->sloKnown);
        QCOMPARE(unknown.kneeRps(0, "aiohttp"), run.targets[1].kneeRps); // targets[1] is aiohttp
    }

    void spectrumOnTheNinesAxis() {
        QCOMPARE(ninesOf(90), 1.0);
        QVERIFY(std::abs(ninesOf(99.9) - 3) < 1e-9);
        QVERIFY(std::abs(percentOfNines(ninesOf(99.99)) - 99.99) < 1e-9);
        const Run run = makeFixtureRun({});
        const ResultsDataset data = buildDataset({run}, {});
        const auto curves = spectrumCurves(data, {1000, 3000});
        QCOMPARE(curves.size(), std::size_t(6));
        for (const SpectrumCurve& c : curves) {
            const auto& points = c.group->spectrum;
            QVERIFY(points.size() > 100);
            const LatencyHistogram merged = mergedOf(run, c.target, c.requestedRps);
            QVERIFY(std::abs(points.front().percent - 50) < 1e-9);
            QCOMPARE(points.front().latencyMs, ms(merged.valueAtPercentile(points.front().percent)));
            for (std::size_t i = 1; i < points.size(); ++i) {
                QVERIFY(points[i].percent > points[i - 1].percent);
                QVERIFY(points[i].latencyMs >= points[i - 1].latencyMs);
            }
            // The spectrum stops where the count gives no more resolution (3 x 2500 requests: 10^3.9).
            QVERIFY(ninesOf(points.back().percent) <= std::log10(static_cast<double>(merged.count())) + 1e-9);
        }
    }

    void timelineComparisonAndResources() {
        const Run run = makeFixtureRun({});
        const ResultsDataset data = buildDataset({run}, {});
        QCOMPARE(repetitionsAt(data, 2000), (std::vector<int>{1, 2, 3}));
        const auto timelines = timelineSeries(data, 2000, 2);
        QCOMPARE(timelines.size(), std::size_t(3));
        for (const TimelineSeries& t : timelines) {
            QCOMPARE(t.repetition, 2);
            QCOMPARE(t.points.size(), std::size_t(4));
            const Step* step = nullptr;
            for (const Step& s : run.steps)
                if (s.targetName == t.target && s.requestedRps == 2000 && s.repetition == 2)
                    step = &s;
            QVERIFY(step);
            QCOMPARE(t.points, step->timeline);
        }
        // The drain second after the measured duration (only stragglers answered) is not part of the timeline.
        Run drained = run;
        for (Step& s : drained.steps) {
            TimelinePoint drain;
            drain.second = static_cast<int>(s.durationS);
            drain.completed = 40;
            s.timeline.push_back(drain);
        }
        const ResultsDataset drainedData = buildDataset({drained}, {});
        for (const TimelineSeries& t : timelineSeries(drainedData, 2000, 2))
            QCOMPARE(t.points.size(), std::size_t(4));
        const auto bars = comparisonAt(data, 1500);
        QCOMPARE(bars.size(), std::size_t(3));
        for (const ComparisonBar& b : bars) {
            const LatencyHistogram merged = mergedOf(run, b.target, 1500);
            QCOMPARE(b.p50Ms, ms(merged.valueAtPercentile(50)));
            QCOMPARE(b.p99Ms, ms(merged.valueAtPercentile(99)));
            QVERIFY(b.p99MinMs <= b.p99Ms * 1.001 && b.p99Ms <= b.p99MaxMs * 1.001);
        }
        const auto resources = resourceSeries(data);
        QCOMPARE(resources.size(), std::size_t(3));
        for (const ResourceSeries& r : resources) {
            QCOMPARE(r.points.size(), std::size_t(6));
            for (const MeasurementGroup* g : r.points) {
                double sum = 0, low = 1e9, high = 0;
                for (std::size_t i : g->okSteps) {
                    sum += run.steps[i].server.cpuPercent;
                    low = std::min(low, run.steps[i].server.cpuPercent);
                    high = std::max(high, run.steps[i].server.cpuPercent);
                }
                QVERIFY(std::abs(g->cpuPercent - sum / 3) < 1e-9);
                QCOMPARE(g->cpuMinPercent, low);
                QCOMPARE(g->cpuMaxPercent, high);
            }
        }
    }

    void flagsSkippedStepsAndTheFocusRate() {
        FixtureRunSpec spec;
        spec.stopRule = true;
        spec.generatorLimitedAt = std::pair<std::string, double>{"aiohttp", 1000};
        const Run run = makeFixtureRun(spec);
        const ResultsDataset data = buildDataset({run}, {});
        const MeasurementGroup* limited = data.group(0, "aiohttp", 1000);
        // aiohttp holds 1000 rps far within the SLO: the generator's lateness could not have changed that verdict,
        // so it is a note in the tooltip, not a marker on the chart.
        QVERIFY(limited && limited->generatorLimited && !limited->marked());
        QVERIFY(!limited->analysis.generatorMarker);
        QVERIFY(limited->note.find("lateness") != std::string::npos);
        // tornado-async (capacity 1300) breaks the SLO from 1500 on: 2500 and 3000 are skipped by the stop rule.
        const MeasurementGroup* skipped = data.group(0, "tornado-async", 3000);
        QVERIFY(skipped);
        QCOMPARE(skipped->skippedRepetitions, 3);
        QVERIFY(!skipped->hasMeasurement());
        const auto curves = latencyCurves(data, {Percentile::P99});
        QCOMPARE(curves[2].points.size(), std::size_t(4)); // 500 .. 2000
        // The single-rate charts open on the highest rate every target measured.
        QCOMPARE(data.defaultFocusRate(), std::optional<double>(2000));
        const MeasurementGroup* overloaded = data.group(0, "tornado-async", 2000);
        QVERIFY(overloaded->errors > 0 && overloaded->connectionLimited && overloaded->marked());
    }

    void severalRunsAreSeparateSeries() {
        FixtureRunSpec a;
        FixtureRunSpec b;
        b.seed = 7;
        b.targets = {{"aiohttp", 2100}, {"starlette-uvicorn", 2400}};
        Run runA = makeFixtureRun(a);
        Run runB = makeFixtureRun(b);
        runA.id = 12;
        runB.id = 15;
        const ResultsDataset data = buildDataset({runA, runB}, {});
        QVERIFY(data.multiRun());
        QCOMPARE(data.series().size(), std::size_t(5));
        QCOMPARE(data.seriesLabel(1, "aiohttp"), std::string("aiohttp (run 15)"));
        QCOMPARE(data.targets.size(), std::size_t(4)); // aiohttp appears in both: one colour
        const auto curves = latencyCurves(data, {Percentile::P99});
        QCOMPARE(curves.size(), std::size_t(5));
        QVERIFY(curves[1].points.front().latencyMs != curves[3].points.front().latencyMs);
    }
};

QTEST_GUILESS_MAIN(TestChartData)
#include "test_chart_data.moc"
