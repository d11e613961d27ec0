#include "resources_chart.h"

#include "chart_text.h"

#include <algorithm>
#include <cmath>

namespace loadscope {

namespace {

// A spread only where the repetitions differ: one value is not a range.
QString resourceSpreadText(double low, double high) {
    return std::abs(high - low) < 0.05 ? QString()
                                       : QStringLiteral(" (%1 \u2013 %2)").arg(low, 0, 'f', 1).arg(high, 0, 'f', 1);
}

// The tooltip of one step on both panels: CPU and peak RSS with their spread over the repetitions.
QString describeResourcePoint(const ResultsDataset& data, const MeasurementGroup& g) {
    return QStringLiteral("<b>%1</b> at %2<br>CPU %3 %%4<br>peak RSS %5 MiB%6<br>%7")
        .arg(QString::fromStdString(data.seriesLabel(g.runIndex, g.target)).toHtmlEscaped(),
             perSecond(formatRate(g.requestedRps)))
        .arg(g.cpuPercent, 0, 'f', 1)
        .arg(resourceSpreadText(g.cpuMinPercent, g.cpuMaxPercent))
        .arg(g.rssMiB, 0, 'f', 1)
        .arg(resourceSpreadText(g.rssMinMiB, g.rssMiB))
        .arg(g.okRepetitions() > 1 ? QObject::tr("%1 repetitions").arg(g.okRepetitions())
                                   : QObject::tr("1 repetition"));
}

} // namespace

ResourcesChart::ResourcesChart(QWidget* parent)
    : ResultsChart(parent) {}

void ResourcesChart::build() {
    const ResultsDataset& data = dataset();
    series_ = resourceSeries(data);
    memoryRect_ = nullptr;
    setHeading(tr("Server resources vs load"), describeRuns(data));
    QCPAxisRect* cpuRect = axisRect(0);
    cpuRect->axis(QCPAxis::atLeft)->setLabel(tr("Server CPU (% of one core)"));
    const bool anyPoint =
        std::any_of(series_.begin(), series_.end(), [](const ResourceSeries& s) { return !s.points.empty(); });
    if (!anyPoint) {
        showEmptyMessage(tr("No step of this run has measurements yet"));
        return;
    }
    addMemoryPanel(cpuRect);
    for (const ResourceSeries& s : series_)
        if (!s.points.empty())
            addSeriesGraphs(s, cpuRect);
    // One core fully busy: a single-threaded Python server cannot go above it.
    addHorizontalMarker(cpuRect, 100, tr("one core"), theme().foreground);
}

void ResourcesChart::addMemoryPanel(QCPAxisRect* cpuRect) {
    memoryRect_ = new QCPAxisRect(this);
    plotLayout()->addElement(plotLayout()->rowCount(), 0, memoryRect_);
    QCPMarginGroup* margins = marginGroup();
    cpuRect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    memoryRect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    QCPAxis* cpuRate = cpuRect->axis(QCPAxis::atBottom);
    QCPAxis* memRate = memoryRect_->axis(QCPAxis::atBottom);
    memRate->setLabel(tr("Requested rate (requests/s)"));
    memoryRect_->axis(QCPAxis::atLeft)->setLabel(tr("Server peak RSS (MiB)"));
    // Both panels scroll and zoom in rate together.
    connect(cpuRate, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), memRate,
            qOverload<const QCPRange&>(&QCPAxis::setRange));
    connect(memRate, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), cpuRate,
            qOverload<const QCPRange&>(&QCPAxis::setRange));
}

