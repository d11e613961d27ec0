#pragma once
// SvgChart: a line chart written as standalone SVG text (no Qt, no fonts to embed, no scripts), for reports that
// must open offline in any browser. Linear or logarithmic axes with round ticks, series as polylines with point
// markers whose <title> gives the exact value on hover, dashed series, vertical markers (knees) and a legend.

#include "xml_text.h" // escapeXml
#include <string>
#include <vector>

namespace loadscope::report {

struct ChartPoint {
    double x = 0, y = 0;
    std::string label; // hover text; empty: "x, y"
};

struct ChartSeries {
    std::string name;
    std::string color; // "#1f77b4"
    bool dashed = false;
    std::vector<ChartPoint> points;
    std::string group; // series of one group share a legend entry and are toggled together ("run 3 aiohttp")
};

struct ChartMarker {
    double x = 0;
    std::string label;
    std::string color;
};

// A percentile axis: x values are percentiles (50, 99.9...), placed at -log10(1 - p/100) and labelled "99.9".
enum class AxisScale { Linear, Log, Percentile };

struct Chart {
    std::string id; // the element id, e.g. "latency-vs-rps"
    std::string title;
    std::string xLabel, yLabel;
    AxisScale xScale = AxisScale::Linear;
    AxisScale yScale = AxisScale::Linear;
    std::vector<ChartSeries> series;
    std::vector<ChartMarker> markers;
    std::string note; // a line under the chart
};

// The chart as an <svg> element of the given size in CSS pixels (it scales with its container: viewBox).
// An empty chart (no points) renders a frame that says "no data".
std::string renderSvg(const Chart& chart, int width = 860, int height = 420);

// Round tick values between lo and hi (about `target` of them): 1, 2, 5 x 10^n steps.
std::vector<double> niceTicks(double lo, double hi, int target = 6);
// A number for an axis or a label: 1500 -> "1500", 0.25 -> "0.25", 12000 -> "12k".
std::string axisNumber(double value);
// Text safe inside XML/HTML elements and attributes.

// Colours for series, a palette readable on white and by most colour-blind readers.
const std::string& seriesColor(std::size_t index);

} // namespace loadscope::report
