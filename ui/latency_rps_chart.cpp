#include "latency_rps_chart.h"

#include "chart_text.h"
#include "log_ticker.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace loadscope {

namespace {

enum MarkerKind { kErrors, kGeneratorLimited, kConnectionLimited, kFailed };

QString markerKindName(int kind) {
    switch (kind) {
    case kErrors:
        return QObject::tr("errors");
    case kGeneratorLimited:
        return QObject::tr("generator-limited");
    case kConnectionLimited:
        return QObject::tr("connection-limited");
    default:
        return QObject::tr("failed repetitions");
    }
}

QCPScatterStyle markerStyle(int kind, const QColor& color) {
    const QPen pen(color, 1.8);
    switch (kind) {
    case kErrors:
        return {QCPScatterStyle::ssCross, pen, Qt::NoBrush, 14};
    case kGeneratorLimited:
        return {QCPScatterStyle::ssTriangleInverted, pen, Qt::NoBrush, 15};
    case kConnectionLimited:
        return {QCPScatterStyle::ssDiamond, pen, Qt::NoBrush, 15};
    default:
        return {QCPScatterStyle::ssStar, pen, Qt::NoBrush, 15};
    }
}

bool hasKind(const MeasurementGroup& g, int kind) {
    switch (kind) {
    case kErrors:
        return g.errors > 0;
    case kGeneratorLimited:
        // Only where the generator's lateness could have changed the verdict; a hiccup is a tooltip note.
        return g.analysis.generatorMarker;
    case kConnectionLimited:
        return g.connectionLimited;
    default:
        return g.failedRepetitions > 0;
    }
}

Qt::PenStyle percentileStyle(Percentile p) {
    switch (p) {
    case Percentile::P50:
        return Qt::DashLine;
    case Percentile::P90:
        return Qt::DashDotLine;
    case Percentile::P99:
        return Qt::SolidLine;
    case Percentile::P999:
        return Qt::DotLine;
    case Percentile::Max:
        return Qt::DashDotDotLine;
    }
    return Qt::SolidLine;
}

// The rest of a plot's height kept free above the data for the knee labels: one row each, so no label covers a
// point or a marker.
constexpr double kKneeLabelRow = 0.055;

QCPScatterStyle::ScatterShape runShape(std::size_t runIndex) {
    static constexpr QCPScatterStyle::ScatterShape shapes[] = {QCPScatterStyle::ssDisc, QCPScatterStyle::ssSquare,
                                                               QCPScatterStyle::ssTriangle, QCPScatterStyle::ssDiamond};
    return shapes[runIndex % std::size(shapes)];
}

} // namespace

LatencyRpsChart::LatencyRpsChart(QWidget* parent)
    : ResultsChart(parent) {}

double LatencyRpsChart::xOf(const LatencyPoint& point) const {
    return options().achievedRateAxis ? point.achievedRps : point.requestedRps;
}

void LatencyRpsChart::build() {
    const ResultsDataset& data = dataset();
    std::vector<Percentile> percentiles = options().percentiles;
    if (percentiles.empty())
        percentiles = {Percentile::P99};
    std::sort(percentiles.begin(), percentiles.end());
    curves_ = latencyCurves(data, percentiles);
    seriesOwner_.clear();
    std::fill(std::begin(markerKinds_), std::end(markerKinds_), nullptr);

    setHeading(tr("Latency vs load"), describeRuns(data));
    xAxis->setLabel(options().achievedRateAxis ? tr("Achieved rate (requests/s)") : tr("Requested rate (requests/s)"));
    yAxis->setLabel(tr("Latency (ms, from each request's due time)"));
    if (options().logLatencyAxis) {
        useLogScale(yAxis);
    }
    const bool anyPoint =
        std::any_of(curves_.begin(), curves_.end(), [](const LatencyCurve& c) { return !c.points.empty(); });
    if (!anyPoint) {
        showEmptyMessage(tr("No step of this run has measurements yet"));
        return;
    }
    for (const LatencyCurve& curve : curves_)
        if (!curve.points.empty())
            addCurve(curve, percentiles);
    addSloLines();
    addSearchBrackets();
    addKneeMarkers();
    moveMarkerKindsToLegendEnd();
    addCurvesOffScaleNote();
}

