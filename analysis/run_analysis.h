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

// The same line in parts, for a display that styles each entry (the GUI's coloured verdict line), and for series
// named otherwise than by their target (several runs compared: "aiohttp (run 12)").
struct LabelledKnee {
    std::string label;
    const KneeEstimate* knee = nullptr;
};
struct VerdictEntry {
    std::string label;
    std::string kneeText;     // KneeEstimate::text()
    std::string symbolBefore; // ">" or "≈" against the entry before; empty for the first
    std::size_t source = 0;   // index into the series given
};
// Measured series only, most load first (ties keep the order given).
std::vector<VerdictEntry> kneeVerdictEntries(const std::vector<LabelledKnee>& series);
// "label text SYMBOL label text ...": kneeVerdictLine(analysis) is this for the run's targets.
std::string joinVerdictEntries(const std::vector<VerdictEntry>& entries);

// "Is the difference real?" for two series (a target in a run each): their knees, and every rate both measured
// with an ok repetition (ascending), by the rules of comparison.h. The CLI's compare and check and the GUI's table.
struct PairVerdict {
    KneeComparison knee;
    std::vector<RateComparison> rates;
};
PairVerdict compareTargets(const TargetAnalysis& a, const TargetAnalysis& b, const DifferenceRules& rules = {});

} // namespace loadscope
