#include "report_charts.h"

#include "number_text.h"

#include <algorithm>
#include <cmath>

namespace loadscope::report {

namespace {

struct Group {
    const ReportRun* run;
    const TargetAnalysis* target;
    std::string name;
    std::string color;
};

std::vector<Group> groupsOf(const std::vector<ReportRun>& runs) {
    std::vector<Group> groups;
    for (const auto& r : runs)
        for (const auto& t : r.analysis.targets)
            groups.push_back({&r, &t, seriesName(runs, r, t.target), seriesColor(groups.size())});
    return groups;
}

Chart latencyVsRate(const std::vector<Group>& groups) {
    Chart chart;
    chart.id = "latency-vs-rps";
    chart.title = "Latency against the requested rate (p99 solid, p50 dashed)";
    chart.xLabel = "requested rate (req/s)";
    chart.yLabel = "latency (ms)";
    double lo = 1e300, hi = 0;
    for (const auto& g : groups) {
        ChartSeries p99{g.name + " p99", g.color, false, {}, g.name};
        ChartSeries p50{g.name + " p50", g.color, true, {}, g.name};
        for (const auto& m : g.target->measurements) {
            if (!m.measured())
                continue;
            p99.points.push_back({m.requestedRps, m.latency.p99Ms,
                                  g.name + " at " + rateText(m.requestedRps) + " req/s: p99 " +
                                      formatNumber(m.latency.p99Ms) + " ms (" + verdictText(m) + ")"});
            p50.points.push_back(
                {m.requestedRps, m.latency.p50Ms,
                 g.name + " at " + rateText(m.requestedRps) + " req/s: p50 " + formatNumber(m.latency.p50Ms) + " ms"});
            if (m.latency.p50Ms > 0)
                lo = std::min(lo, m.latency.p50Ms);
            hi = std::max(hi, m.latency.p99Ms);
        }
        chart.series.push_back(std::move(p99));
        chart.series.push_back(std::move(p50));
        if (g.target->knee.kneeRps)
            chart.markers.push_back({*g.target->knee.kneeRps, g.name + " knee: " + g.target->knee.text(), g.color});
    }
    // Latencies that span more than a factor of 30 read better on a log axis.
    if (hi > 0 && lo < 1e300 && hi / lo > 30)
        chart.yScale = AxisScale::Log;
    chart.note = "Dotted vertical lines: each target's knee, the highest rate that met the SLO.";
    return chart;
}

Chart spectrum(const std::vector<Group>& groups) {
    Chart chart;
    chart.id = "spectrum";
    chart.title = "Latency percentile spectrum at each target's knee (else its highest rate)";
    chart.xLabel = "percentile";
    chart.yLabel = "latency (ms, log)";
    chart.xScale = AxisScale::Percentile;
    chart.yScale = AxisScale::Log;
    for (const auto& g : groups) {
        const double rate = focusRate(*g.target);
        const auto h = mergedHistogram(g.run->run, g.target->target, rate);
        if (h.empty())
            continue;
        ChartSeries s{g.name + " at " + rateText(rate) + " req/s", g.color, false, {}, g.name};
        for (double p : {0.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.95, 99.99, 99.999}) {
            if (p > 0 && 1.0 - p / 100.0 < 1.0 / static_cast<double>(h.count()))
                break;
            const double ms = static_cast<double>(h.valueAtPercentile(p)) / 1000.0;
            s.points.push_back(
                {p, std::max(ms, 0.001), s.name + ": p" + formatNumber(p, 3) + " " + formatNumber(ms) + " ms"});
        }
        const double maxMs = static_cast<double>(h.max()) / 1000.0;
        s.points.push_back({99.9999, std::max(maxMs, 0.001), s.name + ": max " + formatNumber(maxMs) + " ms"});
        chart.series.push_back(std::move(s));
    }
    chart.note = "The last point of each line is the maximum.";
    return chart;
}

Chart throughput(const std::vector<Group>& groups) {
    Chart chart;
    chart.id = "throughput";
    chart.title = "Achieved against requested rate";
    chart.xLabel = "requested rate (req/s)";
    chart.yLabel = "achieved (req/s)";
    double top = 0;
    for (const auto& g : groups) {
        ChartSeries s{g.name, g.color, false, {}, g.name};
        for (const auto& m : g.target->measurements)
            if (m.measured()) {
                s.points.push_back({m.requestedRps, m.achievedRps,
                                    g.name + " at " + rateText(m.requestedRps) + " req/s: achieved " +
                                        formatNumber(m.achievedRps, 1) + " req/s"});
                top = std::max(top, m.requestedRps);
            }
        chart.series.push_back(std::move(s));
    }
    if (top > 0)
        chart.series.push_back({"achieved = requested", "#aaaaaa", true, {{0, 0, "ideal"}, {top, top, "ideal"}}, ""});
    return chart;
}

Chart timeline(const std::vector<Group>& groups) {
    Chart chart;
    chart.id = "timeline";
    chart.title = "p99 per second at each target's knee (else its highest rate), first repetition";
    chart.xLabel = "second of the step";
    chart.yLabel = "p99 (ms)";
    for (const auto& g : groups) {
        const double rate = focusRate(*g.target);
        for (const auto& s : g.run->run.steps) {
            if (s.targetName != g.target->target || s.requestedRps != rate || s.timeline.empty())
                continue;
            ChartSeries series{g.name + " at " + rateText(rate) + " req/s", g.color, false, {}, g.name};
            for (const auto& p : s.timeline)
                series.points.push_back({static_cast<double>(p.second), p.p99Ms,
                                         series.name + ", second " + std::to_string(p.second) + ": p99 " +
                                             formatNumber(p.p99Ms) + " ms, " + std::to_string(p.completed) +
                                             " completed"});
            chart.series.push_back(std::move(series));
            break;
        }
    }
    return chart;
}

} // namespace

double focusRate(const TargetAnalysis& target) {
    if (target.knee.kneeRps)
        return *target.knee.kneeRps;
    double highest = 0;
    for (const auto& m : target.measurements)
        if (m.measured())
            highest = std::max(highest, m.requestedRps);
    return highest;
}

std::vector<Chart> reportCharts(const std::vector<ReportRun>& runs) {
    const auto groups = groupsOf(runs);
    return {latencyVsRate(groups), spectrum(groups), throughput(groups), timeline(groups)};
}

} // namespace loadscope::report
