#include "timeline_chart.h"

#include "chart_text.h"
#include "log_ticker.h"

#include <algorithm>

namespace loadscope {

TimelineChart::TimelineChart(QWidget* parent)
    : ResultsChart(parent) {}

int TimelineChart::shownRepetition() const {
    if (!data())
        return options().repetition;
    const std::vector<int> measured = repetitionsAt(*data(), focusRate());
    if (measured.empty() || std::find(measured.begin(), measured.end(), options().repetition) != measured.end())
        return options().repetition;
    return measured.front();
}

void TimelineChart::build() {
    const ResultsDataset& data = dataset();
    const double rate = focusRate();
    const int repetition = shownRepetition();
    series_ = timelineSeries(data, rate, repetition);
    latencyRect_ = nullptr;
    setHeading(tr("Timeline at %1, repetition %2").arg(perSecond(formatRate(rate))).arg(repetition),
               describeRuns(data, RepetitionsShown::One));
    QCPAxisRect* rateRect = axisRect(0);
    rateRect->axis(QCPAxis::atLeft)->setLabel(tr("Achieved (requests/s)"));
    const bool anyPoint =
        std::any_of(series_.begin(), series_.end(), [](const TimelineSeries& s) { return !s.points.empty(); });
    if (!anyPoint) {
        showEmptyMessage(
            tr("No per-second timeline at %1 requests/s, repetition %2").arg(formatRate(rate)).arg(repetition));
        return;
    }
    addLatencyPanel(rateRect);
    for (const TimelineSeries& s : series_)
        addSeriesGraphs(s, rateRect);
    addRequestedRateLine(rateRect, rate);
    addLatencyMarkers();
}

void TimelineChart::addLatencyPanel(QCPAxisRect* rateRect) {
    latencyRect_ = new QCPAxisRect(this);
    plotLayout()->addElement(plotLayout()->rowCount(), 0, latencyRect_);
    QCPMarginGroup* margins = marginGroup();
    rateRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    latencyRect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    QCPAxis* time = latencyRect_->axis(QCPAxis::atBottom);
    QCPAxis* latency = latencyRect_->axis(QCPAxis::atLeft);
    time->setLabel(tr("Seconds into the measured part of the step"));
    latency->setLabel(dataset().multiRun() ? tr("Latency (ms): p99 thick, p50 thin")
                                           : tr("Latency (ms): p99 solid, p50 dashed"));
    if (options().logLatencyAxis) {
        useLogScale(latency);
    }
    // Both panels scroll and zoom in time together.
    QCPAxis* rateTime = rateRect->axis(QCPAxis::atBottom);
    connect(rateTime, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), time,
            qOverload<const QCPRange&>(&QCPAxis::setRange));
    connect(time, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), rateTime,
            qOverload<const QCPRange&>(&QCPAxis::setRange));
}

void TimelineChart::addSeriesGraphs(const TimelineSeries& s, QCPAxisRect* rateRect) {
    const bool multiRun = dataset().multiRun();
    const QColor color = colorOf(s.target);
    const QString label = seriesLabel(s.runIndex, s.target);
    QVector<double> seconds, achieved, p50, p99, errorSeconds, errorRates;
    for (const TimelinePoint& point : s.points) {
        seconds << point.second;
        achieved << static_cast<double>(point.completed);
        p50 << point.p50Ms;
        p99 << point.p99Ms;
        if (point.errors > 0) {
            errorSeconds << point.second;
            errorRates << static_cast<double>(point.completed);
        }
    }
    QCPAxis* rateTime = rateRect->axis(QCPAxis::atBottom);
    QCPAxis* rateAxis = rateRect->axis(QCPAxis::atLeft);
    QCPAxis* time = latencyRect_->axis(QCPAxis::atBottom);
    QCPAxis* latency = latencyRect_->axis(QCPAxis::atLeft);
    // One colour per target; several runs differ by line style (p50 then by width alone).
    const Qt::PenStyle style = multiRun ? runPenStyle(static_cast<int>(s.runIndex)) : Qt::SolidLine;
    auto* rateGraph = addGraph(rateTime, rateAxis);
    rateGraph->setName(label);
    rateGraph->setPen(QPen(color, 2, style));
    rateGraph->setData(seconds, achieved, true);
    auto* p99Graph = addGraph(time, latency);
    p99Graph->setName(label + QStringLiteral(" p99"));
    p99Graph->setPen(QPen(color, 2, style));
    p99Graph->setData(seconds, p99, true);
    p99Graph->removeFromLegend();
    auto* p50Graph = addGraph(time, latency);
    p50Graph->setName(label + QStringLiteral(" p50"));
    p50Graph->setPen(QPen(multiRun ? color.lighter(130) : color, multiRun ? 1 : 1.5, multiRun ? style : Qt::DashLine));
    p50Graph->setData(seconds, p50, true);
    p50Graph->removeFromLegend();
    linkToLegend(p99Graph, rateGraph);
    linkToLegend(p50Graph, rateGraph);
    if (!errorSeconds.isEmpty()) {
        auto* errors = addGraph(rateTime, rateAxis);
        errors->setName(label + QStringLiteral(" errors"));
        errors->setLineStyle(QCPGraph::lsNone);
        errors->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssCross, QPen(theme().foreground, 1.8), Qt::NoBrush, 12));
        errors->setData(errorSeconds, errorRates, true);
        errors->removeFromLegend();
        linkToLegend(errors, rateGraph);
    }
    const std::function<QString(int)> describe = secondTooltip(label, s.points);
    addHover(rateGraph, describe);
    addHover(p99Graph, describe);
    addHover(p50Graph, describe);
}

