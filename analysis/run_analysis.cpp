#include "run_analysis.h"

#include <algorithm>
#include <cmath>

namespace loadscope {

const MergedMeasurement* TargetAnalysis::at(double rps) const {
    for (const auto& m : measurements)
        if (std::abs(m.requestedRps - rps) < 1e-9)
            return &m;
    return nullptr;
}

const TargetAnalysis* RunAnalysis::find(const std::string& target) const {
    for (const auto& t : targets)
        if (t.target == target)
            return &t;
    return nullptr;
}

RunAnalysis analyzeSteps(const std::vector<Step>& steps, const std::vector<std::string>& targetOrder,
                         const SloLookup& slo) {
    std::vector<std::string> order = targetOrder;
    for (const auto& step : steps)
        if (std::find(order.begin(), order.end(), step.targetName) == order.end())
            order.push_back(step.targetName);
    const auto merged = mergeRepetitions(steps, slo);
    RunAnalysis analysis;
    for (const auto& target : order) {
        TargetAnalysis t;
        t.target = target;
        t.limits = slo ? slo(target) : std::nullopt;
        for (const auto& m : merged)
            if (m.targetName == target)
                t.measurements.push_back(m);
        t.knee = estimateKnee(t.measurements, target);
        t.knee.sloKnown = t.limits.has_value();
        analysis.targets.push_back(std::move(t));
    }
    return analysis;
}

RunAnalysis analyzeRun(const Run& run) {
    std::vector<std::string> order;
    for (const auto& t : run.targets)
        order.push_back(t.name);
    return analyzeSteps(run.steps, order, [&run](const std::string& target) { return storedSloLimits(run, target); });
}

std::string kneeVerdictLine(const RunAnalysis& analysis) {
    std::vector<const TargetAnalysis*> ranked;
    for (const auto& t : analysis.targets)
        if (t.knee.measuredAny)
            ranked.push_back(&t);
    std::stable_sort(ranked.begin(), ranked.end(), [](const TargetAnalysis* a, const TargetAnalysis* b) {
        return a->knee.kneeRps.value_or(-1) > b->knee.kneeRps.value_or(-1);
    });
    std::string line;
    for (std::size_t i = 0; i < ranked.size(); ++i) {
        if (i > 0)
            line += std::string(" ") +
                    std::string(symbolOf(compareKnees(ranked[i - 1]->knee, ranked[i]->knee).ordering)) + " ";
        line += ranked[i]->target + " " + ranked[i]->knee.text();
    }
    return line;
}

} // namespace loadscope
