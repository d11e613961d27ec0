#include "run_slo.h"

#include "benchmark_plan.h"
#include "target_definition.h"

namespace loadscope {

std::optional<SloLimits> resolveSlo(const Run& run, const TargetCatalog& catalog) {
    if (run.planJson.empty())
        return std::nullopt;
    BenchmarkPlan plan;
    try {
        plan = planFromJson(run.planJson, "run " + std::to_string(run.id) + " plan");
    } catch (const PlanError&) {
        return std::nullopt; // an old or foreign plan: the charts then show the stored knees only
    }
    SloLimits limits;
    limits.maxErrorRate = plan.slo.maxErrorRate;
    if (plan.slo.p99MaxMs) {
        limits.p99Ms = *plan.slo.p99MaxMs;
        return limits;
    }
    // The ideal latency of the scenario: the same for every target of a plan, so the first one that defines it.
    for (const auto& name : plan.targets) {
        if (const TargetDefinition* target = catalog.find(name)) {
            if (const Scenario* scenario = target->scenario(plan.scenario); scenario && scenario->idealLatencyMs > 0) {
                limits.p99Ms = plan.slo.p99LimitMs(scenario->idealLatencyMs);
                return limits;
            }
        }
    }
    return std::nullopt;
}

} // namespace loadscope
