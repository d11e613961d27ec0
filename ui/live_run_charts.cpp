#include "live_run_charts.h"

#include <QEvent>
#include <QTimer>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace loadscope {

namespace {
constexpr double kGap = std::numeric_limits<double>::quiet_NaN(); // QCustomPlot breaks lines at NaN values

QPen seriesPen(const QColor& colour, qreal width, Qt::PenStyle style = Qt::SolidLine) {
    QPen pen(colour, width, style);
    pen.setCosmetic(true);
    return pen;
}

// The legend in a row of its own above the axis rect: inside it, it covered the very lines being watched.
void putLegendAbove(QCustomPlot* plot) {
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, plot->legend); // takes it out of the axis rect's inset layout
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    plot->legend->setMargins(QMargins(4, 2, 4, 2));
    // An empty legend's size hint is its margins, and a grid caps a column at its cells' maximum width: without an
    // explicit maximum, the axis rect below an empty legend shrank to a sliver.
    // (Below QWIDGETSIZE_MAX even with the margins added, or the hint is used again.)
    plot->legend->setMaximumSize(QWIDGETSIZE_MAX / 2, QWIDGETSIZE_MAX);
}
} // namespace

void applyLivePalette(QCustomPlot* plot) {
    const QPalette palette = plot->palette();
    const QColor text = palette.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(40);
    plot->setBackground(palette.brush(QPalette::Base));
    for (QCPAxis* axis : plot->axisRect()->axes()) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 0, Qt::DotLine));
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
    plot->legend->setBrush(palette.brush(QPalette::Base));
    plot->legend->setBorderPen(QPen(grid));
    plot->legend->setTextColor(text);
}

BatchedReplotChart::BatchedReplotChart(QWidget* parent)
    : QCustomPlot(parent)
    , replotTimer_(new QTimer(this)) {
    replotTimer_->setSingleShot(true);
    replotTimer_->setInterval(250);
    connect(replotTimer_, &QTimer::timeout, this, [this] {
        ++batchedReplots_;
        updateRanges();
        // An empty legend would still draw its frame: a stray little box above an idle chart.
        legend->setVisible(legend->itemCount() > 0);
        replot(QCustomPlot::rpQueuedReplot);
    });
    setNoAntialiasingOnDrag(true);
    setMinimumHeight(200);
}

void BatchedReplotChart::scheduleReplot() {
    if (!replotTimer_->isActive())
        replotTimer_->start();
}

void BatchedReplotChart::setReplotIntervalMs(int ms) {
    replotTimer_->setInterval(ms);
}

void BatchedReplotChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        applyLivePalette(this);
        scheduleReplot();
    }
    QCustomPlot::changeEvent(event);
}

// --- LiveTimelineChart ---

LiveTimelineChart::LiveTimelineChart(QWidget* parent)
    : BatchedReplotChart(parent) {
    yAxis2->setVisible(true);
    auto ticker = QSharedPointer<QCPAxisTickerTime>::create();
    ticker->setTimeFormat(QStringLiteral("%m:%s"));
    xAxis->setTicker(ticker);
    xAxis->setLabel(tr("run time (min:s)"));
    yAxis->setLabel(tr("requests per second"));
    yAxis2->setLabel(tr("latency (ms)"));

    requested_ = addGraph(xAxis, yAxis);
    requested_->setName(tr("requested rate"));
    requested_->setPen(seriesPen(QColor(0x88, 0x88, 0x88), 1.5, Qt::DashLine));
    achieved_ = addGraph(xAxis, yAxis);
    achieved_->setName(tr("achieved req/s"));
    achieved_->setPen(seriesPen(QColor(0x0072B2), 2));
    p50_ = addGraph(xAxis, yAxis2);
    p50_->setName(tr("p50 latency"));
    p50_->setPen(seriesPen(QColor(0x009E73), 1.5));
    p99_ = addGraph(xAxis, yAxis2);
    p99_->setName(tr("p99 latency"));
    p99_->setPen(seriesPen(QColor(0xD55E00), 1.5));
    for (QCPGraph* graph : {requested_, achieved_, p50_, p99_})
        graph->setAdaptiveSampling(true);
    // Small dots on the measured series: a step of one or two seconds (a short search probe) has a single
    // per-second point, which a line alone would not draw at all.
    for (QCPGraph* graph : {achieved_, p50_, p99_})
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, graph->pen().color(), 3));

    legend->setVisible(true);
    legend->setWrap(4);
    putLegendAbove(this);
    applyLivePalette(this);
    clear();
}

