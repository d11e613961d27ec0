// The Results page's answers, pinned where they are logic (issues 10 and 16): one p99 per tooltip with its interval,
// P(SLO holds), verdict and notes from the analysis library; the verdict line word for word the CLI's; axes fitted to
// the data and log axes at 1-2-5; knee labels clear of the data and on the p99 entry; no on-screen hint in exports;
// the timeline's subtitle and x axis; rounded quantiles; the stop rule's reason as the CLI says it; runs told apart
// by line style and hatching with bars grouped by target; the p99 interval on the comparison bars and in their CSV;
// "Is the difference real?" per rate and for the knees, and the knee grid of several runs; a search's bracket.
#include "chart_export.h"
#include "chart_text.h"
#include "comparison_chart.h"
#include "difference_model.h"
#include "difference_panel.h"
#include "latency_rps_chart.h"
#include "log_ticker.h"
#include "results_page.h"
#include "spectrum_chart.h"
#include "timeline_chart.h"
#include "ui_fixture.h"

#include <QFile>
#include <QTest>
#include <QTextDocument>

using namespace loadscope;
using namespace loadscope::test;

namespace {

std::shared_ptr<const ResultsDataset> datasetOf(std::vector<Run> runs) {
    std::vector<std::optional<SloLimits>> none(runs.size());
    return std::make_shared<ResultsDataset>(buildDataset(std::move(runs), none)); // the SLO stored with each run
}

Run fixtureRun(FixtureRunSpec spec, std::int64_t id) {
    Run run = makeFixtureRun(spec);
    run.id = id;
    return run;
}

TargetColors colorsOf(const ResultsDataset& data) {
    QStringList names;
    for (const auto& t : data.targets)
        names << QString::fromStdString(t);
    return TargetColors(names);
}

template <typename Chart>
std::unique_ptr<Chart> shown(std::shared_ptr<const ResultsDataset> data, ChartOptions options = {}) {
    auto chart = std::make_unique<Chart>();
    chart->resize(1000, 650);
    chart->setData(data, colorsOf(*data), options);
    chart->show();
    chart->replot();
    return chart;
}

QCPGraph* graphNamed(QCustomPlot& plot, const QString& prefix) {
    for (int i = 0; i < plot.graphCount(); ++i)
        if (plot.graph(i)->name().startsWith(prefix))
            return plot.graph(i);
    return nullptr;
}

QList<QCPItemText*> textsContaining(QCustomPlot& plot, const QString& part) {
    QList<QCPItemText*> found;
    for (int i = 0; i < plot.itemCount(); ++i)
        if (auto* text = qobject_cast<QCPItemText*>(plot.item(i)); text && text->text().contains(part))
            found << text;
    return found;
}

int countOf(const QString& text, const QString& part) {
    return static_cast<int>(text.count(part));
}

} // namespace

