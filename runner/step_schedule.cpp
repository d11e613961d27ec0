#include "step_schedule.h"

namespace loadscope {

std::vector<PlannedStep> orderSteps(const BenchmarkPlan& plan) {
    std::vector<PlannedStep> steps;
    const int targets = static_cast<int>(plan.targets.size());
    const int rates = static_cast<int>(plan.rates.size());
    if (plan.order == StepOrder::Interleaved) {
        for (int rep = 1; rep <= plan.repetitions; ++rep)
            for (int r = 0; r < rates; ++r)
                for (int t = 0; t < targets; ++t)
                    steps.push_back({t, r, rep});
    } else {
        for (int t = 0; t < targets; ++t)
            for (int rep = 1; rep <= plan.repetitions; ++rep)
                for (int r = 0; r < rates; ++r)
                    steps.push_back({t, r, rep});
    }
    return steps;
}

} // namespace loadscope
