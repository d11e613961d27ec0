#pragma once
// Shared by the store tests: a temporary folder that cleans up after itself and sample runs and steps in which
// every field holds a distinct, non-default value (so a column that is not stored or read back shows up).

#include "run_store.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace loadscope::test {

class TempDir {
public:
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path file(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// A run with two targets ("aiohttp", "tornado"), tags, notes, plan and environment JSON; no steps.
Run sampleRun(const std::string& name = "sample run");
// A step of `run` for target `targetName` at `rate`, with every field set (derived from `seed`), both histograms
// recorded from 2,000 lognormal latencies and a 10-second timeline.
Step sampleStep(const Run& run, const std::string& targetName, double rate, int repetition, int seed);

// A step of `run` for target `targetName` in which no two numeric fields hold the same value and no two text fields
// the same text, so a field stored in another field's column (or JSON key, or CSV column) cannot go unnoticed. It has
// both histograms, a 3-second timeline and a profile.
Step distinctStep(const Run& run, const std::string& targetName);

// A fresh store in a temporary folder, with sampleRun(name) created in it: where most store tests begin.
struct StoreWithRun {
    explicit StoreWithRun(const std::string& name = "sample run");
    TempDir dir;
    RunStore store;
    Run run;
};

// `bytes` of log-like text that differs with `seed` (to make a step's row large).
std::string paddingText(std::size_t bytes, int seed);

// Field-by-field equality that names the first difference (empty string when equal).
std::string differenceBetween(const Step& expected, const Step& actual);
std::string differenceBetween(const Run& expected, const Run& actual);

std::string readFile(const std::filesystem::path& path);
void writeFile(const std::filesystem::path& path, const std::string& bytes);

} // namespace loadscope::test