class TestResultsView : public QObject {
    Q_OBJECT
private slots:
    void tooltipGivesOneNumberPerQuantity() {
        const auto data = datasetOf({fixtureRun({}, 7)}); // 3 repetitions: intervals
        for (const MeasurementGroup& g : data->groups) {
            if (!g.hasMeasurement())
                continue;
            const QString tip = describeGroup(*data, g, Percentile::P99);
            QCOMPARE(countOf(tip, QStringLiteral("p99 =")), 1);
            QVERIFY2(!tip.contains(QStringLiteral("SLO: p99")), qPrintable(tip));
            QVERIFY(tip.contains(QStringLiteral("p99 = %1").arg(formatLatency(g.analysis.latency.p99Ms))));
            const MergedMeasurement& m = g.analysis;
            QVERIFY(m.p99Interval);
            QVERIFY2(tip.contains(QStringLiteral("[%1\u2013%2]")
                                      .arg(formatLatency(m.p99Interval->low), formatLatency(m.p99Interval->high))),
                     qPrintable(tip));
            QVERIFY(tip.contains(QStringLiteral("P(SLO holds) = %1 %").arg(std::round(*m.holdProbability * 100))));
            QVERIFY(tip.contains(QStringLiteral(": %1").arg(QString::fromStdString(m.verdictWord()))));
            // The achieved rate once, not as a range of repetitions.
            QVERIFY2(!tip.contains(QStringLiteral("achieved %1 (").arg(formatRate(g.achievedRps))), qPrintable(tip));
        }
        FixtureRunSpec two;
        two.repetitions = 2;
        const auto few = datasetOf({fixtureRun(two, 8)});
        const QString tip = describeGroup(*few, few->groups.front(), Percentile::P99);
        QVERIFY2(tip.contains(QStringLiteral("interval needs &gt;= 3 repetitions")), qPrintable(tip));
        QVERIFY(!tip.contains(QStringLiteral("P(SLO holds)")));
        // Broken with a p99 within the limit: the tooltip says why, without a second p99.
        for (const MeasurementGroup& g : few->groups)
            if (g.hasMeasurement() && !g.analysis.verdict.met && g.analysis.latency.p99Ms <= 75) {
                const QString why = describeGroup(*few, g);
                QVERIFY2(why.contains(QStringLiteral("without a good answer")), qPrintable(why));
                QCOMPARE(countOf(why, QStringLiteral("p99 ")), 2); // "p99 = ..." and the limit "(p99 ≤ 75 ms)"
            }
        // A single repetition: "achieved 1275/s (1275 - 1275)" no more.
        FixtureRunSpec one;
        one.repetitions = 1;
        const auto single = datasetOf({fixtureRun(one, 9)});
        QVERIFY(!describeGroup(*single, single->groups.front()).contains(QStringLiteral("\u2013")));
    }

    void notesSayWhatCouldChangeTheVerdictAndTheStopRuleAsTheCliDoes() {
        FixtureRunSpec spec;
        spec.stopRule = true;
        Run run = fixtureRun(spec, 11);
        // Two repetitions gave up for different reasons: the one the CLI prints (the analysis's) is the one shown.
        int n = 0;
        for (Step& step : run.steps)
            if (step.status == StepStatus::Skipped && step.targetName == "tornado-async" && step.requestedRps == 3000)
                step.statusMessage =
                    n++ == 0 ? "stop rule: broken at 1500 and 2000" : "stop rule: broken at 1000 and 1500";
        QVERIFY(n >= 2);
        const auto data = datasetOf({run});
        const MeasurementGroup* g = data->group(0, "tornado-async", 3000);
        QVERIFY(g);
        const QString tip = describeGroup(*data, *g);
        QCOMPARE(QString::fromStdString(g->analysis.statusMessage),
                 QStringLiteral("stop rule: broken at 1500 and 2000"));
        QVERIFY2(tip.contains(QStringLiteral("stop rule: broken at 1500 and 2000")), qPrintable(tip));
        QVERIFY(!tip.contains(QStringLiteral("1000 and 1500")));
    }

    void quantilesAndUnitsForPeople() {
        QCOMPARE(quantileLabel(99.0024), QStringLiteral("p99"));
        QCOMPARE(quantileLabel(99.9), QStringLiteral("p99.9"));
        QCOMPARE(quantileLabel(99.95), QStringLiteral("p99.95"));
        QCOMPARE(quantileLabel(50.0), QStringLiteral("p50"));
        QCOMPARE(quantileLabel(75.31), QStringLiteral("p75"));
        QVERIFY(!perSecond(QStringLiteral("1500")).contains(QLatin1Char(' ')));
        // The spectrum's tooltip names a rounded quantile.
        const auto data = datasetOf({fixtureRun({}, 7)});
        auto spectrum = shown<SpectrumChart>(data);
        QCPGraph* g = spectrum->graph(0);
        bool found = false;
        for (int i = 0; i < g->dataCount() && !found; ++i) {
            const QPointF pixel = g->coordsToPixels(g->data()->at(i)->key, g->data()->at(i)->value);
            const QString tip = spectrum->tooltipAt(pixel.toPoint());
            found = tip.contains(QRegularExpression(QStringLiteral("<br>p\\d+(\\.\\d+)? = ")));
            QVERIFY2(!tip.contains(QRegularExpression(QStringLiteral("p\\d+\\.\\d{4}"))), qPrintable(tip));
        }
        QVERIFY(found);
    }