void LiveTimelineChart::clear() {
    for (QCPGraph* graph : {requested_, achieved_, p50_, p99_})
        graph->data()->clear();
    track_ = {};
    latestKey_ = 0;
    xAxis->setRange(0, plannedSeconds_);
    yAxis->setRange(0, 100);
    yAxis2->setRange(0, 100);
    scheduleReplot();
}

void LiveTimelineChart::setPlannedSeconds(double seconds) {
    plannedSeconds_ = std::clamp(seconds, 10.0, 600.0);
    scheduleReplot();
}

void LiveTimelineChart::addGap() {
    for (QCPGraph* graph : {requested_, achieved_, p50_, p99_})
        graph->addData(latestKey_ + 1e-3, kGap);
}

void LiveTimelineChart::addProgress(const Step& step, const StepProgress& progress, double runSeconds) {
    if (progress.elapsedS < 0)
        return; // warm-up: not part of the measurement
    if (track_.sequence != step.sequence) {
        if (track_.started)
            addGap();
        track_ = {};
        track_.sequence = step.sequence;
    }
    if (!track_.started) {
        track_.started = true;
        track_.origin = std::max(latestKey_ + 2e-3, runSeconds - progress.elapsedS);
        track_.lastElapsed = progress.elapsedS;
        track_.lastCompleted = progress.completed;
        requested_->addData(track_.origin, step.requestedRps);
        return;
    }
    // One point per second at most: rates from shorter windows are mostly noise.
    const double window = progress.elapsedS - track_.lastElapsed;
    if (window < 0.95)
        return;
    const double key = track_.origin + progress.elapsedS;
    achieved_->addData(key, static_cast<double>(progress.completed - track_.lastCompleted) / window);
    if (progress.completed > 0) {
        p50_->addData(key, progress.p50Ms);
        p99_->addData(key, progress.p99Ms);
    }
    requested_->addData(key, step.requestedRps);
    track_.lastElapsed = progress.elapsedS;
    track_.lastCompleted = progress.completed;
    latestKey_ = std::max(latestKey_, key);
    scheduleReplot();
}

void LiveTimelineChart::finishStep(const Step& step, double runSeconds) {
    const bool tracked = track_.started && track_.sequence == step.sequence;
    const double origin = tracked ? track_.origin : std::max(latestKey_ + 2e-3, runSeconds - step.durationS);
    if (step.timeline.empty() && !tracked)
        return; // skipped or failed before measuring: nothing to show
    if (!step.timeline.empty()) {
        // The stored per-second timeline is exact; drop the live approximation of this step.
        for (QCPGraph* graph : {requested_, achieved_, p50_, p99_})
            graph->data()->removeAfter(origin - 1e-6);
        requested_->addData(origin, step.requestedRps);
        // The bucket after the last whole second holds only the stragglers answered after the load stopped: drawn,
        // it dropped the achieved rate to near 0 at the end of every step.
        const int wholeSeconds = static_cast<int>(std::floor(step.durationS + 1e-6));
        for (const TimelinePoint& point : step.timeline) {
            if (wholeSeconds > 0 && point.second >= wholeSeconds)
                continue;
            const double key = origin + point.second + 1;
            achieved_->addData(key, static_cast<double>(point.completed));
            if (point.completed > 0) {
                p50_->addData(key, point.p50Ms);
                p99_->addData(key, point.p99Ms);
            }
            requested_->addData(key, step.requestedRps);
            latestKey_ = std::max(latestKey_, key);
        }
    }
    track_ = {};
    addGap();
    scheduleReplot();
}

