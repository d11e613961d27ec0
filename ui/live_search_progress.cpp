#include "live_search_progress.h"

#include "knee.h"

namespace loadscope {

void LiveSearchProgress::reset(std::vector<std::string> targets, std::map<std::string, SloLimits> limits) {
    targets_ = std::move(targets);
    limits_ = std::move(limits);
    steps_.clear();
    probes_.clear();
    analysis_ = {};
}

void LiveSearchProgress::addProbe(const Step& step) {
    if (step.status == StepStatus::Skipped)
        return;
    ++probes_[step.targetName];
    if (step.status != StepStatus::Ok)
        return; // a failed probe counts, but has nothing to merge
    Step kept = step;
    kept.timeline.clear(); // the analysis needs the histograms, not the per-second points or the logs
    kept.serverLogTail.clear();
    kept.generatorLogTail.clear();
    steps_.push_back(std::move(kept));
    analysis_ = analyzeSteps(steps_, targets_, [this](const std::string& target) -> std::optional<SloLimits> {
        const auto found = limits_.find(target);
        return found == limits_.end() ? std::nullopt : std::optional<SloLimits>(found->second);
    });
}

int LiveSearchProgress::probes(const std::string& target) const {
    const auto found = probes_.find(target);
    return found == probes_.end() ? 0 : found->second;
}

int LiveSearchProgress::totalProbes() const {
    int total = 0;
    for (const auto& [target, count] : probes_)
        total += count;
    return total;
}

std::string LiveSearchProgress::bracketText(const std::string& target) const {
    const TargetAnalysis* analysis = analysis_.find(target);
    if (!analysis || !analysis->knee.measuredAny || !analysis->knee.sloKnown)
        return {};
    const KneeEstimate& knee = analysis->knee;
    const std::string held = knee.heldWithConfidence ? rateText(*knee.heldWithConfidence) : "?";
    const std::string broken = knee.brokenWithConfidence ? rateText(*knee.brokenWithConfidence) : "?";
    return "[" + held + "-" + broken + "]";
}

std::string LiveSearchProgress::summary() const {
    std::string text;
    for (const auto& target : targets_) {
        const int count = probes(target);
        if (count == 0)
            continue;
        if (!text.empty())
            text += " \u00b7 ";
        text += target + ": " + std::to_string(count) + (count == 1 ? " probe" : " probes");
        const std::string bracket = bracketText(target);
        if (!bracket.empty())
            text += ", bracket " + bracket;
    }
    return text;
}

} // namespace loadscope
