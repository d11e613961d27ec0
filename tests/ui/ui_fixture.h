#pragma once
// Realistic synthetic runs for the ui tests and benchmarks: targets with a capacity, latencies drawn from a
// lognormal around the scenario's ideal latency plus queueing that grows as the rate nears the capacity, recorded
// into the real LatencyHistogram; timelines, server resources, errors and flags consistent with them. Deterministic
// for a seed. Stored through the real RunStore (or kept in memory, histograms attached).

#include "run_store.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace loadscope::test {

struct FixtureTarget {
    std::string name;
    double capacityRps = 2000; // where the server saturates: latency explodes beyond
};

struct FixtureRunSpec {
    std::string name = "fixture run";
    std::vector<FixtureTarget> targets{{"aiohttp-uvloop", 2600}, {"aiohttp", 1900}, {"tornado-async", 1300}};
    std::vector<double> rates{500, 1000, 1500, 2000, 2500, 3000};
    int repetitions = 3;
    double stepSeconds = 4;
    std::string scenario = "simple";
    double idealMs = 50;
    double sloP99Ms = 75;
    bool storeKnees = true; // set TargetSnapshot::kneeRps (computed from the merged histograms like the runner)
    // Steps of a target are skipped (stop rule) once it broke the SLO at two rates in a row.
    bool stopRule = false;
    // The plan says mode "search" (the charts mark a knee search's final bracket); the steps are as given.
    bool search = false;
    // Marks the step at this (target, rate) generator-limited in every repetition.
    std::optional<std::pair<std::string, double>> generatorLimitedAt;
    unsigned seed = 1;
    std::int64_t createdMs = 1'700'000'000'000; // 2023-11-14
    std::vector<std::string> tags;
    std::string notes;
    RunStatus status = RunStatus::Completed;
    // Cap on latencies recorded per step (a 20 s step at 3000/s would record 60,000).
    int maxSamplesPerStep = 2500;
};

// The run in memory: ids unset, steps carry both histograms.
Run makeFixtureRun(const FixtureRunSpec& spec);
// Stores it (createRun, insertStep per step, knees, finishRun); returns the run id.
std::int64_t addFixtureRun(RunStore& store, const FixtureRunSpec& spec);

// A temporary folder removed with everything in it.
class TempFolder {
public:
    TempFolder();
    ~TempFolder();
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path file(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

} // namespace loadscope::test
