#include "spectrum_chart.h"

#include "chart_text.h"
#include "log_ticker.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace loadscope {

namespace {
constexpr double kMaxNines = 5; // 99.999 %

// The x axis in "nines": 50 %, 90 %, 99 % ... 99.999 %, equally spaced.
QSharedPointer<QCPAxisTickerText> ninesTicker() {
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTick(ninesOf(50), QStringLiteral("50%"));
    ticker->addTick(1, QStringLiteral("90%"));
    ticker->addTick(2, QStringLiteral("99%"));
    ticker->addTick(3, QStringLiteral("99.9%"));
    ticker->addTick(4, QStringLiteral("99.99%"));
    ticker->addTick(5, QStringLiteral("99.999%"));
    ticker->setSubTickCount(0);
    return ticker;
}

// The tooltip of one point of a spectrum: the percentile, its latency and what was merged.
QString describeSpectrumPoint(const ResultsDataset& data, const MeasurementGroup& group,
                              const MeasurementGroup::SpectrumPoint& point) {
    return QStringLiteral("<b>%1</b> at %2<br>%3 = %4<br>%5 requests, %6")
        .arg(QString::fromStdString(data.seriesLabel(group.runIndex, group.target)).toHtmlEscaped(),
             perSecond(formatRate(group.requestedRps)), quantileLabel(point.percent), formatLatency(point.latencyMs))
        .arg(group.merged.count)
        .arg(group.okRepetitions() > 1 ? QObject::tr("%1 repetitions merged").arg(group.okRepetitions())
                                       : QObject::tr("1 repetition"));
}
} // namespace

SpectrumChart::SpectrumChart(QWidget* parent)
    : ResultsChart(parent) {}

std::vector<double> SpectrumChart::chosenRates() const {
    std::set<double> rates{focusRate()};
    for (double rate : options().spectrumRates)
        if (data() && std::find(data()->rates.begin(), data()->rates.end(), rate) != data()->rates.end())
            rates.insert(rate);
    return {rates.begin(), rates.end()};
}

void SpectrumChart::build() {
    const ResultsDataset& data = dataset();
    const std::vector<double> rates = chosenRates();
    curves_ = spectrumCurves(data, rates);
    QStringList rateText;
    for (double rate : rates)
        rateText << formatRate(rate);
    setHeading(tr("Percentile spectrum at %1").arg(perSecond(rateText.join(QStringLiteral(", ")))), describeRuns(data));
    xAxis->setTicker(ninesTicker());
    xAxis->setLabel(tr("Percentile (\u201cnines\u201d scale)"));
    yAxis->setLabel(tr("Latency (ms)"));
    if (options().logLatencyAxis) {
        useLogScale(yAxis);
    }
    // Only horizontal zoom and pan along the latency axis would lose the tail; both axes stay free.
    if (curves_.empty()) {
        showEmptyMessage(tr("No measurement at %1 requests/s").arg(rateText.join(QStringLiteral(", "))));
        return;
    }
    for (const SpectrumCurve& curve : curves_)
        addCurveGraph(curve, rates);
    addSpectrumMarkers();
}

void SpectrumChart::addCurveGraph(const SpectrumCurve& curve, const std::vector<double>& rates) {
    const auto rateIndex = std::find(rates.begin(), rates.end(), curve.requestedRps) - rates.begin();
    auto* graph = addGraph();
    const QString series = seriesLabel(curve.runIndex, curve.target);
    graph->setName(rates.size() > 1 ? tr("%1 @ %2/s").arg(series, formatRate(curve.requestedRps)) : series);
    graph->setPen(QPen(colorOf(curve.target), 2.2, runPenStyle(static_cast<int>(rateIndex + curve.runIndex))));
    graph->setLineStyle(QCPGraph::lsStepLeft);
    QVector<double> keys, values;
    for (const auto& point : curve.group->spectrum) {
        keys << ninesOf(point.percent);
        values << point.latencyMs;
    }
    graph->setData(keys, values, true);
    addHover(graph, [keep = data(), group = curve.group, spectrum = curve.group->spectrum](int index) {
        if (index < 0 || index >= static_cast<int>(spectrum.size()))
            return QString();
        return describeSpectrumPoint(*keep, *group, spectrum[static_cast<std::size_t>(index)]);
    });
}

// How far the tails go beyond the view, and one line per distinct SLO among the runs.
void SpectrumChart::addSpectrumMarkers() {
    double dataMax = 0;
    for (const SpectrumCurve& curve : curves_)
        for (const auto& point : curve.group->spectrum)
            dataMax = std::max(dataMax, point.latencyMs);
    addOffScaleNote(axisRect(), dataMax);
    std::set<double> sloValues;
    for (const auto& slo : dataset().slo)
        if (slo && sloValues.insert(slo->p99Ms).second)
            addHorizontalMarker(axisRect(), slo->p99Ms, tr("SLO p99 \u2264 %1").arg(formatLatency(slo->p99Ms)),
                                theme().sloLine);
}

void SpectrumChart::applyDefaultRanges() {
    xAxis->setRange(ninesOf(50) - 0.05, kMaxNines + 0.05);
    double minY = std::numeric_limits<double>::max(), maxY = 0;
    for (const SpectrumCurve& curve : curves_)
        for (const auto& point : curve.group->spectrum) {
            minY = std::min(minY, std::max(point.latencyMs, 0.001));
            maxY = std::max(maxY, point.latencyMs);
        }
    if (maxY <= 0) {
        yAxis->setRange(options().logLatencyAxis ? 1 : 0, 100);
        return;
    }
    if (options().logLatencyAxis) {
        yAxis->setRange(minY / 1.3, maxY * 1.3);
        return;
    }
    // The view may stop short of an overloaded tail, but never above a whole curve: every curve in the legend keeps
    // at least its median in sight.
    double highestMedian = 0;
    for (const SpectrumCurve& curve : curves_)
        if (!curve.group->spectrum.empty())
            highestMedian = std::max(highestMedian, curve.group->spectrum.front().latencyMs);
    const std::optional<double> limit = latencyViewLimit(maxY);
    yAxis->setRange(0, limit ? std::min(maxY * 1.08, std::max(*limit, highestMedian * 1.5)) : maxY * 1.08);
}

QString SpectrumChart::csv() const {
    QString out = QStringLiteral("run_id,target,requested_rps,repetitions,percentile,nines,latency_ms\n");
    if (!data())
        return out;
    for (const SpectrumCurve& curve : curves_)
        for (const auto& point : curve.group->spectrum)
            out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7\n")
                       .arg(data()->runs[curve.runIndex].id)
                       .arg(csvField(curve.target))
                       .arg(curve.requestedRps)
                       .arg(curve.group->okRepetitions())
                       .arg(point.percent, 0, 'f', 5)
                       .arg(ninesOf(point.percent), 0, 'f', 4)
                       .arg(point.latencyMs, 0, 'f', 3);
    return out;
}

} // namespace loadscope
