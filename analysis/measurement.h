#pragma once
// One (target, rate) measurement: its repetitions merged through their histograms (never percentiles averaged),
// each repetition's own numbers, and, when the SLO is known, the verdict with its uncertainty:
// - the point verdict of the merged repetitions (an outlying repetition left out of it, and said so);
// - with >= 3 repetitions, a bootstrap over repetitions: a 95 % interval for the merged p99 and the probability
//   that the SLO holds; with fewer, confidence comes from the distance to the limit (kVerdictMargin);
// - whether the load generator's lateness could account for a break (then it is not the server's, with confidence).

#include "bootstrap.h"
#include "run_types.h"
#include "slo.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope {

// How sure a verdict is: held or broken "with confidence", or not sure either way.
enum class Confidence { Held, Broken, Uncertain };
std::string_view toString(Confidence confidence); // "held", "broken", "uncertain"

// With fewer than 3 repetitions there is no bootstrap: a verdict counts as confident only when the p99 lies more
// than this share away from its limit (75.3 ms against 75 ms is a coin toss, not a break).
inline constexpr double kVerdictMargin = 0.10;
// The share of bootstrap resamples that must agree for a confident verdict.
inline constexpr double kConfidentShare = 0.95;

struct RepetitionResult {
    std::int64_t stepId = 0;
    int repetition = 1;
    double p50Ms = 0;
    double p99Ms = 0;
    double achievedRps = 0;
    std::int64_t due = 0, ok = 0;
    double latenessP99Ms = 0;
    bool generatorLimited = false;
    double modifiedZ = 0;
    bool outlier = false;
};

struct MergedMeasurement {
    std::string targetName;
    double requestedRps = 0;
    int steps = 0;  // ok steps merged
    int failed = 0; // failed or cancelled steps (not merged)
    int skipped = 0;
    int profiledLeftOut = 0; // ok repetitions run with a profiler, left out because unprofiled ones exist
    double achievedRps = 0;  // completed requests over measured seconds, all repetitions together
    double achievedMinRps = 0, achievedMaxRps = 0;
    std::int64_t due = 0, ok = 0;
    ErrorCounts errors;
    double serverCpuPercent = 0; // mean over the repetitions
    StepFlags flags;             // any repetition's flags (their reasons are notes, not markers)
    LatencySummary latency;      // of every ok repetition merged
    LatencySummary serviceTime;
    bool approximate = false;  // some repetition had no histogram: the worst repetition's summary stands in
    std::string statusMessage; // of a failed or skipped step, when nothing was merged
    std::vector<RepetitionResult> repetitions;          // the ok ones, in repetition order
    std::shared_ptr<const RepetitionSet> repetitionSet; // for bootstraps; null without every histogram

    // Against the SLO; set only when the run's limits are known.
    std::optional<SloLimits> limits;
    SloVerdict verdict;                    // the merged repetitions, outliers left out
    std::string verdictNote;               // "judged without repetition 3 (outlier: p99 210 ms)"
    std::optional<Interval> p99Interval;   // bootstrap, >= 3 repetitions with histograms
    std::optional<double> holdProbability; // the same bootstrap's share of resamples meeting the SLO
    Confidence confidence = Confidence::Uncertain;
    bool generatorMarker = false; // the generator's lateness could account for the break: worth a marker

    bool measured() const { return steps > 0; }
    int outliers() const;
    // "interval needs >= 3 repetitions" when there is no interval, else empty.
    std::string intervalNote() const;
    // The verdict as the tables and tooltips say it: "held", "broken", "held?" / "broken?" when not sure, with the
    // share of resamples that met the SLO when known ("held (98 %)"); "-" without an SLO or a measurement.
    std::string verdictText() const;
    // The same without the share: "held", "broken?", "-".
    std::string verdictWord() const;
};

// The SLO limits of a target (nullptr/empty function: no SLO known).
using SloLookup = std::function<std::optional<SloLimits>(const std::string& target)>;

// Groups `steps` by (target, rate) and merges them. Steps need their histograms for exact percentiles and intervals.
// Ordered by target (first appearance), then rate.
std::vector<MergedMeasurement> mergeRepetitions(const std::vector<Step>& steps, const SloLookup& slo = {});

// The confidence rule alone, for a single step as it lands (the stop rule, the knee search): the margin rule.
Confidence confidenceOf(const SloVerdict& verdict, const SloLimits& limits);

} // namespace loadscope
