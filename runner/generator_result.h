#pragma once
// What one load generator left when it finished: its JSON result read into a step, the limits it reported flagged on
// the step, and why it failed in words. Read the same way for the only generator of a step (step_executor.cpp) and
// for each of several generators on other hosts (distributed_step.cpp).

#include "child_process.h"
#include "loadgen_result.h"
#include "run_types.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>

namespace loadscope {

struct GeneratorResult {
    bool printed = false;   // it printed something on stdout
    bool parsed = false;    // ... that was a result
    std::string parseError; // why not, when printed && !parsed
    LoadgenReport report;   // when parsed
};

// Reads the generator's stdout into `part` (its measurements and its own CPU use).
GeneratorResult readGeneratorResult(const std::string& stdoutText, Step& part);

// Flags `step` generator-limited and connection-limited as `report` says, with the reason appended to the step's.
// `onHost` is " on <host>" for one of several generators, "" for the only one; `waited` and `connections` are that
// generator's.
void flagGeneratorLimits(const LoadgenReport& report, const std::string& onHost, std::int64_t waited, int connections,
                         Step& step);

// The last line of the generator's stderr that says something: not a progress record (a line starting with '{',
// whole or cut short), not its usage hint ("Run 'loadscope-loadgen --help' for the options."), nor the remote
// watchdog's "loadscope-remote-pgid" line.
std::string lastGeneratorWords(const std::string& stderrText);

// How a generator ended, for generatorFailure.
struct GeneratorEnd {
    std::optional<ExitStatus> status; // none: it was not seen to exit
    bool overSsh = false;             // status is ssh's: 255 is the connection lost, 128 + n a signal over there
    std::string host;                 // the host's name for a generator on another host, else ""
    std::string url;                  // what it loaded
    std::string said;                 // lastGeneratorWords of its stderr
};

// Why the generator failed ("" when it did not), naming its host.
std::string generatorFailure(const GeneratorEnd& end, const GeneratorResult& result);

// The measured window of the server's resources (and profile): opened by the first progress line of the measured
// part, closed by the first line past its end (or when the generators exit). A reader thread and the runner's thread
// may both get there: each happens once.
class MeasuredWindow {
public:
    MeasuredWindow(std::function<void()> onOpen, std::function<void()> onClose)
        : onOpen_(std::move(onOpen))
        , onClose_(std::move(onClose)) {}
    void open() {
        int expected = 0;
        if (state_.compare_exchange_strong(expected, 1))
            onOpen_();
    }
    void close() {
        int expected = 1;
        if (state_.compare_exchange_strong(expected, 2))
            onClose_();
    }
    bool opened() const { return state_.load() != 0; }
    // What a progress line means for the window.
    void follow(const StepProgress& progress) {
        if (progress.elapsedS >= 0)
            open();
        if (progress.durationS > 0 && progress.elapsedS >= progress.durationS)
            close();
    }

private:
    std::function<void()> onOpen_, onClose_;
    std::atomic<int> state_{0}; // 0 not yet open, 1 open, 2 closed
};

} // namespace loadscope
