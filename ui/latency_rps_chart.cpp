#include "latency_rps_chart.h"

#include "chart_text.h"

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
        return g.generatorLimited;
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
        yAxis->setScaleType(QCPAxis::stLogarithmic);
        yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        yAxis->grid()->setSubGridVisible(true);
    }
    const bool anyPoint =
        std::any_of(curves_.begin(), curves_.end(), [](const LatencyCurve& c) { return !c.points.empty(); });
    if (!anyPoint) {
        showEmptyMessage(tr("No step of this run has measurements yet"));
        return;
    }

    for (const LatencyCurve& curve : curves_) {
        if (curve.points.empty())
            continue;
        const QColor color = colorOf(curve.target);
        const QString series = seriesLabel(curve.runIndex, curve.target);
        auto* graph = addGraph();
        graph->setName(
            QStringLiteral("%1 %2").arg(series, QString::fromLatin1(percentileLabel(curve.percentile).data())));
        const bool main = curve.percentile == Percentile::P99 || percentiles.size() == 1;
        graph->setPen(QPen(color, main ? 2.6 : 1.8, percentileStyle(curve.percentile)));
        graph->setScatterStyle(QCPScatterStyle(runShape(curve.runIndex), color, color, main ? 7 : 5));
        QVector<double> keys, values, lows, highs;
        bool spread = false;
        for (const LatencyPoint& point : curve.points) {
            keys << xOf(point);
            values << point.latencyMs;
            lows << point.minMs;
            highs << point.maxMs;
            spread |= point.group->okRepetitions() > 1;
        }
        graph->setData(keys, values, options().achievedRateAxis ? false : true);
        const Percentile p = curve.percentile;
        const std::vector<LatencyPoint> points = curve.points;
        const std::shared_ptr<const ResultsDataset> keep = this->data();
        const bool sortedByRequested = !options().achievedRateAxis;
        addHover(graph, [keep, points, p, keys, sortedByRequested](int index) {
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
        });
        if (!seriesOwner_.contains(series))
            seriesOwner_.insert(series, graph);
        if (options().showBands && spread) {
            auto* low = addGraph();
            auto* high = addGraph();
            low->setData(keys, lows, !options().achievedRateAxis);
            high->setData(keys, highs, !options().achievedRateAxis);
            low->setPen(Qt::NoPen);
            high->setPen(Qt::NoPen);
            QColor fill = color;
            fill.setAlpha(theme().dark ? 70 : 50);
            high->setBrush(fill);
            high->setChannelFillGraph(low);
            low->removeFromLegend();
            high->removeFromLegend();
            low->setName(graph->name() + QStringLiteral(" min"));
            high->setName(graph->name() + QStringLiteral(" max"));
            linkToLegend(low, graph);
            linkToLegend(high, graph);
            // Bands sit behind every curve.
            low->setLayer(QStringLiteral("grid"));
            high->setLayer(QStringLiteral("grid"));
        }
        // Flags are properties of a measurement, not of a percentile: mark them once, on the highest curve.
        if (curve.percentile == percentiles.back())
            addFlagMarkers(curve, graph);
    }

    std::set<double> sloValues;
    for (std::size_t r = 0; r < data.runs.size(); ++r)
        if (r < data.slo.size() && data.slo[r] && sloValues.insert(data.slo[r]->p99Ms).second)
            // Label at the left end: the knees' lines and labels sit at high rates, on the right.
            addHorizontalMarker(axisRect(), data.slo[r]->p99Ms,
                                tr("SLO p99 \u2264 %1").arg(formatLatency(data.slo[r]->p99Ms)), theme().sloLine,
                                Qt::AlignLeft);
    addKneeMarkers();
    // The marker kinds' entries were made when first needed: explain them after every series.
    for (QCPGraph* entry : markerKinds_)
        if (entry) {
            legend->removeItem(legend->itemWithPlottable(entry));
            entry->addToLegend();
        }
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

void LatencyRpsChart::addKneeMarkers() {
    const ResultsDataset& data = dataset();
    int row = 0;
    for (const auto& [runIndex, target] : data.series()) {
        const std::optional<double> knee = data.kneeRps(runIndex, target);
        const QString series = seriesLabel(runIndex, target);
        QCPGraph* owner = seriesOwner_.value(series);
        if (!owner)
            continue;
        owner->setName(owner->name() +
                       (knee ? tr("  \u2014 knee %1/s").arg(formatRate(*knee)) : tr("  \u2014 no knee")));
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
        auto* label = new QCPItemText(this);
        label->position->setTypeX(QCPItemPosition::ptPlotCoords);
        label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(x, 0.02 + 0.055 * row++);
        label->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
        label->setPadding(QMargins(3, 1, 3, 1));
        label->setText(tr("%1 knee %2/s").arg(series, formatRate(*knee)));
        label->setColor(color);
        QColor background = theme().background;
        background.setAlpha(200);
        label->setBrush(background);
        linkToLegend(line, owner);
        linkToLegend(label, owner);
    }
}

void LatencyRpsChart::applyDefaultRanges() {
    double maxX = 0, minY = std::numeric_limits<double>::max(), maxY = 0;
    for (const LatencyCurve& curve : curves_)
        for (const LatencyPoint& point : curve.points) {
            maxX = std::max(maxX, xOf(point));
            const double low = options().showBands ? point.minMs : point.latencyMs;
            const double high = options().showBands ? point.maxMs : point.latencyMs;
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
    xAxis->setRange(0, maxX * 1.05);
    if (options().logLatencyAxis)
        yAxis->setRange(minY / 1.3, maxY * 1.3);
    else
        yAxis->setRange(0, latencyViewLimit(maxY).value_or(maxY * 1.08));
}

QString LatencyRpsChart::csv() const {
    QString out = QStringLiteral("run_id,target,percentile,requested_rps,achieved_rps,latency_ms,repetition_min_ms,"
                                 "repetition_max_ms,repetitions,errors,error_rate,generator_limited,"
                                 "connection_limited,failed_repetitions\n");
    if (!data())
        return out;
    for (const LatencyCurve& curve : curves_)
        for (const LatencyPoint& point : curve.points) {
            const MeasurementGroup& g = *point.group;
            out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14\n")
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
        }
    return out;
}

} // namespace loadscope