void LatencyRpsChart::addCurve(const LatencyCurve& curve, const std::vector<Percentile>& percentiles) {
    const bool main = curve.percentile == Percentile::P99 || percentiles.size() == 1;
    QCPGraph* graph = addCurveGraph(curve, main);
    // The knee belongs to the p99 curve (the SLO is on p99): its legend entry names it.
    const QString series = seriesLabel(curve.runIndex, curve.target);
    if (!seriesOwner_.contains(series) || curve.percentile == Percentile::P99)
        seriesOwner_.insert(series, graph);
    if (curve.percentile == Percentile::P99)
        addIntervalBars(curve, graph);
    const bool spread = std::any_of(curve.points.begin(), curve.points.end(),
                                    [](const LatencyPoint& point) { return point.group->okRepetitions() > 1; });
    if (options().showBands && spread)
        addMinMaxBand(curve, graph);
    // Flags are properties of a measurement, not of a percentile: mark them once, on the highest curve.
    if (curve.percentile == percentiles.back())
        addFlagMarkers(curve, graph);
}

QCPGraph* LatencyRpsChart::addCurveGraph(const LatencyCurve& curve, bool main) {
    const QColor color = colorOf(curve.target);
    auto* graph = addGraph();
    graph->setName(QStringLiteral("%1 %2").arg(seriesLabel(curve.runIndex, curve.target),
                                               QString::fromLatin1(percentileLabel(curve.percentile).data())));
    // One colour per target everywhere; several runs are told apart by line style (and point shape), so the
    // percentiles then differ by width alone.
    const Qt::PenStyle style =
        dataset().multiRun() ? runPenStyle(static_cast<int>(curve.runIndex)) : percentileStyle(curve.percentile);
    graph->setPen(QPen(color, main ? 2.6 : 1.4, style));
    graph->setScatterStyle(QCPScatterStyle(runShape(curve.runIndex), color, color, main ? 7 : 5));
    QVector<double> keys, values;
    for (const LatencyPoint& point : curve.points) {
        keys << xOf(point);
        values << point.latencyMs;
    }
    graph->setData(keys, values, options().achievedRateAxis ? false : true);
    addHover(graph, pointTooltip(curve, keys));
    return graph;
}

std::function<QString(int)> LatencyRpsChart::pointTooltip(const LatencyCurve& curve,
                                                          const QVector<double>& keys) const {
    const bool sortedByRequested = !options().achievedRateAxis;
    return [keep = data(), points = curve.points, p = curve.percentile, keys, sortedByRequested](int index) {
        // With the achieved rate on x the data is sorted by x; find the point by its key.
        int i = index;
        if (!sortedByRequested) {
            QVector<double> sorted = keys;
            std::sort(sorted.begin(), sorted.end());
            i = static_cast<int>(keys.indexOf(sorted.value(index)));
        }
        if (i < 0 || i >= static_cast<int>(points.size()))
            return QString();
        return describeGroup(*keep, *points[static_cast<std::size_t>(i)].group, p);
    };
}

void LatencyRpsChart::addMinMaxBand(const LatencyCurve& curve, QCPGraph* owner) {
    QVector<double> keys, lows, highs;
    for (const LatencyPoint& point : curve.points) {
        keys << xOf(point);
        lows << point.minMs;
        highs << point.maxMs;
    }
    auto* low = addGraph();
    auto* high = addGraph();
    low->setData(keys, lows, !options().achievedRateAxis);
    high->setData(keys, highs, !options().achievedRateAxis);
    low->setPen(Qt::NoPen);
    high->setPen(Qt::NoPen);
    QColor fill = colorOf(curve.target);
    fill.setAlpha(theme().dark ? 70 : 50);
    high->setBrush(fill);
    high->setChannelFillGraph(low);
    low->removeFromLegend();
    high->removeFromLegend();
    low->setName(owner->name() + QStringLiteral(" min"));
    high->setName(owner->name() + QStringLiteral(" max"));
    linkToLegend(low, owner);
    linkToLegend(high, owner);
    // Bands sit behind every curve.
    low->setLayer(QStringLiteral("grid"));
    high->setLayer(QStringLiteral("grid"));
}

