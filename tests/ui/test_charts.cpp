// The Results charts drawn from a realistic dataset: what is on each plot (one curve per target per percentile,
// bands, markers, SLO line, knees), hover tooltips with exact values, a legend click hiding its series with its
// companions, reset view, options, colours shared across charts, and the dark theme.
#include "chart_text.h"
#include "comparison_chart.h"
#include "latency_rps_chart.h"
#include "resources_chart.h"
#include "spectrum_chart.h"
#include "timeline_chart.h"
#include "ui_fixture.h"

#include <QSignalSpy>
#include <QTest>

using namespace loadscope;
using namespace loadscope::test;

namespace {

std::shared_ptr<const ResultsDataset> fixtureData(FixtureRunSpec spec = {}) {
    Run run = makeFixtureRun(spec);
    run.id = 7;
    return std::make_shared<ResultsDataset>(buildDataset({run}, {SloLimits{75, 0.001}}));
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
    chart->replot(); // lay out now: tests click and hover at pixel positions
    return chart;
}

QCPGraph* graphNamed(QCustomPlot& plot, const QString& prefix) {
    for (int i = 0; i < plot.graphCount(); ++i)
        if (plot.graph(i)->name().startsWith(prefix))
            return plot.graph(i);
    return nullptr;
}

int itemsOfType(QCustomPlot& plot, const char* className) {
    int n = 0;
    for (int i = 0; i < plot.itemCount(); ++i)
        if (plot.item(i)->inherits(className))
            ++n;
    return n;
}

} // namespace

class TestCharts : public QObject {
    Q_OBJECT
private slots:
    void latencyVsRpsDrawsTheMergedCurves() {
        const auto data = fixtureData();
        ChartOptions withBands;
        withBands.showBands = true; // off by default (the p99 interval says more), one click away
        auto chart = shown<LatencyRpsChart>(data, withBands);
        QVERIFY(!chart->isEmptyChart());
        // One legend entry per target and percentile (p50 and p99 by default); markers explained by kind.
        QStringList legend;
        for (QCPAbstractPlottable* p : chart->legendSeries())
            legend << p->name();
        QCOMPARE(legend.filter(QStringLiteral(" p50")).size(), 3);
        QCOMPARE(legend.filter(QStringLiteral(" p99")).size(), 3);
        QVERIFY2(legend.contains(QStringLiteral("errors")), qPrintable(legend.join(QLatin1Char('|'))));
        QVERIFY(legend.contains(QStringLiteral("connection-limited")));
        // The knee is named in the legend of each target's p99 curve.
        QVERIFY(legend.filter(QStringLiteral("knee")).size() == 3);
        const auto curves = latencyCurves(*data, {Percentile::P50, Percentile::P99});
        for (const LatencyCurve& curve : curves) {
            QCPGraph* graph = graphNamed(
                *chart, QStringLiteral("%1 %2").arg(QString::fromStdString(curve.target),
                                                    QString::fromLatin1(percentileLabel(curve.percentile).data())));
            QVERIFY(graph);
            QCOMPARE(graph->dataCount(), int(curve.points.size()));
            for (int i = 0; i < graph->dataCount(); ++i) {
                QCOMPARE(graph->data()->at(i)->key, curve.points[std::size_t(i)].requestedRps);
                QCOMPARE(graph->data()->at(i)->value, curve.points[std::size_t(i)].latencyMs);
            }
            // Its min-max band: two graphs filled between them.
            QCPGraph* high =
                graphNamed(*chart, graph->name().section(QStringLiteral("  \u2014"), 0, 0) + QStringLiteral(" max"));
            QVERIFY2(high && high->channelFillGraph(), qPrintable(graph->name()));
        }
        // Same colour for a target's curves; different targets, different colours.
        QCOMPARE(graphNamed(*chart, QStringLiteral("aiohttp p50"))->pen().color(),
                 graphNamed(*chart, QStringLiteral("aiohttp p99"))->pen().color());
        QVERIFY(graphNamed(*chart, QStringLiteral("aiohttp p99"))->pen().color() !=
                graphNamed(*chart, QStringLiteral("tornado-async p99"))->pen().color());
        // SLO line (straight line at 75 ms) and one knee line per target.
        QCOMPARE(itemsOfType(*chart, "QCPItemStraightLine"), 1 + 3);
        bool sloLabel = false;
        for (int i = 0; i < chart->itemCount(); ++i)
            if (auto* text = qobject_cast<QCPItemText*>(chart->item(i)))
                // At the line's left end: the knees' lines and labels (at high rates) must not run through it.
                sloLabel |= text->text().contains(QStringLiteral("SLO p99")) && text->position->coords().y() == 75 &&
                            text->positionAlignment().testFlag(Qt::AlignLeft);
        QVERIFY(sloLabel);
        QVERIFY(chart->yAxis->range().upper >= 75);
        // tornado-async is overloaded at 3000/s (seconds of latency): the default view stops at 4 x the SLO (plus
        // the rows kept free for the knee labels) and says so, instead of flattening every other curve.
        QVERIFY(chart->yAxis->range().upper > 300.0 && chart->yAxis->range().upper < 400.0);
        bool note = false;
        for (int i = 0; i < chart->itemCount(); ++i)
            if (auto* text = qobject_cast<QCPItemText*>(chart->item(i)))
                note |= text->text().contains(QStringLiteral("off the scale up to"));
        QVERIFY(note);
    }