std::function<QString(int)> TimelineChart::secondTooltip(const QString& label,
                                                         const std::vector<TimelinePoint>& points) const {
    // Its own copy of the points: the next rebuild replaces series_ while a tooltip may still be asked for.
    return [keep = data(), label, points, rate = focusRate()](int index) {
        if (index < 0 || index >= static_cast<int>(points.size()))
            return QString();
        const TimelinePoint& p = points[static_cast<std::size_t>(index)];
        return QStringLiteral("<b>%1</b> at %2, second %3<br>sent %4, completed %5, errors %6<br>"
                              "p50 = %7<br>p99 = %8")
            .arg(label.toHtmlEscaped(), perSecond(formatRate(rate)))
            .arg(p.second)
            .arg(p.sent)
            .arg(p.completed)
            .arg(p.errors)
            .arg(formatLatency(p.p50Ms), formatLatency(p.p99Ms));
    };
}

// The requested rate: what every line of the top panel should sit on.
void TimelineChart::addRequestedRateLine(QCPAxisRect* rateRect, double rate) {
    auto* requested = new QCPItemStraightLine(this);
    requested->setClipAxisRect(rateRect);
    requested->point1->setAxes(rateRect->axis(QCPAxis::atBottom), rateRect->axis(QCPAxis::atLeft));
    requested->point2->setAxes(rateRect->axis(QCPAxis::atBottom), rateRect->axis(QCPAxis::atLeft));
    requested->point1->setCoords(0, rate);
    requested->point2->setCoords(1, rate);
    requested->setPen(QPen(theme().foreground, 1, Qt::DashLine));
}

// How far the p99 goes beyond the view, and the SLO line of the first run that has one.
void TimelineChart::addLatencyMarkers() {
    double dataMax = 0;
    for (const TimelineSeries& s : series_)
        for (const TimelinePoint& p : s.points)
            dataMax = std::max(dataMax, p.p99Ms);
    addOffScaleNote(latencyRect_, dataMax);
    for (const auto& slo : dataset().slo)
        if (slo) {
            addHorizontalMarker(latencyRect_, slo->p99Ms, tr("SLO p99 \u2264 %1").arg(formatLatency(slo->p99Ms)),
                                theme().sloLine);
            break;
        }
}

void TimelineChart::applyDefaultRanges() {
    double maxSecond = 0, maxRate = 0, maxLatency = 0, minLatency = std::numeric_limits<double>::max();
    for (const TimelineSeries& s : series_)
        for (const TimelinePoint& p : s.points) {
            maxSecond = std::max(maxSecond, static_cast<double>(p.second));
            maxRate = std::max(maxRate, static_cast<double>(p.completed));
            maxLatency = std::max(maxLatency, p.p99Ms);
            minLatency = std::min(minLatency, std::max(0.001, p.p50Ms));
        }
    const double rate = focusRate();
    QCPAxisRect* rateRect = axisRect(0);
    rateRect->axis(QCPAxis::atBottom)->setRange(0, std::max(1.0, maxSecond) + 0.5);
    rateRect->axis(QCPAxis::atLeft)->setRange(0, std::max(maxRate, rate) * 1.1 + 1);
    if (!latencyRect_)
        return;
    latencyRect_->axis(QCPAxis::atBottom)->setRange(0, std::max(1.0, maxSecond) + 0.5);
    for (const auto& slo : data()->slo)
        if (slo)
            maxLatency = std::max(maxLatency, slo->p99Ms);
    if (options().logLatencyAxis)
        latencyRect_->axis(QCPAxis::atLeft)->setRange(minLatency / 1.3, std::max(maxLatency, minLatency * 2) * 1.3);
    else
        latencyRect_->axis(QCPAxis::atLeft)
            ->setRange(0, latencyViewLimit(maxLatency).value_or(std::max(maxLatency, 1.0) * 1.08));
}

QString TimelineChart::csv() const {
    QString out = QStringLiteral("run_id,target,requested_rps,repetition,second,sent,completed,errors,p50_ms,p99_ms\n");
    if (!data())
        return out;
    for (const TimelineSeries& s : series_)
        for (const TimelinePoint& p : s.points)
            out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10\n")
                       .arg(data()->runs[s.runIndex].id)
                       .arg(csvField(s.target))
                       .arg(s.requestedRps)
                       .arg(s.repetition)
                       .arg(p.second)
                       .arg(p.sent)
                       .arg(p.completed)
                       .arg(p.errors)
                       .arg(p.p50Ms, 0, 'f', 3)
                       .arg(p.p99Ms, 0, 'f', 3);
    return out;
}

} // namespace loadscope
