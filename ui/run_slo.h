#pragma once
// The SLO a run was measured against, as numbers a chart can draw: its plan's p99 limit (explicit, or a factor of
// the scenario's ideal latency from the target definitions) and its error-rate limit.

#include "chart_data.h"
#include "run_types.h"

#include <optional>

namespace loadscope {

class TargetCatalog;

// nullopt when the run's plan cannot be read or the limit depends on an ideal latency no definition gives.
std::optional<SloLimits> resolveSlo(const Run& run, const TargetCatalog& catalog);

} // namespace loadscope
