#pragma once
// The answers for a stored run, computed in one place for the runner, the CLI and the GUI: per target, its merged
// measurements with their verdicts and intervals, and its knee. The SLO comes from what is stored with the run.

#include "comparison.h"
#include "knee.h"
#include "measurement.h"
#include "run_types.h"

#include <optional>
#include <string>
#include <vector>

namespace loadscope {

struct TargetAnalysis {
    std::string target;
    std::optional<SloLimits> limits;
    std::vector<MergedMeasurement> measurements; // ascending rate
    KneeEstimate knee;
    const MergedMeasurement* at(double rps) const;
};

struct RunAnalysis {
    std::vector<TargetAnalysis> targets; // the run's target order, then any target only its steps name
    const TargetAnalysis* find(const std::string& target) const;
};

// Steps need their histograms (RunStore::loadHistograms) for exact merged percentiles and intervals; without them
// the analysis falls back to the worst repetition and the margin rule.
RunAnalysis analyzeRun(const Run& run);
RunAnalysis analyzeSteps(const std::vector<Step>& steps, const std::vector<std::string>& targetOrder,
                         const SloLookup& slo);

// The verdict line: every target's knee, most load first ("aiohttp 3000+ · tornado-async 1750 (1500-2000)"),
// with "≈" between neighbours whose knee intervals overlap and ">" where they do not.
std::string kneeVerdictLine(const RunAnalysis& analysis);

} // namespace loadscope
