#include "svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace loadscope::report {

namespace {

constexpr int kMarginLeft = 70, kMarginRight = 20, kMarginTop = 36, kMarginBottom = 88;

std::string num(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", v);
    return text;
}

// Where a value lies on an axis before scaling to pixels.
double axisValue(double v, AxisScale scale) {
    switch (scale) {
    case AxisScale::Linear:
        return v;
    case AxisScale::Log:
        return std::log10(std::max(v, 1e-9));
    case AxisScale::Percentile:
        return -std::log10(std::max(1.0 - std::min(v, 99.9999) / 100.0, 1e-6));
    }
    return v;
}

struct Range {
    double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
    bool empty() const { return !(lo <= hi); }
    void add(double v) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
};

std::vector<double> ticksFor(const Range& r, AxisScale scale) {
    if (scale == AxisScale::Percentile) {
        std::vector<double> ticks;
        for (double p : {0.0, 50.0, 90.0, 99.0, 99.9, 99.99, 99.999})
            if (p <= r.hi + 1e-9)
                ticks.push_back(p);
        return ticks;
    }
    if (scale == AxisScale::Log) {
        // 1-2-5 in each decade; a range narrower than that (2 to 7 ms) gets every whole multiple, then linear ticks.
        const double lo = std::pow(10.0, std::floor(std::log10(std::max(r.lo, 1e-9))));
        for (const auto& multiples : {std::vector<double>{1, 2, 5}, std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
            std::vector<double> ticks;
            for (double decade = lo; decade <= r.hi * 1.0001; decade *= 10)
                for (double m : multiples)
                    if (decade * m >= r.lo * 0.9999 && decade * m <= r.hi * 1.0001)
                        ticks.push_back(decade * m);
            if (ticks.size() >= 3)
                return ticks;
        }
        std::vector<double> ticks;
        for (double t : niceTicks(r.lo, r.hi, 4))
            if (t > 0)
                ticks.push_back(t);
        return ticks;
    }
    return niceTicks(r.lo, r.hi);
}

std::string percentileText(double p) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", p);
    return text;
}

} // namespace

std::string axisNumber(double value) {
    char text[32];
    if (std::fabs(value) >= 10000 && std::fmod(value, 1000) == 0)
        std::snprintf(text, sizeof text, "%gk", value / 1000);
    else
        std::snprintf(text, sizeof text, "%g", std::round(value * 1e6) / 1e6);
    return text;
}