    void logAxesAreLabelledAtOneTwoFive() {
        QCOMPARE(LogTicker125::ticksFor(QCPRange(20, 3000)), (QVector<double>{20, 50, 100, 200, 500, 1000, 2000}));
        QCOMPARE(LogTicker125::ticksFor(QCPRange(0.3, 4)), (QVector<double>{0.5, 1, 2}));
        QVERIFY(LogTicker125::ticksFor(QCPRange(60, 90)).size() >= 2); // a sliver still gets labels
        QCOMPARE(LogTicker125::ticksFor(QCPRange(1, 1e6)).size(), 7);  // wide: powers of ten only
        const auto data = datasetOf({fixtureRun({}, 7)});
        ChartOptions log;
        log.logLatencyAxis = true;
        auto chart = shown<LatencyRpsChart>(data, log);
        QVector<double> ticks;
        QVector<QString> labels;
        chart->yAxis->ticker()->generate(chart->yAxis->range(), QLocale::c(), QLatin1Char('g'), 6, ticks, nullptr,
                                         &labels);
        QVERIFY2(ticks.size() >= 4, qPrintable(QString::number(ticks.size())));
        for (const QString& label : labels)
            QVERIFY2(!label.contains(QLatin1Char('e')), qPrintable(label));
    }

    void axesFitTheDataAndKneeLabelsStayClearOfIt() {
        FixtureRunSpec spec;
        spec.rates = {1000, 1500, 2000, 2500, 3000};
        const auto data = datasetOf({fixtureRun(spec, 7)});
        auto chart = shown<LatencyRpsChart>(data);
        // Rates from 1000: the axis starts near 1000, not at 0.
        QVERIFY2(chart->xAxis->range().lower > 800 && chart->xAxis->range().lower < 1000,
                 qPrintable(QString::number(chart->xAxis->range().lower)));
        QVERIFY(chart->xAxis->range().upper > 3000 && chart->xAxis->range().upper < 3300);
        // The min-max band is off by default; the p99 interval is drawn as error bars.
        QVERIFY(!graphNamed(*chart, QStringLiteral("aiohttp p99 max")));
        int intervalBars = 0;
        for (int i = 0; i < chart->plottableCount(); ++i)
            if (auto* bars = qobject_cast<QCPErrorBars*>(chart->plottable(i))) {
                ++intervalBars;
                QVERIFY(bars->name().contains(QStringLiteral(" p99")));
            }
        QCOMPARE(intervalBars, 3);
        // The knee is named on the p99 entry (the SLO's percentile), with its interval as the CLI says it.
        const KneeEstimate* knee = data->knee(0, "aiohttp");
        QVERIFY(graphNamed(*chart, QStringLiteral("aiohttp p99"))
                    ->name()
                    .endsWith(QStringLiteral("knee %1").arg(QString::fromStdString(knee->text()))));
        QVERIFY(!graphNamed(*chart, QStringLiteral("aiohttp p50"))->name().contains(QStringLiteral("knee")));
        // Every knee label lies above every point drawn: no label covers a point or a marker.
        double highestPoint = 1e9; // pixels grow downwards
        for (int i = 0; i < chart->graphCount(); ++i) {
            QCPGraph* g = chart->graph(i);
            for (int k = 0; k < g->dataCount(); ++k) {
                const double value = g->data()->at(k)->value;
                if (value <= chart->yAxis->range().upper)
                    highestPoint = std::min(highestPoint, g->coordsToPixels(g->data()->at(k)->key, value).y());
            }
        }
        const auto labels = textsContaining(*chart, QStringLiteral(" knee "));
        int knees = 0;
        for (const auto& [runIndex, target] : data->series())
            knees += data->kneeRps(runIndex, target) ? 1 : 0;
        QVERIFY(knees >= 2);
        QCOMPARE(labels.size(), knees);
        for (QCPItemText* label : labels) {
            const double bottom = label->bottom->pixelPosition().y();
            QVERIFY2(bottom < highestPoint, qPrintable(QStringLiteral("%1 >= %2").arg(bottom).arg(highestPoint)));
            QCOMPARE(label->layer()->name(), QStringLiteral("legend"));
        }
    }

