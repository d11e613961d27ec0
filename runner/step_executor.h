#pragma once
// executeStep(): one measurement. Starts loadscope-loadgen against a ready server with --json --progress, samples the
// server's process group from /proc during the measured part, forwards live progress, stops the generator with SIGINT
// on cancel (it prints its partial result), and turns its output into the Step's numbers (generator_result.h). A
// failure comes back in words in the StepExecution (the runner sets the step's status from it), never thrown.

#include "run_observer.h"
#include "run_types.h"

#include <sys/types.h>

#include <atomic>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace loadscope {

class StepProfiler;

struct LoadRequest {
    std::filesystem::path loadgen;
    std::string url; // http://127.0.0.1:PORT/path
    std::string method = "GET";
    std::vector<std::string> headers;
    std::string body;
    double rateRps = 0;
    double durationS = 0;
    double warmupS = 0;
    int connections = 256;
    double timeoutS = 5;
    std::string arrivals = "uniform";
    std::optional<int> cpuCore;
    bool busyPoll = false;            // --busy-poll: for a generator pinned to a core of its own
    pid_t serverProcessGroup = 0;     // sampled from /proc; 0: none
    double cancelGraceS = 1.0;        // how long the generator may take to print its partial result
    StepProfiler* profiler = nullptr; // told when the measured window opens and closes; null: not profiled
};

// Events from the generator's reader thread, handed to the runner's thread (observers are called there only).
class StepEvents {
public:
    void pushProgress(const StepProgress& progress);
    void pushLog(std::string source, std::string line);
    // Takes what arrived since the last call.
    std::optional<StepProgress> takeProgress();
    std::vector<std::pair<std::string, std::string>> takeLogs();

private:
    std::mutex mutex_;
    std::optional<StepProgress> progress_;
    std::deque<std::pair<std::string, std::string>> logs_;
};

struct StepExecution {
    std::vector<std::string> argv; // the generator's command line as started
    bool cancelled = false;        // stopped by requestCancel
    bool generatorFailed = false;  // crashed, bad output, could not connect: the step failed
    std::string failure;           // why, in words
};

// Runs the generator for `request` and fills `step` (measurements, flags generatorLimited / connectionLimited,
// server resources, generator CPU, generator log tail). `poll` is called every ~50 ms on the calling thread (drain
// events, check the server); the step stops early when `cancel` becomes true.
StepExecution executeStep(const LoadRequest& request, Step& step, const std::atomic<bool>& cancel, StepEvents& events,
                          const std::function<void()>& poll);

// The generator's argv for a request.
std::vector<std::string> loadgenArgv(const LoadRequest& request);

} // namespace loadscope
