#pragma once
// The SLO field's two texts: what the Launcher writes into the field for a plan, and the line under it that says
// what the typed objective means for the checked targets.

#include "benchmark_plan.h"

#include <QString>

#include <vector>

namespace loadscope {

// "p99<75ms,errors<0.1%" or "p99<=1.5x,errors<0.1%": the text parseSlo() reads back to the same objective.
QString sloFieldText(const ServiceLevelObjective& slo);
// "p99 ≤ 1.5 x ideal (75 ms), errors < 0.1 %" for `typed` (empty: the default objective) with the checked targets'
// ideal latencies; empty when `typed` does not parse (the problem is shown at the field instead).
QString sloPreviewText(const QString& typed, const std::vector<double>& idealMs);

} // namespace loadscope