int LiveTimelineChart::pointCount(int series) const {
    const std::array<QCPGraph*, 4> graphs{requested_, achieved_, p50_, p99_};
    if (series < 0 || series >= static_cast<int>(graphs.size()))
        return 0;
    int count = 0;
    for (const auto& point : *graphs[static_cast<std::size_t>(series)]->data())
        count += std::isnan(point.value) ? 0 : 1;
    return count;
}

void LiveTimelineChart::updateRanges() {
    // The planned run (at least 10 s) up to 10 minutes, then the last 10 minutes.
    const double end = std::max(plannedSeconds_, latestKey_ + 2);
    xAxis->setRange(std::max(0.0, end - 600), end);
    bool found = false;
    QCPRange rps = requested_->data()->valueRange(found);
    QCPRange achieved = achieved_->data()->valueRange(found);
    const double rpsTop = std::max({100.0, found ? achieved.upper : 0.0, rps.upper});
    yAxis->setRange(0, rpsTop * 1.15);
    QCPRange p99 = p99_->data()->valueRange(found);
    yAxis2->setRange(0, std::max(10.0, found ? p99.upper * 1.15 : 0.0));
}

// --- LiveLatencyChart ---

LiveLatencyChart::LiveLatencyChart(QWidget* parent)
    : BatchedReplotChart(parent) {
    // What the two line styles mean goes with the wider axis: on the narrow y axis it was cut.
    xAxis->setLabel(tr("requested rate (req/s) · solid p99, dashed p50"));
    // Rates are wide numbers ("1500"): a few ticks, or their labels run into each other on a narrow chart.
    xAxis->ticker()->setTickCount(4);
    yAxis->setLabel(tr("latency (ms, log scale)"));
    yAxis->setScaleType(QCPAxis::stLogarithmic);
    auto ticker = QSharedPointer<QCPAxisTickerLog>::create();
    ticker->setSubTickCount(8);
    yAxis->setTicker(ticker);
    // Plain milliseconds (20, 50, 100, 2000), not "5·10¹": people read latencies, not exponents.
    yAxis->setNumberFormat(QStringLiteral("g"));
    yAxis->setNumberPrecision(6);
    legend->setVisible(true);
    legend->setWrap(3);
    putLegendAbove(this);

    sloLine_ = new QCPItemStraightLine(this);
    sloLine_->setPen(seriesPen(QColor(0x88, 0x88, 0x88), 1.5, Qt::DashDotLine));
    sloLabel_ = new QCPItemText(this);
    sloLabel_->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    sloLabel_->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    sloLabel_->position->setTypeY(QCPItemPosition::ptPlotCoords);
    applyLivePalette(this);
    reset({}, std::nullopt);
}

void LiveLatencyChart::reset(const QStringList& targets, std::optional<double> sloP99Ms, const QString& sloLabel) {
    clearGraphs();
    curves_.clear();
    for (auto& [line, label] : extraSlo_) {
        removeItem(line);
        removeItem(label);
    }
    extraSlo_.clear();
    extraSloMs_.clear();
    targets_ = targets;
    colors_ = TargetColors(targets);
    sloP99Ms_ = sloP99Ms;
    const bool showSlo = sloP99Ms.has_value() && *sloP99Ms > 0;
    sloLine_->setVisible(showSlo);
    sloLabel_->setVisible(showSlo);
    if (showSlo) {
        sloLine_->point1->setCoords(0, *sloP99Ms);
        sloLine_->point2->setCoords(1, *sloP99Ms);
        sloLabel_->position->setCoords(0.99, *sloP99Ms);
        sloLabel_->setText(sloLabel.isEmpty() ? tr("SLO: p99 ≤ %1 ms").arg(*sloP99Ms, 0, 'g', 4) : sloLabel);
        sloLabel_->setColor(palette().color(QPalette::WindowText));
    }
    xAxis->setRange(0, 1000);
    yAxis->setRange(1, 1000);
    scheduleReplot();
}

