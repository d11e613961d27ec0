#pragma once
// Which steps of a run are profiled (`--profile`, `--profile-rates`, `--profile-repetitions`; the plan's "profile"
// object, docs/plan.md). A profiler costs the server CPU, so a profiled repetition is marked on its step and the
// knee prefers unprofiled repetitions of the same rate when there are some.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace loadscope {

struct ProfileSettings {
    bool enabled = false;
    std::vector<double> rates;    // empty: every rate
    std::vector<int> repetitions; // empty: every repetition
    double sampleRateHz = 100;    // the Python sampler's rate (perf samples at 499 Hz)

    // Whether the step at `rps`, repetition `repetition` is profiled.
    bool applies(double rps, int repetition) const;
    // "every step at 100 Hz", "rates 1500, 2000, repetitions 2 at 100 Hz", "off"
    std::string describe() const;
};

// {"rates": [..] or "all", "repetitions": [..] or "all", "sample_rate_hz": 100}; null when off.
nlohmann::json profileSettingsJson(const ProfileSettings& settings);
// Reads the plan's "profile" value; throws PlanError "<source>: profile.<field>: ..." for anything malformed.
ProfileSettings profileSettingsFromJson(const nlohmann::json& value, const std::string& source);
// A profiled rate a sweep never runs ("3000 req/s is not one of the plan's rates, so no step would be profiled"), or
// empty. `--profile-rates` and the Launcher's field both ask this; a search's rates are not known ahead.
std::string profileRateOutsidePlan(const ProfileSettings& settings, const std::vector<double>& planRates, bool sweep);

} // namespace loadscope