// One line per distinct SLO among the runs.
void LatencyRpsChart::addSloLines() {
    const ResultsDataset& data = dataset();
    std::set<double> sloValues;
    for (std::size_t r = 0; r < data.runs.size(); ++r)
        if (r < data.slo.size() && data.slo[r] && sloValues.insert(data.slo[r]->p99Ms).second)
            // Label at the left end: the knees' lines and labels sit at high rates, on the right.
            addHorizontalMarker(axisRect(), data.slo[r]->p99Ms,
                                tr("SLO p99 \u2264 %1").arg(formatLatency(data.slo[r]->p99Ms)), theme().sloLine,
                                Qt::AlignLeft);
}

// The marker kinds' entries were made when first needed: explain them after every series.
void LatencyRpsChart::moveMarkerKindsToLegendEnd() {
    for (QCPGraph* entry : markerKinds_)
        if (entry) {
            legend->removeItem(legend->itemWithPlottable(entry));
            entry->addToLegend();
        }
}

void LatencyRpsChart::addCurvesOffScaleNote() {
    double dataMax = 0;
    for (const LatencyCurve& curve : curves_)
        for (const LatencyPoint& point : curve.points)
            dataMax = std::max(dataMax, options().showBands ? point.maxMs : point.latencyMs);
    addOffScaleNote(axisRect(), dataMax);
}

QCPGraph* LatencyRpsChart::markerKindEntry(int kind) {
    if (!markerKinds_[kind]) {
        // An empty graph whose legend entry explains (and toggles) one kind of marker.
        auto* entry = addGraph();
        entry->setName(markerKindName(kind));
        entry->setLineStyle(QCPGraph::lsNone);
        entry->setScatterStyle(markerStyle(kind, theme().foreground));
        markerKinds_[kind] = entry;
    }
    return markerKinds_[kind];
}

void LatencyRpsChart::addFlagMarkers(const LatencyCurve& curve, QCPGraph* owner) {
    for (int kind = kErrors; kind <= kFailed; ++kind) {
        QVector<double> keys, values;
        std::vector<const MeasurementGroup*> groups;
        for (const LatencyPoint& point : curve.points)
            if (hasKind(*point.group, kind)) {
                keys << xOf(point);
                values << point.latencyMs;
                groups.push_back(point.group);
            }
        if (keys.isEmpty())
            continue;
        QCPGraph* entry = markerKindEntry(kind);
        auto* markers = addGraph();
        markers->setName(QStringLiteral("%1 %2").arg(owner->name(), markerKindName(kind)));
        markers->setLineStyle(QCPGraph::lsNone);
        markers->setScatterStyle(markerStyle(kind, theme().foreground));
        markers->setData(keys, values);
        markers->removeFromLegend();
        linkToLegend(markers, owner);
        linkToLegend(markers, entry);
    }
}

void LatencyRpsChart::addIntervalBars(const LatencyCurve& curve, QCPGraph* owner) {
    // Error bars need a data plottable with the same points: an invisible graph of the points with an interval.
    QVector<double> keys, values, below, above;
    for (const LatencyPoint& point : curve.points)
        if (const auto& interval = point.group->analysis.p99Interval) {
            keys << xOf(point);
            values << point.latencyMs;
            below << std::max(0.0, point.latencyMs - interval->low);
            above << std::max(0.0, interval->high - point.latencyMs);
        }
    if (keys.isEmpty())
        return;
    auto* anchor = addGraph();
    anchor->setName(owner->name() + QStringLiteral(" interval points"));
    anchor->setLineStyle(QCPGraph::lsNone);
    anchor->setPen(Qt::NoPen);
    anchor->setData(keys, values);
    anchor->removeFromLegend();
    auto* bars = new QCPErrorBars(xAxis, yAxis);
    bars->setName(owner->name() + QStringLiteral(" interval"));
    bars->setDataPlottable(anchor);
    bars->setData(below, above);
    QColor color = owner->pen().color();
    bars->setPen(QPen(color, 1.6));
    bars->setWhiskerWidth(9);
    bars->removeFromLegend();
    linkToLegend(anchor, owner);
    linkToLegend(bars, owner);
}

