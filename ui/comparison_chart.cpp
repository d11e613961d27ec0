#include "comparison_chart.h"

#include "chart_text.h"

#include <algorithm>

namespace loadscope {

namespace {
constexpr double kBarWidth = 0.36;
constexpr double kOffset = 0.19;
} // namespace

ComparisonChart::ComparisonChart(QWidget* parent)
    : ResultsChart(parent) {}

void ComparisonChart::build() {
    const ResultsDataset& data = dataset();
    const double rate = focusRate();
    bars_ = comparisonAt(data, rate);
    const auto allSeries = data.series();
    slots_ = static_cast<int>(allSeries.size());
    setHeading(tr("Latency at %1 requests/s: p50 (light) and p99 (full), whiskers = spread of repetitions")
                   .arg(formatRate(rate)),
               describeRuns(data));
    yAxis->setLabel(tr("Latency (ms)"));
    if (options().logLatencyAxis) {
        yAxis->setScaleType(QCPAxis::stLogarithmic);
        yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int i = 0; i < slots_; ++i)
        ticker->addTick(i, seriesLabel(allSeries[static_cast<std::size_t>(i)].first,
                                       allSeries[static_cast<std::size_t>(i)].second));
    xAxis->setTicker(ticker);
    xAxis->setTickLabelRotation(slots_ > 6 ? 30 : 0);
    xAxis->grid()->setVisible(false);
    xAxis->setSubTicks(false);
    xAxis->setTickLength(0, 4);
    if (bars_.empty()) {
        showEmptyMessage(tr("Nothing was measured at %1 requests/s").arg(formatRate(rate)));
        return;
    }
    double dataMax = 0;
    for (const ComparisonBar& bar : bars_)
        dataMax = std::max(dataMax, bar.p99MaxMs);
    const std::optional<double> limit = latencyViewLimit(dataMax);
    const std::shared_ptr<const ResultsDataset> keep = this->data();
    for (int slot = 0; slot < slots_; ++slot) {
        const auto& [runIndex, target] = allSeries[static_cast<std::size_t>(slot)];
        const auto bar = std::find_if(bars_.begin(), bars_.end(), [&](const ComparisonBar& b) {
            return b.runIndex == runIndex && b.target == target;
        });
        if (bar == bars_.end()) {
            // Say why the slot is empty: skipped by the stop rule, failed, or never planned.
            const MeasurementGroup* g = data.group(runIndex, target, rate);
            QString why = tr("not measured");
            if (g && g->skippedRepetitions > 0)
                why = tr("skipped:\ngave up earlier");
            else if (g && g->failedRepetitions > 0)
                why = tr("failed");
            auto* text = new QCPItemText(this);
            text->position->setTypeX(QCPItemPosition::ptPlotCoords);
            text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
            text->position->setCoords(slot, 0.9);
            text->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            text->setText(why);
            text->setProperty("themed", true);
            continue;
        }
        const QColor color = colorOf(target);
        QColor light = color;
        light.setAlpha(110);
        const QString label = seriesLabel(runIndex, target);
        auto* p99 = new QCPBars(xAxis, yAxis);
        p99->setName(label);
        p99->setWidth(kBarWidth);
        p99->setPen(QPen(color.darker(120), 1));
        p99->setBrush(color);
        p99->setData({slot + kOffset}, {bar->p99Ms});
        auto* p50 = new QCPBars(xAxis, yAxis);
        p50->setName(label + QStringLiteral(" p50"));
        p50->setWidth(kBarWidth);
        p50->setPen(QPen(color, 1));
        p50->setBrush(light);
        p50->setData({slot - kOffset}, {bar->p50Ms});
        p50->removeFromLegend();
        linkToLegend(p50, p99);
        for (auto [bars, value, low, high] : {std::tuple{p50, bar->p50Ms, bar->p50MinMs, bar->p50MaxMs},
                                              std::tuple{p99, bar->p99Ms, bar->p99MinMs, bar->p99MaxMs}}) {
            if (bar->group->okRepetitions() > 1) {
                auto* spread = new QCPErrorBars(xAxis, yAxis);
                spread->setDataPlottable(bars);
                spread->setData({std::max(0.0, value - low)}, {std::max(0.0, high - value)});
                spread->setPen(QPen(theme().foreground, 1.5));
                spread->setWhiskerWidth(10);
                spread->removeFromLegend();
                spread->setName(bars->name() + QStringLiteral(" spread"));
                linkToLegend(spread, p99);
            }
            auto* valueText = new QCPItemText(this);
            // A bar beyond the view keeps its number in sight, at the top, with an arrow.
            const bool clipped = limit && high > *limit;
            valueText->position->setCoords(bars->data()->at(0)->key, clipped ? *limit : high);
            valueText->setPositionAlignment(Qt::AlignHCenter | (clipped ? Qt::AlignTop : Qt::AlignBottom));
            valueText->setText(clipped ? formatLatency(value) + QStringLiteral(" \u2191") : formatLatency(value));
            valueText->setProperty("themed", true);
            linkToLegend(valueText, p99);
        }
        const ComparisonBar copy = *bar;
        addHover(p99, [keep, copy](int) { return describeGroup(*keep, *copy.group, Percentile::P99); });
        addHover(p50, [keep, copy](int) { return describeGroup(*keep, *copy.group, Percentile::P50); });
    }
    for (const auto& slo : data.slo)
        if (slo) {
            addHorizontalMarker(axisRect(), slo->p99Ms, tr("SLO p99 \u2264 %1").arg(formatLatency(slo->p99Ms)),
                                theme().sloLine);
            break;
        }
}

void ComparisonChart::applyDefaultRanges() {
    xAxis->setRange(-0.6, std::max(1, slots_) - 0.4);
    double maxY = 0, minY = std::numeric_limits<double>::max();
    for (const ComparisonBar& bar : bars_) {
        maxY = std::max(maxY, bar.p99MaxMs);
        minY = std::min(minY, std::max(0.001, bar.p50MinMs));
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
                                 "p99_min_ms,p99_max_ms,errors,generator_limited,connection_limited\n");
    if (!data())
        return out;
    for (const ComparisonBar& bar : bars_)
        out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13\n")
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
    return out;
}

} // namespace loadscope
