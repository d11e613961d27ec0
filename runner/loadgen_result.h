#pragma once
// loadscope-loadgen's output (docs/loadgen.md) turned into our data model: the final --json document into a Step's
// measurements, and the --progress lines on stderr into StepProgress. Both are read with the generator's own field
// tables (loadgen/format/loadgen_json.h): a key the generator does not write, or one it writes that is missing, is
// refused.

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
    bool connectionLimited = false; // some request waited for a free connection
    double generatorCpuPercent = 0; // the generator's own CPU over its life, of one core
    std::int64_t unsent = 0;        // due but never sent before the deadline
    std::int64_t abandoned = 0;     // in flight when stopped by a signal
    std::string fatalError;         // "nothing could connect" and the like
};

// Fills the measurement fields of `step` (counts, errors, lateness, summaries, both histograms, timeline,
// achieved rate, measured duration). Throws LoadgenOutputError naming the field ("loadgen JSON: requests.due:
// expected an integer, found string").
LoadgenReport applyLoadgenJson(std::string_view json, Step& step);
// One --progress line; nullopt for anything else (the generator may print warnings on stderr too), including a
// line of JSON that is not exactly a progress record.
std::optional<StepProgress> parseProgressLine(std::string_view line);

} // namespace loadscope