void ResourcesChart::addSeriesGraphs(const ResourceSeries& s, QCPAxisRect* cpuRect) {
    QCPAxis* cpuRate = cpuRect->axis(QCPAxis::atBottom);
    QCPAxis* cpu = cpuRect->axis(QCPAxis::atLeft);
    const QColor color = colorOf(s.target);
    const QString label = seriesLabel(s.runIndex, s.target);
    QVector<double> rates, cpuMean, cpuMinus, cpuPlus, rss;
    bool spread = false;
    for (const MeasurementGroup* g : s.points) {
        rates << g->requestedRps;
        cpuMean << g->cpuPercent;
        cpuMinus << g->cpuPercent - g->cpuMinPercent;
        cpuPlus << g->cpuMaxPercent - g->cpuPercent;
        rss << g->rssMiB;
        spread |= g->okRepetitions() > 1;
    }
    auto* cpuGraph = addGraph(cpuRate, cpu);
    cpuGraph->setName(label);
    const Qt::PenStyle style = dataset().multiRun() ? runPenStyle(static_cast<int>(s.runIndex)) : Qt::SolidLine;
    cpuGraph->setPen(QPen(color, 2.2, style));
    cpuGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, 6));
    cpuGraph->setData(rates, cpuMean, true);
    if (spread) {
        auto* whiskers = new QCPErrorBars(cpuRate, cpu);
        whiskers->setDataPlottable(cpuGraph);
        whiskers->setData(cpuMinus, cpuPlus);
        whiskers->setPen(QPen(color, 1.2));
        whiskers->removeFromLegend();
        whiskers->setName(label + QStringLiteral(" spread"));
        linkToLegend(whiskers, cpuGraph);
    }
    auto* rssGraph = addGraph(memoryRect_->axis(QCPAxis::atBottom), memoryRect_->axis(QCPAxis::atLeft));
    rssGraph->setName(label + QStringLiteral(" RSS"));
    rssGraph->setPen(QPen(color, 2.2, style));
    rssGraph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, color, color, 6));
    rssGraph->setData(rates, rss, true);
    rssGraph->removeFromLegend();
    linkToLegend(rssGraph, cpuGraph);
    auto describe = [keep = data(), points = s.points](int index) {
        if (index < 0 || index >= static_cast<int>(points.size()))
            return QString();
        return describeResourcePoint(*keep, *points[static_cast<std::size_t>(index)]);
    };
    addHover(cpuGraph, describe);
    addHover(rssGraph, describe);
}

void ResourcesChart::applyDefaultRanges() {
    double maxRate = 0, maxCpu = 100, maxRss = 0;
    for (const ResourceSeries& s : series_)
        for (const MeasurementGroup* g : s.points) {
            maxRate = std::max(maxRate, g->requestedRps);
            maxCpu = std::max(maxCpu, g->cpuMaxPercent);
            maxRss = std::max(maxRss, g->rssMiB);
        }
    axisRect(0)->axis(QCPAxis::atBottom)->setRange(0, std::max(maxRate, 1.0) * 1.05);
    axisRect(0)->axis(QCPAxis::atLeft)->setRange(0, maxCpu * 1.1);
    if (memoryRect_) {
        memoryRect_->axis(QCPAxis::atBottom)->setRange(0, std::max(maxRate, 1.0) * 1.05);
        memoryRect_->axis(QCPAxis::atLeft)->setRange(0, std::max(maxRss, 1.0) * 1.15);
    }
}

QString ResourcesChart::csv() const {
    QString out = QStringLiteral("run_id,target,requested_rps,repetitions,cpu_percent,cpu_min_percent,cpu_max_percent,"
                                 "peak_rss_mib,peak_rss_min_mib\n");
    if (!data())
        return out;
    for (const ResourceSeries& s : series_)
        for (const MeasurementGroup* g : s.points)
            out += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9\n")
                       .arg(data()->runs[s.runIndex].id)
                       .arg(csvField(s.target))
                       .arg(g->requestedRps)
                       .arg(g->okRepetitions())
                       .arg(g->cpuPercent, 0, 'f', 2)
                       .arg(g->cpuMinPercent, 0, 'f', 2)
                       .arg(g->cpuMaxPercent, 0, 'f', 2)
                       .arg(g->rssMiB, 0, 'f', 2)
                       .arg(g->rssMinMiB, 0, 'f', 2);
    return out;
}

} // namespace loadscope