std::vector<double> niceTicks(double lo, double hi, int target) {
    if (!(hi > lo)) {
        hi = lo + 1;
    }
    const double rough = (hi - lo) / std::max(target, 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= rough) {
            step = m * magnitude;
            break;
        }
    std::vector<double> ticks;
    for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
        ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

const std::string& seriesColor(std::size_t index) {
    static const std::vector<std::string> palette{"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                                  "#e69f00", "#56b4e9", "#7f7f7f", "#000000"};
    return palette[index % palette.size()];
}

namespace {

// The data's extent on both axes (points a log axis cannot show left out), with the markers on x.
std::pair<Range, Range> dataRanges(const Chart& chart) {
    Range xr, yr;
    for (const auto& s : chart.series)
        for (const auto& p : s.points) {
            if (chart.xScale != AxisScale::Linear && p.x <= 0 && chart.xScale != AxisScale::Percentile)
                continue;
            xr.add(p.x);
            yr.add(p.y);
        }
    for (const auto& m : chart.markers)
        xr.add(m.x);
    return {xr, yr};
}

std::string px(int v) {
    return std::to_string(v);
}

// The plot's rectangle in pixels, its ticks, and where a value lands in it.
struct PlotArea {
    explicit PlotArea(const Chart& c)
        : chart(c) {}
    const Chart& chart;
    int width = 0, height = 0; // of the whole picture
    int w = 0, h = 0;          // of the plot inside the margins
    std::vector<double> xTicks, yTicks;
    double ax0 = 0, ax1 = 1, ay0 = 0, ay1 = 1; // the axes' ends, as axisValue()s

    double x(double v) const { return kMarginLeft + (axisValue(v, chart.xScale) - ax0) / (ax1 - ax0) * w; }
    double y(double v) const { return kMarginTop + h - (axisValue(v, chart.yScale) - ay0) / (ay1 - ay0) * h * 0.95; }
};

PlotArea plotAreaFor(const Chart& chart, Range xr, Range yr, int width, int height) {
    PlotArea area(chart);
    area.width = width;
    area.height = height;
    area.w = width - kMarginLeft - kMarginRight;
    area.h = height - kMarginTop - kMarginBottom;
    // Axes start at 0 for linear latency and rate charts, so slopes are not exaggerated.
    if (chart.yScale == AxisScale::Linear)
        yr.lo = std::min(yr.lo, 0.0);
    if (chart.xScale == AxisScale::Linear)
        xr.lo = std::min(xr.lo, 0.0);
    area.xTicks = ticksFor(xr, chart.xScale);
    area.yTicks = ticksFor(yr, chart.yScale);
    if (chart.yScale == AxisScale::Linear && !area.yTicks.empty())
        yr.hi = std::max(yr.hi, area.yTicks.back());
    if (chart.xScale == AxisScale::Linear && !area.xTicks.empty())
        xr.hi = std::max(xr.hi, area.xTicks.back());
    area.ax0 = axisValue(chart.xScale == AxisScale::Percentile ? std::min(xr.lo, 0.0) : xr.lo, chart.xScale);
    area.ax1 = axisValue(xr.hi, chart.xScale);
    area.ay0 = axisValue(yr.lo, chart.yScale);
    area.ay1 = axisValue(yr.hi, chart.yScale);
    if (!(area.ax1 > area.ax0))
        area.ax1 = area.ax0 + 1;
    if (!(area.ay1 > area.ay0))
        area.ay1 = area.ay0 + 1;
    return area;
}

std::string svgStart(const Chart& chart, int width, int height) {
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"" + escapeXml(chart.id) +
                      "\" viewBox=\"0 0 " + px(width) + " " + px(height) + "\" width=\"" + px(width) + "\" height=\"" +
                      px(height) + "\" role=\"img\" aria-label=\"" + escapeXml(chart.title) + "\">\n";
    svg += "<title>" + escapeXml(chart.title) + "</title>\n";
    svg += "<rect x=\"0\" y=\"0\" width=\"" + px(width) + "\" height=\"" + px(height) + "\" fill=\"#ffffff\"/>\n";
    svg += "<text x=\"" + px(kMarginLeft) + "\" y=\"22\" class=\"chart-title\">" + escapeXml(chart.title) + "</text>\n";
    return svg;
}

std::string noDataSvg(int width, int height) {
    const int plotW = width - kMarginLeft - kMarginRight;
    const int plotH = height - kMarginTop - kMarginBottom;
    return "<rect x=\"" + px(kMarginLeft) + "\" y=\"" + px(kMarginTop) + "\" width=\"" + px(plotW) + "\" height=\"" +
           px(plotH) + "\" fill=\"none\" stroke=\"#999\"/>\n<text x=\"" + px(kMarginLeft + plotW / 2) + "\" y=\"" +
           px(kMarginTop + plotH / 2) + "\" text-anchor=\"middle\">no data</text>\n</svg>\n";
}

// Grid lines, tick labels, the frame and the axis labels.
std::string axesSvg(const PlotArea& area) {
    const Chart& chart = area.chart;
    std::string svg = "<g class=\"grid\" stroke=\"#e4e4e4\" stroke-width=\"1\">\n";
    for (double t : area.yTicks)
        svg += "<line x1=\"" + px(kMarginLeft) + "\" x2=\"" + px(kMarginLeft + area.w) + "\" y1=\"" + num(area.y(t)) +
               "\" y2=\"" + num(area.y(t)) + "\"/>\n";
    for (double t : area.xTicks)
        svg += "<line y1=\"" + px(kMarginTop) + "\" y2=\"" + px(kMarginTop + area.h) + "\" x1=\"" + num(area.x(t)) +
               "\" x2=\"" + num(area.x(t)) + "\"/>\n";
    svg += "</g>\n<g class=\"ticks\" font-size=\"12\" fill=\"#333\">\n";
    for (double t : area.yTicks)
        svg += "<text x=\"" + px(kMarginLeft - 6) + "\" y=\"" + num(area.y(t) + 4) + "\" text-anchor=\"end\">" +
               axisNumber(t) + "</text>\n";
    for (double t : area.xTicks)
        svg += "<text x=\"" + num(area.x(t)) + "\" y=\"" + px(kMarginTop + area.h + 16) + "\" text-anchor=\"middle\">" +
               (chart.xScale == AxisScale::Percentile ? percentileText(t) : axisNumber(t)) + "</text>\n";
    svg += "</g>\n";
    svg += "<rect x=\"" + px(kMarginLeft) + "\" y=\"" + px(kMarginTop) + "\" width=\"" + px(area.w) + "\" height=\"" +
           px(area.h) + "\" fill=\"none\" stroke=\"#888\"/>\n";
    svg += "<text x=\"" + px(kMarginLeft + area.w / 2) + "\" y=\"" + px(kMarginTop + area.h + 34) +
           "\" text-anchor=\"middle\" class=\"axis-label\">" + escapeXml(chart.xLabel) + "</text>\n";
    svg += "<text transform=\"translate(16 " + px(kMarginTop + area.h / 2) +
           ") rotate(-90)\" text-anchor=\"middle\" class=\"axis-label\">" + escapeXml(chart.yLabel) + "</text>\n";
    return svg;
}

// The knees: a dashed vertical line each, named in its tooltip.
std::string markersSvg(const PlotArea& area) {
    std::string svg;
    for (const auto& m : area.chart.markers)
        svg += "<g class=\"marker\"><line x1=\"" + num(area.x(m.x)) + "\" x2=\"" + num(area.x(m.x)) + "\" y1=\"" +
               px(kMarginTop) + "\" y2=\"" + px(kMarginTop + area.h) + "\" stroke=\"" + escapeXml(m.color) +
               "\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/><title>" + escapeXml(m.label) + "</title></g>\n";
    return svg;
}

// A legend entry: a group of series (or one series) and its colour.
using LegendEntry = std::pair<std::string, std::string>;

// One <g> per series, tagged with its group's legend index so that the legend can toggle a group at once.
std::string seriesSvg(const PlotArea& area, std::vector<LegendEntry>& legend) {
    const Chart& chart = area.chart;
    std::map<std::string, int> groupIndex;
    std::string svg;
    for (const auto& s : chart.series) {
        const std::string group = s.group.empty() ? s.name : s.group;
        if (!groupIndex.count(group)) {
            groupIndex[group] = static_cast<int>(legend.size());
            legend.emplace_back(group, s.color);
        }
        std::string points;
        std::string dots;
        for (const auto& p : s.points) {
            if (chart.xScale == AxisScale::Log && p.x <= 0)
                continue;
            if (chart.yScale == AxisScale::Log && p.y <= 0)
                continue;
            points += num(area.x(p.x)) + "," + num(area.y(p.y)) + " ";
            const std::string label =
                p.label.empty() ? s.name + ": " + axisNumber(p.x) + ", " + axisNumber(p.y) : p.label;
            if (s.points.size() <= 200)
                dots += "<circle cx=\"" + num(area.x(p.x)) + "\" cy=\"" + num(area.y(p.y)) + "\" r=\"3\" fill=\"" +
                        escapeXml(s.color) + "\"><title>" + escapeXml(label) + "</title></circle>";
        }
        svg += "<g class=\"series\" data-group=\"" + std::to_string(groupIndex[group]) + "\" data-name=\"" +
               escapeXml(s.name) + "\"><polyline fill=\"none\" stroke=\"" + escapeXml(s.color) +
               "\" stroke-width=\"2\"" + (s.dashed ? " stroke-dasharray=\"6 4\"" : "") + " points=\"" + points +
               "\"/>" + dots + "</g>\n";
    }
    return svg;
}

// The legend below the plot, in rows as wide as the picture.
std::string legendSvg(const PlotArea& area, const std::vector<LegendEntry>& legend) {
    std::string svg;
    int lx = kMarginLeft, ly = kMarginTop + area.h + 54;
    for (std::size_t i = 0; i < legend.size(); ++i) {
        const int entryWidth = 30 + 7 * static_cast<int>(legend[i].first.size());
        if (lx + entryWidth > area.width - kMarginRight && lx > kMarginLeft) {
            lx = kMarginLeft;
            ly += 18;
        }
        svg += "<g class=\"legend-entry\" data-group=\"" + std::to_string(i) + "\" tabindex=\"0\"><rect x=\"" + px(lx) +
               "\" y=\"" + px(ly - 9) + "\" width=\"14\" height=\"10\" fill=\"" + escapeXml(legend[i].second) +
               "\"/><text x=\"" + px(lx + 19) + "\" y=\"" + px(ly) + "\" font-size=\"12\">" +
               escapeXml(legend[i].first) + "</text></g>\n";
        lx += entryWidth;
    }
    return svg;
}

} // namespace

std::string renderSvg(const Chart& chart, int width, int height) {
    const auto [xr, yr] = dataRanges(chart);
    std::string svg = svgStart(chart, width, height);
    if (xr.empty() || yr.empty())
        return svg + noDataSvg(width, height);
    const PlotArea area = plotAreaFor(chart, xr, yr, width, height);
    std::vector<LegendEntry> legend;
    svg += axesSvg(area);
    svg += markersSvg(area);
    svg += seriesSvg(area, legend);
    svg += legendSvg(area, legend);
    svg += "</svg>\n";
    return svg;
}

} // namespace loadscope::report
