#include "comparison_chart.h"

#include "chart_text.h"
#include "log_ticker.h"

#include <algorithm>

namespace loadscope {

namespace {
constexpr double kBarWidth = 0.36;
constexpr double kOffset = 0.19;
constexpr double kTargetGap = 0.6; // between the groups of different targets
} // namespace

ComparisonChart::ComparisonChart(QWidget* parent)
    : ResultsChart(parent) {}

void ComparisonChart::build() {
    const ResultsDataset& data = dataset();
    const double rate = focusRate();
    bars_ = comparisonAt(data, rate);
    // One slot per series, grouped by target: comparing runs puts a target's runs side by side.
    const auto allSeries = seriesByTarget(data);
    slotX_.clear();
    double x = 0;
    for (std::size_t i = 0; i < allSeries.size(); ++i) {
        if (i > 0)
            x += allSeries[i].second == allSeries[i - 1].second ? 1.0 : 1.0 + kTargetGap;
        slotX_.push_back(x);
    }
    setHeading(tr("Latency at %1: p50 (light) and p99 (full), whiskers = p99 95 % interval over repetitions")
                   .arg(perSecond(formatRate(rate))),
               describeRuns(data));
    yAxis->setLabel(tr("Latency (ms)"));
    if (options().logLatencyAxis)
        useLogScale(yAxis);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (std::size_t i = 0; i < allSeries.size(); ++i) {
        const auto& [runIndex, target] = allSeries[i];
        ticker->addTick(
            slotX_[i],
            data.multiRun()
                ? QStringLiteral("%1\nrun %2").arg(QString::fromStdString(target)).arg(data.runs[runIndex].id)
                : seriesLabel(runIndex, target));
    }
    xAxis->setTicker(ticker);
    xAxis->setTickLabelRotation(allSeries.size() > 6 && !data.multiRun() ? 30 : 0);
    xAxis->grid()->setVisible(false);
    xAxis->setSubTicks(false);
    xAxis->setTickLength(0, 4);
    if (bars_.empty()) {
        showEmptyMessage(tr("Nothing was measured at %1").arg(perSecond(formatRate(rate))));
        return;
    }
    double dataMax = 0;
    for (const ComparisonBar& bar : bars_)
        dataMax = std::max(dataMax, bar.p99Interval ? std::max(bar.p99Ms, bar.p99Interval->high) : bar.p99Ms);
    const std::optional<double> limit = latencyViewLimit(dataMax);
    for (std::size_t slot = 0; slot < allSeries.size(); ++slot) {
        const auto& [runIndex, target] = allSeries[slot];
        const auto bar = std::find_if(bars_.begin(), bars_.end(), [&](const ComparisonBar& b) {
            return b.runIndex == runIndex && b.target == target;
        });
        if (bar == bars_.end())
            addEmptySlotNote(slotX_[slot], data.group(runIndex, target, rate));
        else
            addBars(*bar, slotX_[slot], limit);
    }
    for (const auto& slo : data.slo)
        if (slo) {
            addHorizontalMarker(axisRect(), slo->p99Ms, tr("SLO p99 \u2264 %1").arg(formatLatency(slo->p99Ms)),
                                theme().sloLine);
            break;
        }
}

void ComparisonChart::addEmptySlotNote(double x, const MeasurementGroup* g) {
    // Say why the slot is empty: skipped by the stop rule, failed, or never planned.
    QString why = tr("not measured");
    if (g && g->skippedRepetitions > 0)
        why = tr("skipped:\ngave up earlier");
    else if (g && g->failedRepetitions > 0)
        why = tr("failed");
    auto* text = new QCPItemText(this);
    text->position->setTypeX(QCPItemPosition::ptPlotCoords);
    text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(x, 0.9);
    text->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
    text->setText(why);
    text->setProperty("themed", true);
}

void ComparisonChart::addBars(const ComparisonBar& bar, double x, std::optional<double> limit) {
    const QColor color = colorOf(bar.target);
    // Runs are told apart by hatching (and the tick label); targets by colour, the same on every chart.
    const Qt::BrushStyle fill = runBrushStyle(static_cast<int>(bar.runIndex));
    QColor light = color;
    light.setAlpha(110);
    const QString label = seriesLabel(bar.runIndex, bar.target);
    auto* p99 = new QCPBars(xAxis, yAxis);
    p99->setName(label);
    p99->setWidth(kBarWidth);
    p99->setPen(QPen(color.darker(120), 1.2));
    p99->setBrush(QBrush(color, fill));
    p99->setData({x + kOffset}, {bar.p99Ms});
    auto* p50 = new QCPBars(xAxis, yAxis);
    p50->setName(label + QStringLiteral(" p50"));
    p50->setWidth(kBarWidth);
    p50->setPen(QPen(color, 1));
    p50->setBrush(QBrush(light, fill));
    p50->setData({x - kOffset}, {bar.p50Ms});
    p50->removeFromLegend();
    linkToLegend(p50, p99);
    double p99Top = bar.p99Ms;
    if (bar.p99Interval) {
        auto* whiskers = new QCPErrorBars(xAxis, yAxis);
        whiskers->setDataPlottable(p99);
        whiskers->setData({std::max(0.0, bar.p99Ms - bar.p99Interval->low)},
                          {std::max(0.0, bar.p99Interval->high - bar.p99Ms)});
        whiskers->setPen(QPen(theme().foreground, 1.5));
        whiskers->setWhiskerWidth(10);
        whiskers->removeFromLegend();
        whiskers->setName(label + QStringLiteral(" p99 interval"));
        linkToLegend(whiskers, p99);
        p99Top = std::max(p99Top, bar.p99Interval->high);
    }
    for (auto [bars, value, top] : {std::tuple{p50, bar.p50Ms, bar.p50Ms}, std::tuple{p99, bar.p99Ms, p99Top}}) {
        auto* valueText = new QCPItemText(this);
        // A bar beyond the view keeps its number in sight, at the top, with an arrow.
        const bool clipped = limit && top > *limit;
        valueText->position->setCoords(bars->data()->at(0)->key, clipped ? *limit : top);
        valueText->setPositionAlignment(Qt::AlignHCenter | (clipped ? Qt::AlignTop : Qt::AlignBottom));
        valueText->setText(clipped ? formatLatency(value) + QStringLiteral(" \u2191") : formatLatency(value));
        valueText->setProperty("themed", true);
        // Above bars and whiskers, on the background: a whisker never runs through a number.
        valueText->setLayer(QStringLiteral("legend"));
        QColor background = theme().background;
        background.setAlpha(200);
        valueText->setBrush(background);
        valueText->setPadding(QMargins(2, 0, 2, 0));
        linkToLegend(valueText, p99);
    }
    const std::shared_ptr<const ResultsDataset> keep = this->data();
    const MeasurementGroup* group = bar.group;
    addHover(p99, [keep, group](int) { return describeGroup(*keep, *group, Percentile::P99); });
    addHover(p50, [keep, group](int) { return describeGroup(*keep, *group, Percentile::P50); });
}

void ComparisonChart::applyDefaultRanges() {
    // Room on the right for the SLO label, clear of the last bar.
    const double last = slotX_.empty() ? 0 : slotX_.back();
    xAxis->setRange(-0.6, last + 1.1);
    double maxY = 0, minY = std::numeric_limits<double>::max();
    for (const ComparisonBar& bar : bars_) {
        maxY = std::max(maxY, bar.p99Interval ? std::max(bar.p99Ms, bar.p99Interval->high) : bar.p99Ms);
        minY = std::min(minY, std::max(0.001, bar.p50Ms));
    }
    if (data())
        for (const auto& slo : data()->slo)
            if (slo)
                maxY = std::max(maxY, slo->p99Ms);
    if (maxY <= 0)
        maxY = 100;
    if (options().logLatencyAxis)
        yAxis->setRange(std::min(minY, maxY) / 2, maxY * 2);
    else
        yAxis->setRange(0, latencyViewLimit(maxY).value_or(maxY * 1.15));
}

QString ComparisonChart::csv() const {
    QString out = QStringLiteral("run_id,target,requested_rps,repetitions,p50_ms,p50_min_ms,p50_max_ms,p99_ms,"
                                 "p99_min_ms,p99_max_ms,errors,generator_limited,connection_limited,"
                                 "p99_interval_low_ms,p99_interval_high_ms,slo_verdict,slo_hold_probability\n");
    if (!data())
        return out;
    for (const ComparisonBar& bar : bars_) {
        const MergedMeasurement& m = bar.group->analysis;
        out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,")
                   .arg(data()->runs[bar.runIndex].id)
                   .arg(csvField(bar.target))
                   .arg(bar.group->requestedRps)
                   .arg(bar.group->okRepetitions())
                   .arg(bar.p50Ms, 0, 'f', 3)
                   .arg(bar.p50MinMs, 0, 'f', 3)
                   .arg(bar.p50MaxMs, 0, 'f', 3)
                   .arg(bar.p99Ms, 0, 'f', 3)
                   .arg(bar.p99MinMs, 0, 'f', 3)
                   .arg(bar.p99MaxMs, 0, 'f', 3)
                   .arg(bar.group->errors)
                   .arg(bar.group->generatorLimited ? 1 : 0)
                   .arg(bar.group->connectionLimited ? 1 : 0);
        // Empty where there is no interval (fewer than 3 repetitions) or no SLO stored.
        out += QStringLiteral("%1,%2,%3,%4\n")
                   .arg(bar.p99Interval ? QString::number(bar.p99Interval->low, 'f', 3) : QString(),
                        bar.p99Interval ? QString::number(bar.p99Interval->high, 'f', 3) : QString(),
                        csvField(m.verdictWord()),
                        m.holdProbability ? QString::number(*m.holdProbability, 'f', 3) : QString());
    }
    return out;
}

} // namespace loadscope
