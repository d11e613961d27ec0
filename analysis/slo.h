#pragma once
// The service level objective and the one verdict against it. A plan states the objective
// (ServiceLevelObjective); a stored run resolves it to numbers per target (SloLimits) from what was stored with it,
// never from today's target definitions, so a run reads the same years later.

#include "run_types.h"

#include <cstdint>
#include <optional>
#include <string>

namespace loadscope {

struct ServiceLevelObjective {
    // p99 must stay at or below this many milliseconds; unset: 1.5 x the scenario's ideal latency.
    std::optional<double> p99MaxMs;
    double p99FactorOfIdeal = 1.5;
    double maxErrorRate = 0.001; // fraction of due requests (0.1 %)
    double p99LimitMs(double idealLatencyMs) const { return p99MaxMs ? *p99MaxMs : p99FactorOfIdeal * idealLatencyMs; }
};

// An objective resolved to numbers for one target of one run.
struct SloLimits {
    double p99Ms = 0;
    double maxErrorRate = 0.001; // fraction of due requests; 0 means "no failed request at all"
    bool operator==(const SloLimits&) const = default;
};
inline SloLimits resolveLimits(const ServiceLevelObjective& slo, double idealLatencyMs) {
    return {slo.p99LimitMs(idealLatencyMs), slo.maxErrorRate};
}

struct SloVerdict {
    bool met = false;
    double p99Ms = 0;
    double p99LimitMs = 0;
    double errorRate = 0; // fraction of due requests that did not get a good answer
    std::string reason; // why it was not met ("p99 81.2 ms > 75 ms", "0.4 % without a good answer ..."), empty when met
};

// The fraction of due requests without a successful answer: errors, plus requests that were due and never answered.
double failureRate(std::int64_t due, std::int64_t ok);
// Whether `rate` (a failure rate) breaks `limit`: strictly below the limit holds, and a limit of 0 allows nothing.
bool failureRateBreaks(double rate, double limit);
// One measurement (a step, or repetitions merged) against the SLO.
SloVerdict evaluateSlo(double p99Ms, std::int64_t due, std::int64_t ok, const SloLimits& limits);

// The limits a stored run was measured against for `target`: the p99 limit stored in its environment when the run
// started (environment.targets[target].p99_limit_ms), else the plan's explicit p99_max_ms, else the plan's factor
// times the stored ideal latency; the error limit from the stored plan. nullopt when the run does not say (an
// imported or very old run).
std::optional<SloLimits> storedSloLimits(const Run& run, const std::string& target);

} // namespace loadscope