void LatencyRpsChart::addSearchBrackets() {
    const ResultsDataset& data = dataset();
    QCPGraph* entry = nullptr; // the legend entry that explains (and toggles) the shaded spans
    for (const auto& [runIndex, target] : data.series()) {
        const KneeEstimate* knee = data.knee(runIndex, target);
        QCPGraph* owner = seriesOwner_.value(seriesLabel(runIndex, target));
        if (!data.isSearch(runIndex) || !knee || !owner || !knee->measuredAny || options().achievedRateAxis)
            continue;
        // The bracket the search ended on (stored with the run): its highest held and lowest broken rate, an open
        // end at the lowest or highest rate measured. A run that stored none: the knee's interval.
        const std::optional<SearchBracket> stored = data.searchBracket(runIndex, target);
        const double low = stored ? stored->held.value_or(knee->lowestMeasuredRps)
                                  : knee->heldWithConfidence.value_or(knee->lowestMeasuredRps);
        const double high = stored ? stored->broken.value_or(knee->highestMeasuredRps)
                                   : knee->brokenWithConfidence.value_or(knee->highestMeasuredRps);
        const bool broke = stored ? stored->broken.has_value() : knee->brokenWithConfidence.has_value();
        auto* span = new QCPItemRect(this);
        span->setClipToAxisRect(true);
        for (QCPItemPosition* corner : {span->topLeft, span->bottomRight}) {
            corner->setTypeX(QCPItemPosition::ptPlotCoords);
            corner->setTypeY(QCPItemPosition::ptAxisRectRatio);
        }
        span->topLeft->setCoords(low, 0);
        span->bottomRight->setCoords(std::max(high, low), 1);
        QColor fill = colorOf(target);
        fill.setAlpha(theme().dark ? 45 : 30);
        span->setBrush(fill);
        QColor edge = colorOf(target);
        edge.setAlpha(140);
        span->setPen(QPen(edge, 1, Qt::DashLine));
        span->setLayer(QStringLiteral("grid")); // behind the curves
        span->setProperty("searchBracket", true);
        span->setProperty("bracketText", tr("%1: final bracket %2 (held) \u2013 %3 (%4)")
                                             .arg(seriesLabel(runIndex, target), formatRate(low), formatRate(high),
                                                  broke ? tr("broken") : tr("nothing broke")));
        linkToLegend(span, owner);
        if (!entry) {
            entry = addGraph();
            entry->setName(tr("search's final bracket (held \u2013 broken)"));
            entry->setLineStyle(QCPGraph::lsLine);
            entry->setPen(QPen(theme().foreground, 1, Qt::DashLine));
            QColor shade = theme().foreground;
            shade.setAlpha(40);
            entry->setBrush(shade);
        }
        linkToLegend(span, entry);
    }
}

int LatencyRpsChart::kneeLabelRows() const {
    const ResultsDataset* data = this->data().get();
    if (!data)
        return 0;
    int rows = 0;
    for (const auto& [runIndex, target] : data->series())
        if (data->kneeRps(runIndex, target))
            ++rows;
    return rows;
}

