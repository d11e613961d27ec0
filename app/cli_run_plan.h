#pragma once
// `loadscope run`'s plan options: each checked by a CLI11 validator as it is parsed (what is wrong and what is
// expected, under the option's name), then laid over the preset and the plan file by buildPlan().

#include "benchmark_plan.h"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace loadscope::cli {

struct RunPlanOptions {
    std::string preset;
    std::string planFile;
    std::optional<std::string> targets; // unset: the preset's; set but empty is an error, not "the preset's"
    std::string scenario;
    std::optional<std::string> rates;
    std::string duration;
    std::string warmup;
    std::string cooldown;
    std::string timeout;
    std::optional<int> repeat;
    std::string connections;
    std::string order;
    std::string slo;
    std::string name;
    std::string arrivals;
    std::string serverHost;
    std::string generatorHosts;
    std::string pin;
    std::string maxTime;
    std::string searchStart;
    std::string resolution;
    std::string profileRates;            // --profile-rates 1500,2000 (a list or a range, as --rates)
    std::vector<int> profileRepetitions; // --profile-repetitions 2,4
    std::optional<double> profileHz;
    bool profile = false;
    bool search = false;
    bool sweep = false;
    bool noPin = false;
    bool noStopRule = false;
    bool faithful = false;
};

// Adds the plan's options (preset, plan file, targets, rates, durations, search, profiling ...) to `run`.
void addRunPlanOptions(CLI::App& run, RunPlanOptions& options);

// The preset (quick unless a plan file is given), then the plan file, then the options, each overriding the last.
// Throws UsageError for what only shows once they are put together (a plan file that does not read, --faithful
// with quick, --profile-rates outside the plan).
BenchmarkPlan buildPlan(const RunPlanOptions& options);

// A plan field as validatePlan names it, with the option that sets it: "targets[0] (--targets)".
std::string fieldWithOption(const std::string& field);

} // namespace loadscope::cli
