#pragma once
// BenchmarkPlan: what to measure. Targets x scenario x rates x repetitions, with the step timing, the order, the
// stop rule and SLO, and CPU pinning. Stored with its run as JSON (docs/plan.md); loadable from a file.

#include "profile_settings.h"
#include "slo.h" // ServiceLevelObjective

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

// sweep: every planned rate, every repetition. search: find each target's knee without a list of rates (the knee
// search of analysis/knee_search.h); every probe is stored as an ordinary step.
enum class PlanMode { Sweep, Search };

struct SearchSettings {
    std::optional<double> startRps;       // unset: from the scenario's ideal latency and the connections
    double growth = 1.5;                  // the climb's factor
    double resolution = 0.05;             // 5 %; never finer than 1 %
    std::optional<double> probeDurationS; // unset: a third of the step duration, at least 2 s
    int maxProbesPerRate = 3;             // an uncertain rate is probed again at most this often
    std::optional<double> maxTimeS;       // a time budget for the whole search: then it reports the bracket reached
    double maxRps = 50'000;               // never probe above
    double probeDuration(double stepDurationS) const;
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
    PlanMode mode = PlanMode::Sweep;
    SearchSettings search;   // used in search mode
    ProfileSettings profile; // which steps run with the server profiled (off by default)
    // Other hosts over SSH (docs/hosts.md): user@host[:port]. Empty (or "local"): this machine, as always.
    std::string serverHost;
    std::vector<std::string> generatorHosts; // the load split between them; "local" is this machine
};

std::string_view toString(StepOrder order);
std::string_view toString(PlanMode mode); // "sweep", "search"
std::optional<PlanMode> planModeFromString(std::string_view text);
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
// "knee search from 500 req/s (x1.5, then bisect to 5 %), 2s probes, up to 3 per rate, the knee confirmed at 5s,
// budget 4m" ("from the lowest rate" / "from an automatic rate" as the plan says).
std::string describeSearch(const BenchmarkPlan& plan);
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
