#pragma once
// The service level objective applied to measurements: did a step meet it, where is each target's knee (the
// highest rate that met it), and the stop rule (a target that broke it on two rates in a row has given up).

#include "benchmark_plan.h"
#include "run_types.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace loadscope {

struct SloVerdict {
    bool met = false;
    double p99Ms = 0;
    double p99LimitMs = 0;
    double errorRate = 0; // fraction of due requests that did not get a good answer
    std::string reason;   // why it was not met ("p99 81.2 ms > 75 ms", "0.4 % errors >= 0.1 %"), empty when met
};

// The fraction of due requests without a successful answer: errors, plus requests that were due and never answered.
double failureRate(std::int64_t due, std::int64_t ok);
// One measurement (a step, or repetitions merged) against the SLO.
SloVerdict evaluateSlo(double p99Ms, std::int64_t due, std::int64_t ok, const ServiceLevelObjective& slo,
                       double idealLatencyMs);
SloVerdict evaluateStep(const Step& step, const ServiceLevelObjective& slo, double idealLatencyMs);

// The repetitions of one (target, rate) merged: counts added, histograms merged (never percentiles averaged).
struct MergedMeasurement {
    std::string targetName;
    double requestedRps = 0;
    int steps = 0;  // ok steps merged
    int failed = 0; // failed or cancelled steps (not merged)
    int skipped = 0;
    double achievedRps = 0; // completed requests over measured seconds, all repetitions together
    std::int64_t due = 0, ok = 0;
    ErrorCounts errors;
    double serverCpuPercent = 0; // mean over the repetitions
    StepFlags flags;             // any repetition's flags
    LatencySummary latency;
    LatencySummary serviceTime;
    std::string statusMessage; // of a failed or skipped step, when nothing was merged
};
// Groups `steps` by (target, rate) and merges them. Steps need their histograms for exact percentiles; without them
// the worst repetition's summary is used. Ordered by target (first appearance), then rate.
std::vector<MergedMeasurement> mergeRepetitions(const std::vector<Step>& steps);

// The highest rate whose merged measurement met the SLO; nullopt when none did.
std::optional<double> kneeRps(const std::vector<MergedMeasurement>& measurements, const std::string& targetName,
                              const ServiceLevelObjective& slo, double idealLatencyMs);

// The stop rule, per target and repetition: after two rates in a row that broke the SLO (or failed), the target has
// given up and its higher rates in that repetition are skipped.
class StopRule {
public:
    explicit StopRule(bool enabled)
        : enabled_(enabled) {}
    void record(const std::string& target, int repetition, double rate, bool metSlo);
    bool hasGivenUp(const std::string& target, int repetition) const;
    // "gave up: SLO broken at 1200 and 1500 rps"
    std::string reason(const std::string& target, int repetition) const;

private:
    struct State {
        int brokenInARow = 0;
        std::vector<double> brokenRates;
        bool givenUp = false;
    };
    bool enabled_;
    std::map<std::pair<std::string, int>, State> states_;
};

} // namespace loadscope