    void exportsCarryNoOnScreenHint() {
        const auto data = datasetOf({fixtureRun({}, 7)});
        auto chart = shown<LatencyRpsChart>(data); // tornado-async goes off the scale
        QCOMPARE(textsContaining(*chart, QStringLiteral("zoom out, or Log scale")).size(), 1);
        TempFolder folder;
        const QString path = QString::fromStdString(folder.file("chart.svg").string());
        ExportSettings settings;
        settings.format = ExportFormat::Svg;
        QVERIFY(exportChart(*chart, path, settings).isEmpty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString svg = QString::fromUtf8(file.readAll());
        QVERIFY(svg.contains(QStringLiteral("off the scale up to")));
        QVERIFY(!svg.contains(QStringLiteral("zoom out")));
        // And back on screen afterwards.
        QCOMPARE(textsContaining(*chart, QStringLiteral("zoom out, or Log scale")).size(), 1);
    }

    void timelineSaysWhatItShowsFromSecondZero() {
        const auto data = datasetOf({fixtureRun({}, 7)});
        auto timeline = shown<TimelineChart>(data);
        QCOMPARE(timeline->xAxis->range().lower, 0.0);
        QString subtitle;
        for (int i = 0; i < timeline->plotLayout()->elementCount(); ++i)
            if (auto* text = qobject_cast<QCPTextElement*>(timeline->plotLayout()->elementAt(i)))
                subtitle += text->text() + QLatin1Char('\n');
        QVERIFY2(subtitle.contains(QStringLiteral("repetition 1")), qPrintable(subtitle));
        QVERIFY2(!subtitle.contains(QStringLiteral("merged")), qPrintable(subtitle));
        QVERIFY(subtitle.contains(QStringLiteral("3 repetitions, one shown")));
    }

    void comparingRunsGroupsBarsByTargetAndTellsRunsApart() {
        FixtureRunSpec first;
        first.targets = {{"aiohttp", 1900}, {"tornado-async", 1300}};
        FixtureRunSpec second = first;
        second.seed = 2;
        const auto data = datasetOf({fixtureRun(first, 3), fixtureRun(second, 4)});
        ChartOptions options;
        options.focusRate = 1000;
        auto comparison = shown<ComparisonChart>(data, options);
        const auto& bars = comparison->bars();
        QCOMPARE(bars.size(), std::size_t(4));
        QCOMPARE(bars[0].target, std::string("aiohttp"));
        QCOMPARE(bars[1].target, std::string("aiohttp"));
        QCOMPARE(bars[1].runIndex, std::size_t(1));
        QCOMPARE(bars[2].target, std::string("tornado-async"));
        // One colour per target; runs differ by hatching, in the bars and so in the legend's swatches.
        QList<QCPBars*> p99;
        for (QCPAbstractPlottable* p : comparison->legendSeries())
            if (auto* b = qobject_cast<QCPBars*>(p))
                p99 << b;
        QCOMPARE(p99.size(), 4);
        QCOMPARE(p99[0]->brush().color(), p99[1]->brush().color());
        QVERIFY(p99[0]->brush().style() != p99[1]->brush().style());
        QCOMPARE(p99[0]->brush().style(), p99[2]->brush().style());
        QVERIFY(p99[0]->brush().color() != p99[2]->brush().color());
        // Whiskers are the p99's bootstrap interval; the CSV carries it.
        int whiskers = 0;
        for (int i = 0; i < comparison->plottableCount(); ++i)
            if (auto* e = qobject_cast<QCPErrorBars*>(comparison->plottable(i))) {
                ++whiskers;
                QVERIFY(e->name().endsWith(QStringLiteral("p99 interval")));
            }
        QCOMPARE(whiskers, 4);
        const QStringList csv = comparison->csv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(csv[0].endsWith(
            QStringLiteral("p99_interval_low_ms,p99_interval_high_ms,slo_verdict,slo_hold_probability")));
        const QStringList row = csv[1].split(QLatin1Char(','));
        QCOMPARE(row[13].toDouble(), std::round(bars[0].p99Interval->low * 1000) / 1000);
        QCOMPARE(row[14].toDouble(), std::round(bars[0].p99Interval->high * 1000) / 1000);
        // The SLO label is drawn above the bars.
        const auto slo = textsContaining(*comparison, QStringLiteral("SLO p99"));
        QCOMPARE(slo.size(), 1);
        QCOMPARE(slo.front()->layer()->name(), QStringLiteral("legend"));
        // Latency vs RPS and the timeline: the second run's lines dashed, same colour.
        auto latency = shown<LatencyRpsChart>(data);
        QCPGraph* a = graphNamed(*latency, QStringLiteral("aiohttp (run 3) p99"));
        QCPGraph* b = graphNamed(*latency, QStringLiteral("aiohttp (run 4) p99"));
        QVERIFY(a && b);
        QCOMPARE(a->pen().color(), b->pen().color());
        QVERIFY(a->pen().style() != b->pen().style());
        auto timeline = shown<TimelineChart>(data, options);
        a = graphNamed(*timeline, QStringLiteral("aiohttp (run 3)"));
        b = graphNamed(*timeline, QStringLiteral("aiohttp (run 4)"));
        QVERIFY(a && b);
        QVERIFY(a->pen().style() != b->pen().style());
    }

    void theVerdictLineIsTheClis() {
        const Run run = fixtureRun({}, 7);
        const auto data = datasetOf({run});
        QCOMPARE(verdictLineText(*data).toStdString(), kneeVerdictLine(analyzeRun(run)));
        ResultsPage page;
        page.setDataset(data);
        // As shown: the SLO in words, then the CLI's line (with a colour swatch before each entry).
        QTextDocument shown;
        shown.setHtml(page.verdictHtml());
        QString plain = shown.toPlainText();
        plain.replace(QChar(0x2011), QLatin1Char('-')).remove(QChar(0x25a0));
        QVERIFY2(plain.contains(QStringLiteral("errors < 0.1 %)")), qPrintable(plain));
        QVERIFY2(plain.simplified().endsWith(verdictLineText(*data).simplified()), qPrintable(plain));
        QCOMPARE(page.verdictHtml().count(QStringLiteral("<span style='color:")), 3);
    }

    void isTheDifferenceRealPerRateAndForTheKnees() {
        FixtureRunSpec spec;
        spec.targets = {{"aiohttp", 2600}, {"tornado-async", 1300}};
        const Run run = fixtureRun(spec, 7);
        const auto data = datasetOf({run});
        PairDifferenceModel model;
        model.setPair(data, 0, 1);
        const RunAnalysis analysis = analyzeRun(run);
        const PairVerdict expected = compareTargets(*analysis.find("aiohttp"), *analysis.find("tornado-async"));
        QCOMPARE(model.rowCount(), 1 + int(expected.rates.size()));
        QCOMPARE(model.index(0, PairDifferenceModel::SymbolColumn).data().toString().toStdString(),
                 std::string(symbolOf(expected.knee.ordering)));
        QCOMPARE(model.index(0, PairDifferenceModel::NoteColumn).data().toString().toStdString(), expected.knee.reason);
        for (std::size_t i = 0; i < expected.rates.size(); ++i) {
            const int row = int(i) + 1;
            QCOMPARE(model.index(row, PairDifferenceModel::SymbolColumn).data().toString().toStdString(),
                     std::string(symbolOf(expected.rates[i].ordering)));
            QCOMPARE(model.index(row, PairDifferenceModel::NumbersColumn).data().toString().toStdString(),
                     expected.rates[i].numbers());
            QCOMPARE(model.index(row, PairDifferenceModel::NoteColumn).data().toString().toStdString(),
                     expected.rates[i].note);
        }
        // 3 repetitions each cannot reach p < 0.05: the table says how many would.
        QVERIFY(model.index(1, PairDifferenceModel::NoteColumn).data().toString().contains(QStringLiteral("use 4+")));
        QCOMPARE(model.index(0, PairDifferenceModel::WordsColumn).data().toString(),
                 QStringLiteral("aiohttp holds more load"));

        // Several runs: the same target in two runs by default, and the knees as a target x run grid.
        FixtureRunSpec slower = spec;
        slower.targets = {{"aiohttp", 1200}, {"tornado-async", 1300}};
        slower.seed = 5;
        const auto runs = datasetOf({run, fixtureRun(slower, 8)});
        DifferencePanel panel;
        panel.setDataset(runs);
        QCOMPARE(panel.kneeGridModel()->rowCount(), 2);
        QCOMPARE(panel.kneeGridModel()->columnCount(), 2);
        const QString cell = panel.kneeGridModel()->index(0, 1).data().toString();
        QVERIFY2(cell.startsWith(QStringLiteral("<")), qPrintable(cell)); // aiohttp holds less load in run 8
        QVERIFY(panel.pairModel()
                    ->headerData(PairDifferenceModel::FirstColumn, Qt::Horizontal)
                    .toString()
                    .startsWith(QStringLiteral("aiohttp (run 7)")));
        QVERIFY(panel.pairModel()
                    ->headerData(PairDifferenceModel::SecondColumn, Qt::Horizontal)
                    .toString()
                    .startsWith(QStringLiteral("aiohttp (run 8)")));
    }

    void aSearchMarksItsFinalBracket() {
        FixtureRunSpec spec;
        spec.search = true;
        spec.rates = {800, 1200, 1800, 1500, 1650}; // probes at irregular rates
        spec.targets = {{"aiohttp", 1600}};
        const auto data = datasetOf({fixtureRun(spec, 12)});
        QVERIFY(data->isSearch(0));
        auto chart = shown<LatencyRpsChart>(data);
        QList<QCPItemRect*> spans;
        for (int i = 0; i < chart->itemCount(); ++i)
            if (auto* rect = qobject_cast<QCPItemRect*>(chart->item(i));
                rect && rect->property("searchBracket").toBool())
                spans << rect;
        QCOMPARE(spans.size(), 1);
        const KneeEstimate* knee = data->knee(0, "aiohttp");
        QCOMPARE(spans.front()->topLeft->coords().x(), knee->heldWithConfidence.value_or(knee->lowestMeasuredRps));
        QCOMPARE(spans.front()->bottomRight->coords().x(),
                 knee->brokenWithConfidence.value_or(knee->highestMeasuredRps));
        // The bracket the search stored with the run wins over the knee's interval.
        Run stored = fixtureRun(spec, 14);
        stored.environmentJson =
            R"json({"targets":{"aiohttp":{"search":{"bracket":"held 1500, broke 1650 (within 10 %)"}}}})json";
        const auto withBracket = datasetOf({stored});
        QCOMPARE(withBracket->searchBracket(0, "aiohttp")->held, 1500.0);
        auto chart2 = shown<LatencyRpsChart>(withBracket);
        for (int i = 0; i < chart2->itemCount(); ++i)
            if (auto* rect = qobject_cast<QCPItemRect*>(chart2->item(i));
                rect && rect->property("searchBracket").toBool()) {
                QCOMPARE(rect->topLeft->coords().x(), 1500.0);
                QCOMPARE(rect->bottomRight->coords().x(), 1650.0);
            }
        QVERIFY(graphNamed(*chart2, QStringLiteral("search's final bracket")));
        // A sweep has none.
        auto sweep = shown<LatencyRpsChart>(datasetOf({fixtureRun({}, 13)}));
        for (int i = 0; i < sweep->itemCount(); ++i)
            QVERIFY(!sweep->item(i)->property("searchBracket").toBool());
    }
};

QTEST_MAIN(TestResultsView)
#include "test_results_view.moc"
