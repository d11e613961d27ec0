#pragma once
// The order in which a plan's steps run. Interleaved (the default): for each repetition, for each rate, every target
// in turn, so slow drift of the machine (thermal, background jobs) hits all targets alike. Sequential: one target's
// repetitions and rates, then the next target's.

#include "benchmark_plan.h"

#include <vector>

namespace loadscope {

struct PlannedStep {
    int targetIndex = 0; // into plan.targets
    int rateIndex = 0;   // into plan.rates
    int repetition = 1;  // 1-based
};

std::vector<PlannedStep> orderSteps(const BenchmarkPlan& plan);

} // namespace loadscope
