#pragma once
// The charts of a report, from its runs: latency (p50 dashed, p99 solid) against the requested rate with each
// target's knee, the percentile spectrum and the p99 timeline at each target's highest rate that held (else its
// highest rate), and the achieved against the requested rate. One colour per series (a target of a run).

#include "report_input.h"
#include "svg_chart.h"

#include <vector>

namespace loadscope::report {

std::vector<Chart> reportCharts(const std::vector<ReportRun>& runs);

// The rate a target's spectrum and timeline are shown at: its knee when it held one, else its highest measured rate.
double focusRate(const TargetAnalysis& target);

} // namespace loadscope::report