    void hoverNamesTheExactValues() {
        const auto data = fixtureData();
        ChartOptions p99Only;
        p99Only.percentiles = {Percentile::P99};
        auto chart = shown<LatencyRpsChart>(data, p99Only);
        QCPGraph* graph = graphNamed(*chart, QStringLiteral("aiohttp p99"));
        const auto point = graph->data()->at(2); // 1500 requests/s
        const QPointF pixel = graph->coordsToPixels(point->key, point->value);
        const QString tip = chart->tooltipAt(pixel.toPoint() + QPoint(2, 1));
        QVERIFY2(tip.contains(QStringLiteral("<b>aiohttp</b> at ") + perSecond(QStringLiteral("1500"))),
                 qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("<b>p99 = %1").arg(formatLatency(point->value))), qPrintable(tip));
        QVERIFY(tip.contains(QStringLiteral("3 repetitions merged")));
        QVERIFY(chart->tooltipAt(QPoint(3, 3)).isEmpty());
        // The tooltip also goes out as a signal (the status bar shows it).
        QSignalSpy hovered(chart.get(), &ResultsChart::hovered);
        QTest::mouseMove(chart.get(), pixel.toPoint());
        QTRY_VERIFY(!hovered.isEmpty());
        QVERIFY(hovered.last().at(0).toString().contains(QStringLiteral("aiohttp")));
    }

    void legendClickHidesItsSeries() {
        const auto data = fixtureData();
        ChartOptions withBands;
        withBands.showBands = true;
        auto chart = shown<LatencyRpsChart>(data, withBands);
        QCPGraph* graph = graphNamed(*chart, QStringLiteral("tornado-async p99"));
        QCPGraph* band = graphNamed(*chart, QStringLiteral("tornado-async p99") + QStringLiteral(" max"));
        QVERIFY(graph && band);
        QCPPlottableLegendItem* item = chart->legend->itemWithPlottable(graph);
        QVERIFY(item);
        QVERIFY(graph->visible() && band->visible());
        QTest::mouseClick(chart.get(), Qt::LeftButton, {}, item->rect().center());
        QVERIFY(!graph->visible());
        QVERIFY(!band->visible()); // its band goes with it
        QVERIFY(!chart->isSeriesVisible(graph));
        QVERIFY(graphNamed(*chart, QStringLiteral("aiohttp p99"))->visible()); // the others stay
        // Still hidden after the options change (rebuild), until clicked again.
        ChartOptions options = chart->options();
        options.logLatencyAxis = true;
        chart->setOptions(options);
        chart->replot();
        graph = graphNamed(*chart, QStringLiteral("tornado-async p99"));
        QVERIFY(!graph->visible());
        QCOMPARE(chart->yAxis->scaleType(), QCPAxis::stLogarithmic);
        QTest::mouseClick(chart.get(), Qt::LeftButton, {}, chart->legend->itemWithPlottable(graph)->rect().center());
        QVERIFY(graph->visible());
        // A marker kind's entry hides that kind's markers only.
        QCPGraph* errors = graphNamed(*chart, QStringLiteral("errors"));
        QCPGraph* errorMarkers = graphNamed(*chart, QStringLiteral("tornado-async p99"));
        for (int i = 0; i < chart->graphCount(); ++i)
            if (chart->graph(i)->name().endsWith(QStringLiteral(" errors")))
                errorMarkers = chart->graph(i);
        QVERIFY(errors && errorMarkers && errorMarkers->visible());
        chart->setSeriesVisible(errors, false);
        QVERIFY(!errorMarkers->visible());
    }

    void zoomAndResetView() {
        const auto data = fixtureData();
        auto chart = shown<LatencyRpsChart>(data);
        const QCPRange x = chart->xAxis->range();
        const QCPRange y = chart->yAxis->range();
        QCOMPARE(x, fittedRateRange(500, 3000)); // fitted to the rates measured, not from 0
        QVERIFY(x.lower > 0 && x.upper >= 3000);
        chart->xAxis->scaleRange(0.25, 1500);
        chart->yAxis->setRange(50, 60);
        QVERIFY(chart->xAxis->range().upper < 3000);
        chart->resetView();
        QCOMPARE(chart->xAxis->range(), x);
        QCOMPARE(chart->yAxis->range(), y);
    }

    void achievedRateOnTheXAxis() {
        const auto data = fixtureData();
        ChartOptions options;
        options.achievedRateAxis = true;
        options.percentiles = {Percentile::P99};
        auto chart = shown<LatencyRpsChart>(data, options);
        QCPGraph* graph = graphNamed(*chart, QStringLiteral("tornado-async p99"));
        // Beyond its capacity (1300/s) tornado cannot achieve the requested rate: the curve bends back.
        const auto curves = latencyCurves(*data, {Percentile::P99});
        QCOMPARE(
            graph->data()->at(graph->dataCount() - 1)->key,
            std::max_element(curves[2].points.begin(), curves[2].points.end(),
                             [](const LatencyPoint& a, const LatencyPoint& b) { return a.achievedRps < b.achievedRps; })
                ->achievedRps);
        QVERIFY(graph->data()->at(graph->dataCount() - 1)->key < 1500);
        QVERIFY(chart->xAxis->label().contains(QStringLiteral("Achieved")));
    }

    void spectrumTimelineComparisonResources() {
        const auto data = fixtureData();
        ChartOptions options;
        options.focusRate = 2000;
        options.spectrumRates = {500};
        auto spectrum = shown<SpectrumChart>(data, options);
        QCOMPARE(spectrum->curves().size(), std::size_t(6)); // 3 targets x 2 rates
        QCOMPARE(spectrum->legendSeries().size(), 6);
        QVERIFY(spectrum->xAxis->range().lower < ninesOf(50) && spectrum->xAxis->range().upper >= 5);
        QCPGraph* g = spectrum->graph(0);
        QCOMPARE(g->data()->at(0)->key, ninesOf(spectrum->curves()[0].group->spectrum.front().percent));

        options.repetition = 2;
        auto timeline = shown<TimelineChart>(data, options);
        QCOMPARE(timeline->series().size(), std::size_t(3));
        QCOMPARE(timeline->axisRects().size(), 2);
        QCOMPARE(timeline->shownRepetition(), 2);
        QCOMPARE(timeline->legendSeries().size(), 3);
        options.repetition = 9; // not measured: the first repetition instead
        timeline->setOptions(options);
        QCOMPARE(timeline->shownRepetition(), 1);

        auto comparison = shown<ComparisonChart>(data, options);
        QCOMPARE(comparison->bars().size(), std::size_t(3));
        int bars = 0;
        for (int i = 0; i < comparison->plottableCount(); ++i)
            if (auto* b = qobject_cast<QCPBars*>(comparison->plottable(i))) {
                ++bars;
                const auto expected =
                    std::find_if(comparison->bars().begin(), comparison->bars().end(), [&](const ComparisonBar& bar) {
                        const QString target = QString::fromStdString(bar.target);
                        return b->name() == target || b->name() == target + QStringLiteral(" p50");
                    });
                QVERIFY(expected != comparison->bars().end());
                QVERIFY(b->data()->at(0)->value == expected->p50Ms || b->data()->at(0)->value == expected->p99Ms);
            }
        QCOMPARE(bars, 6);
        QVERIFY(comparison->csv().contains(QStringLiteral("tornado-async,2000,3,")));

        auto resources = shown<ResourcesChart>(data, options);
        QCOMPARE(resources->series().size(), std::size_t(3));
        QCOMPARE(resources->axisRects().size(), 2);
        const QString csv = resources->csv();
        QCOMPARE(csv.count(QLatin1Char('\n')), 1 + 3 * 6);
    }

    void emptyAndSkippedDataSayWhy() {
        FixtureRunSpec spec;
        spec.stopRule = true;
        const auto data = fixtureData(spec);
        ChartOptions options;
        options.focusRate = 3000;
        auto comparison = shown<ComparisonChart>(data, options);
        bool said = false;
        for (int i = 0; i < comparison->itemCount(); ++i)
            if (auto* t = qobject_cast<QCPItemText*>(comparison->item(i)))
                said |= t->text().startsWith(QStringLiteral("skipped"));
        QVERIFY(said);

        auto empty = std::make_unique<LatencyRpsChart>();
        Run nothing;
        nothing.name = "empty";
        empty->setData(std::make_shared<ResultsDataset>(buildDataset({nothing}, {})), {}, {});
        QVERIFY(empty->isEmptyChart());
    }

    void csvMatchesTheCurves() {
        const auto data = fixtureData();
        auto chart = shown<LatencyRpsChart>(data);
        const QStringList lines = chart->csv().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 3 * 2 * 6);
        QVERIFY(lines[0].startsWith(QStringLiteral("run_id,target,percentile,requested_rps")));
        const QStringList first = lines[1].split(QLatin1Char(','));
        QCOMPARE(first[0], QStringLiteral("7"));
        QCOMPARE(first[1], QStringLiteral("aiohttp-uvloop"));
        QCOMPARE(first[2], QStringLiteral("p50"));
        QCOMPARE(first[3].toDouble(), 500.0);
        QCOMPARE(first[5].toDouble(), std::round(chart->curves()[0].points[0].latencyMs * 1000) / 1000);
    }

    void darkThemeFollowsThePalette() {
        const auto data = fixtureData();
        auto chart = shown<LatencyRpsChart>(data);
        QVERIFY(!chart->theme().dark);
        QPalette dark;
        dark.setColor(QPalette::Base, QColor(25, 25, 25));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        chart->setPalette(dark);
        QTRY_VERIFY(chart->theme().dark);
        QCOMPARE(chart->xAxis->tickLabelColor(), QColor(230, 230, 230));
        chart->replot();
        const QImage image = chart->toPixmap(400, 300).toImage();
        QVERIFY(qGray(image.pixel(5, 5)) < 60);
        // Colours of targets do not change with the theme.
        QCOMPARE(graphNamed(*chart, QStringLiteral("aiohttp p99"))->pen().color(),
                 colorsOf(*data).color(QStringLiteral("aiohttp")));
    }
};

QTEST_MAIN(TestCharts)
#include "test_charts.moc"
