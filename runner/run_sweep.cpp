// The sweep: every planned (target, rate, repetition) in the plan's order, a fresh server per target and repetition,
// higher rates skipped once the stop rule says a target has given up.
#include "benchmark_runner_impl.h"

#include "step_schedule.h"
#include "stop_rule.h"

namespace loadscope {

void BenchmarkRunner::Impl::sweep() {
    const auto schedule = orderSteps(plan);
    const int total = static_cast<int>(schedule.size());
    std::map<SessionKey, int> lastStepOf;
    for (int i = 0; i < total; ++i)
        lastStepOf[{schedule[i].targetIndex, schedule[i].repetition}] = i;
    StopRule stopRule(plan.stopRule);

    for (int i = 0; i < total && !cancel.load(); ++i) {
        const auto& planned = schedule[i];
        const SessionKey key{planned.targetIndex, planned.repetition};
        Step step = newStep(planned.targetIndex, plan.rates[planned.rateIndex], planned.repetition);
        if (stopRule.hasGivenUp(step.targetName, planned.repetition)) {
            step.status = StepStatus::Skipped;
            step.statusMessage = stopRule.reason(step.targetName, planned.repetition);
            step.sequence = ++sequence;
            observer->stepStarted(step, step.sequence, total);
            storeStep(step);
            continue;
        }
        const StepOutcome outcome = measure(step, key, plan.stepDurationS);
        if (step.status != StepStatus::Cancelled)
            stopRule.record(step.targetName, planned.repetition, step.requestedRps, outcome.met, outcome.confidence);
        // This server's work in this repetition is done: stop it now rather than let it idle next to others.
        if (i == lastStepOf[key] || stopRule.hasGivenUp(step.targetName, planned.repetition))
            sessions.erase(key);
        if (i + 1 < total && plan.cooldownS > 0)
            pause(plan.cooldownS);
    }
}

} // namespace loadscope
