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

std::vector<VerdictEntry> kneeVerdictEntries(const std::vector<LabelledKnee>& series) {
    std::vector<std::size_t> ranked;
    for (std::size_t i = 0; i < series.size(); ++i)
        if (series[i].knee && series[i].knee->measuredAny)
            ranked.push_back(i);
    std::stable_sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
        return series[a].knee->kneeRps.value_or(-1) > series[b].knee->kneeRps.value_or(-1);
    });
    std::vector<VerdictEntry> entries;
    for (std::size_t i = 0; i < ranked.size(); ++i) {
        const LabelledKnee& s = series[ranked[i]];
        VerdictEntry e{s.label, s.knee->text(), {}, ranked[i]};
        if (i > 0)
            e.symbolBefore = std::string(symbolOf(compareKnees(*series[ranked[i - 1]].knee, *s.knee).ordering));
        entries.push_back(std::move(e));
    }
    return entries;
}

std::string joinVerdictEntries(const std::vector<VerdictEntry>& entries) {
    std::string line;
    for (const auto& e : entries) {
        if (!e.symbolBefore.empty())
            line += " " + e.symbolBefore + " ";
        line += e.label + " " + e.kneeText;
    }
    return line;
}

std::string kneeVerdictLine(const RunAnalysis& analysis) {
    std::vector<LabelledKnee> series;
    for (const auto& t : analysis.targets)
        series.push_back({t.target, &t.knee});
    return joinVerdictEntries(kneeVerdictEntries(series));
}

PairVerdict compareTargets(const TargetAnalysis& a, const TargetAnalysis& b, const DifferenceRules& rules) {
    PairVerdict verdict;
    verdict.knee = compareKnees(a.knee, b.knee);
    for (const auto& ma : a.measurements) {
        const MergedMeasurement* mb = b.at(ma.requestedRps);
        if (mb && ma.measured() && mb->measured())
            verdict.rates.push_back(compareAtRate(ma, *mb, rules));
    }
    return verdict;
}

} // namespace loadscope
