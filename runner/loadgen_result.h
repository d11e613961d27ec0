#pragma once
// loadscope-loadgen's output (docs/loadgen.md) turned into our data model: the final --json document into a Step's
// measurements, and the --progress lines on stderr into StepProgress.

#include "run_observer.h"
#include "run_types.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace loadscope {

class LoadgenOutputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error; // "loadgen JSON: requests.due: expected a number"
};

struct LoadgenReport {
    bool partial = false; // stopped early (SIGINT / SIGTERM)
    bool generatorLimited = false;
    std::string generatorLimitedReason;
    double targetRps = 0;
};

// Fills the measurement fields of `step` (counts, errors, lateness, summaries, both histograms, timeline,
// achieved rate, measured duration, the generator-limited flag). Throws LoadgenOutputError naming the field.
LoadgenReport applyLoadgenJson(std::string_view json, Step& step);
// One --progress line; nullopt for anything else (the generator may print warnings on stderr too).
std::optional<StepProgress> parseProgressLine(std::string_view line);

} // namespace loadscope