LiveLatencyChart::TargetCurves& LiveLatencyChart::curvesFor(const QString& target) {
    auto found = curves_.find(target);
    if (found != curves_.end())
        return found->second;
    if (!targets_.contains(target)) {
        targets_ << target;
        colors_ = TargetColors(targets_);
    }
    const QColor colour = colors_.color(target);
    TargetCurves curves;
    curves.p99 = addGraph();
    curves.p99->setName(target);
    curves.p99->setPen(seriesPen(colour, 2.5));
    curves.p99->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 7));
    curves.p50 = addGraph();
    curves.p50->setName(tr("%1 p50").arg(target));
    curves.p50->setPen(seriesPen(colour, 1.5, Qt::DashLine));
    curves.p50->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, 5));
    // One legend entry per target (its p99, solid): the axis label says what the dashed p50 lines are. Two entries
    // per target did not fit the legend's width ("aioht", "tornado-a").
    curves.p50->removeFromLegend();
    return curves_.emplace(target, curves).first->second;
}

void LiveLatencyChart::addStep(const Step& step) {
    if (step.status != StepStatus::Ok || step.latency.count == 0)
        return; // failed, skipped or cancelled steps have no latency to show
    TargetCurves& curves = curvesFor(QString::fromStdString(step.targetName));
    auto [slot, inserted] = curves.byRate.try_emplace(step.requestedRps, step.latency.p50Ms, step.latency.p99Ms);
    if (!inserted) {
        slot->second.first = std::max(slot->second.first, step.latency.p50Ms);
        slot->second.second = std::max(slot->second.second, step.latency.p99Ms);
    }
    QVector<double> rates, p50, p99;
    for (const auto& [rate, values] : curves.byRate) {
        rates << rate;
        p50 << std::max(values.first, 1e-3); // log axis: keep zero out
        p99 << std::max(values.second, 1e-3);
    }
    curves.p50->setData(rates, p50, true);
    curves.p99->setData(rates, p99, true);
    scheduleReplot();
}

void LiveLatencyChart::addSloLine(double p99Ms, const QString& label, const QColor& colour) {
    auto* line = new QCPItemStraightLine(this);
    line->setPen(seriesPen(colour, 1.5, Qt::DashDotLine));
    line->point1->setCoords(0, p99Ms);
    line->point2->setCoords(1, p99Ms);
    auto* text = new QCPItemText(this);
    text->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
    text->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    text->position->setTypeY(QCPItemPosition::ptPlotCoords);
    text->position->setCoords(0.99, p99Ms);
    text->setText(label);
    text->setColor(colour);
    extraSlo_.emplace_back(line, text);
    extraSloMs_.push_back(p99Ms);
    scheduleReplot();
}

int LiveLatencyChart::sloLineCount() const {
    return (sloLine_->visible() ? 1 : 0) + static_cast<int>(extraSlo_.size());
}

int LiveLatencyChart::curveCount() const {
    return static_cast<int>(curves_.size());
}

QStringList LiveLatencyChart::plottedTargets() const {
    QStringList names;
    for (const auto& target : targets_)
        if (curves_.count(target))
            names << target;
    return names;
}

void LiveLatencyChart::updateRanges() {
    double minRate = std::numeric_limits<double>::max(), maxRate = 0;
    double minLatency = std::numeric_limits<double>::max(), maxLatency = 0;
    for (const auto& [target, curves] : curves_) {
        for (const auto& [rate, values] : curves.byRate) {
            minRate = std::min(minRate, rate);
            maxRate = std::max(maxRate, rate);
            minLatency = std::min(minLatency, std::max(values.first, 1e-3));
            maxLatency = std::max(maxLatency, values.second);
        }
    }
    for (double limit : extraSloMs_) {
        minLatency = std::min(minLatency, limit);
        maxLatency = std::max(maxLatency, limit);
    }
    if (sloP99Ms_ && *sloP99Ms_ > 0) {
        minLatency = std::min(minLatency, *sloP99Ms_);
        maxLatency = std::max(maxLatency, *sloP99Ms_);
    }
    if (maxRate > 0) {
        const double margin = std::max(50.0, (maxRate - minRate) * 0.08);
        xAxis->setRange(std::max(0.0, minRate - margin), maxRate + margin);
    }
    if (maxLatency > 0)
        yAxis->setRange(minLatency / 1.5, maxLatency * 1.5);
}

} // namespace loadscope