void LatencyRpsChart::addKneeMarkers() {
    const ResultsDataset& data = dataset();
    int row = 0;
    double minX = std::numeric_limits<double>::max(), maxX = 0;
    for (const LatencyCurve& curve : curves_)
        for (const LatencyPoint& point : curve.points) {
            minX = std::min(minX, xOf(point));
            maxX = std::max(maxX, xOf(point));
        }
    for (const auto& [runIndex, target] : data.series()) {
        const std::optional<double> knee = data.kneeRps(runIndex, target);
        const KneeEstimate* estimate = data.knee(runIndex, target);
        const QString series = seriesLabel(runIndex, target);
        QCPGraph* owner = seriesOwner_.value(series);
        if (!owner)
            continue;
        // The knee as the CLI's knee line says it: "1750 (1500-2000)", "3000+", "never met the SLO".
        const QString kneeText = estimate && estimate->sloKnown && estimate->measuredAny
                                     ? QString::fromStdString(estimate->text())
                                     : (knee ? formatRate(*knee) : tr("unknown"));
        owner->setName(owner->name() + tr("  \u2014 knee %1").arg(kneeText));
        if (!knee)
            continue;
        double x = *knee;
        if (options().achievedRateAxis)
            if (const MeasurementGroup* g = data.group(runIndex, target, *knee); g && g->hasMeasurement())
                x = g->achievedRps;
        const QColor color = colorOf(target);
        auto* line = new QCPItemStraightLine(this);
        line->point1->setCoords(x, 0);
        line->point2->setCoords(x, 1);
        line->setPen(QPen(color, 1.5, Qt::DotLine));
        // Labels stack in the band kept free above the data (applyDefaultRanges), left of their line's top, or right
        // of it for a knee in the left part of the plot (a label there would run off the axis).
        auto* label = new QCPItemText(this);
        label->position->setTypeX(QCPItemPosition::ptPlotCoords);
        label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(x, 0.01 + kKneeLabelRow * row++);
        const bool leftPart = x < minX + 0.4 * (maxX - minX);
        label->setPositionAlignment((leftPart ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignTop);
        label->setPadding(QMargins(3, 1, 3, 1));
        label->setText(tr("%1 knee %2").arg(series, kneeText));
        label->setColor(color);
        QColor background = theme().background;
        background.setAlpha(230);
        label->setBrush(background);
        label->setLayer(QStringLiteral("legend")); // above curves, bars and markers
        linkToLegend(line, owner);
        linkToLegend(label, owner);
    }
}

void LatencyRpsChart::applyDefaultRanges() {
    double minX = std::numeric_limits<double>::max(), maxX = 0;
    double minY = std::numeric_limits<double>::max(), maxY = 0;
    for (const LatencyCurve& curve : curves_)
        for (const LatencyPoint& point : curve.points) {
            minX = std::min(minX, xOf(point));
            maxX = std::max(maxX, xOf(point));
            double low = options().showBands ? point.minMs : point.latencyMs;
            double high = options().showBands ? point.maxMs : point.latencyMs;
            if (const auto& interval = point.group->analysis.p99Interval;
                interval && curve.percentile == Percentile::P99) {
                low = std::min(low, interval->low);
                high = std::max(high, interval->high);
            }
            minY = std::min(minY, std::max(low, 0.001));
            maxY = std::max(maxY, high);
        }
    const ResultsDataset* data = this->data().get();
    if (data)
        for (const auto& slo : data->slo)
            if (slo)
                maxY = std::max(maxY, slo->p99Ms);
    if (maxX <= 0) {
        xAxis->setRange(0, 1000);
        yAxis->setRange(options().logLatencyAxis ? 1 : 0, 100);
        return;
    }
    xAxis->setRange(fittedRateRange(minX, maxX));
    // The top rows are the knee labels': the data stay below them.
    const double free = 1.0 - 0.02 - kKneeLabelRow * kneeLabelRows();
    if (options().logLatencyAxis) {
        const double low = minY / 1.3, high = maxY * 1.15;
        yAxis->setRange(low, low * std::pow(high / low, 1.0 / std::max(free, 0.4)));
    } else {
        const double top = latencyViewLimit(maxY).value_or(maxY * 1.05);
        yAxis->setRange(0, top / std::max(free, 0.4));
    }
}

QString LatencyRpsChart::csv() const {
    QString out = QStringLiteral("run_id,target,percentile,requested_rps,achieved_rps,latency_ms,repetition_min_ms,"
                                 "repetition_max_ms,repetitions,errors,error_rate,generator_limited,"
                                 "connection_limited,failed_repetitions,p99_interval_low_ms,p99_interval_high_ms,"
                                 "slo_verdict,slo_hold_probability\n");
    if (!data())
        return out;
    for (const LatencyCurve& curve : curves_)
        for (const LatencyPoint& point : curve.points) {
            const MeasurementGroup& g = *point.group;
            const MergedMeasurement& m = g.analysis;
            const bool p99 = curve.percentile == Percentile::P99 && m.p99Interval;
            out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,")
                       .arg(data()->runs[curve.runIndex].id)
                       .arg(csvField(curve.target), QString::fromLatin1(percentileLabel(curve.percentile).data()))
                       .arg(point.requestedRps)
                       .arg(point.achievedRps, 0, 'f', 2)
                       .arg(point.latencyMs, 0, 'f', 3)
                       .arg(point.minMs, 0, 'f', 3)
                       .arg(point.maxMs, 0, 'f', 3)
                       .arg(g.okRepetitions())
                       .arg(g.errors)
                       .arg(g.errorRate(), 0, 'g', 6)
                       .arg(g.generatorLimited ? 1 : 0)
                       .arg(g.connectionLimited ? 1 : 0)
                       .arg(g.failedRepetitions);
            out += QStringLiteral("%1,%2,%3,%4\n")
                       .arg(p99 ? QString::number(m.p99Interval->low, 'f', 3) : QString(),
                            p99 ? QString::number(m.p99Interval->high, 'f', 3) : QString(), csvField(m.verdictWord()),
                            m.holdProbability ? QString::number(*m.holdProbability, 'f', 3) : QString());
        }
    return out;
}

} // namespace loadscope
