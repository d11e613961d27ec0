#pragma once
// BenchmarkPlan: what to measure. Targets x scenario x rates x repetitions, with the step timing, the order, the
// stop rule and SLO, and CPU pinning. Stored with its run as JSON (docs/plan.md); loadable from a file.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope {

class TargetCatalog;

class PlanError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error; // message names the source and field: "plan.json: rates[2]: ..."
};

enum class StepOrder { Interleaved, Sequential };

struct ServiceLevelObjective {
    // p99 must stay at or below this many milliseconds; unset: 1.5 x the scenario's ideal latency.
    std::optional<double> p99MaxMs;
    double p99FactorOfIdeal = 1.5;
    double maxErrorRate = 0.001; // fraction of due requests (0.1 %)
    double p99LimitMs(double idealLatencyMs) const { return p99MaxMs ? *p99MaxMs : p99FactorOfIdeal * idealLatencyMs; }
};

struct CpuPinning {
    bool enabled = true; // only applies with >= 2 cores
    int serverCore = 0;
    int generatorCore = -1; // -1: the last core
};

struct BenchmarkPlan {
    std::string name;   // empty: defaultRunName() when the run starts
    std::string preset; // the preset it started from ("quick"), empty for a custom plan
    std::vector<std::string> targets;
    std::string scenario = "simple";
    std::vector<double> rates; // requested requests per second, ascending
    double stepDurationS = 20;
    double warmupS = 2;
    double cooldownS = 1;
    int repetitions = 1;
    std::optional<int> connections; // unset: rate x ideal latency x 4, at least 256, within the open-file limit
    double requestTimeoutS = 5;
    StepOrder order = StepOrder::Interleaved;
    bool stopRule = true;
    ServiceLevelObjective slo;
    CpuPinning pinning;
    std::string arrivals = "uniform"; // or "poisson"
};

std::string_view toString(StepOrder order);
std::optional<StepOrder> stepOrderFromString(std::string_view text);
std::string planToJson(const BenchmarkPlan& plan);
// Throws PlanError naming `sourceName` and the field for anything malformed; unknown keys are errors too.
BenchmarkPlan planFromJson(const std::string& json, const std::string& sourceName = "plan");
// "500,1000,1500" or "500:3000:500" (inclusive). Throws PlanError.
std::vector<double> parseRates(std::string_view text);
// "p99<75ms", "p99<=1.5x", "errors<0.5%" (comma separated). Throws PlanError.
ServiceLevelObjective parseSlo(std::string_view text);

// "500ms", "20s", "1.5s", "2m", "1h" or a bare number of seconds. Throws PlanError naming `field`.
double parseDurationS(std::string_view text, std::string_view field = "duration");
// 0.5 -> "500ms", 20 -> "20s", 150 -> "2m30s".
std::string formatDuration(double seconds);
// The SLO in words: "p99 <= 1.5 x ideal, errors < 0.1 %" or "p99 <= 75 ms, errors < 0.1 %".
std::string describeSlo(const ServiceLevelObjective& slo);
// "quick: aiohttp vs tornado-async vs tornado-gen", "simple: aiohttp vs tornado-async" without a preset.
std::string defaultRunName(const BenchmarkPlan& plan);

// Built-in presets: "quick", "seed-simple", "seed-complex". `faithful` turns a seed preset into the founding
// benchmark's 300 s x 5 repetitions.
std::vector<std::string> presetNames();
std::optional<BenchmarkPlan> presetPlan(std::string_view name, bool faithful = false);

struct PlanProblem {
    std::string field;   // "rates", "targets", "stepDurationS" ...
    std::string message; // why, and what is expected
};
// Everything wrong with a plan against the catalog (unknown targets or scenario, empty rates, ...).
std::vector<PlanProblem> validatePlan(const BenchmarkPlan& plan, const TargetCatalog& catalog);
// The number of steps and the estimated wall time, including warm-ups, cool-downs and server start-ups (the stop
// rule may make a run shorter).
int plannedStepCount(const BenchmarkPlan& plan);
double estimatedSeconds(const BenchmarkPlan& plan);

} // namespace loadscope
