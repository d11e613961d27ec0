#pragma once
// Profiling a server during a step's measured window (docs/profiling.md). The step executor opens and closes the
// window at the same moments as the resource sampler's (the first and last progress lines of the measured part), so
// warm-up and cool-down are never in a profile; afterwards collect() hands back the folded stacks.
//
// Python targets run under resources/profilers/pysampler.py for their whole session (PythonSamplerChannel wraps
// their argv); it samples only inside windows, told by a control pipe. Native targets get `perf record -F 499 -g`
// attached to the server's process for each profiled step, its events enabled only inside the window.

#include "run_types.h"

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace loadscope {

class ChildProcess;
struct BenchmarkPlan;
class TargetCatalog;

class StepProfiler {
public:
    virtual ~StepProfiler() = default;
    // Called once each, from the generator's reader thread or the runner's thread; must return quickly.
    virtual void openWindow() = 0;
    virtual void closeWindow() = 0;
    // After the step: the window's profile, or nullopt with *error saying why there is none.
    virtual std::optional<StepProfile> collect(std::string* error) = 0;
};

// The control pipe of one Python server session: a FIFO in a private temporary folder, removed with it.
class PythonSamplerChannel {
public:
    explicit PythonSamplerChannel(double sampleRateHz);
    ~PythonSamplerChannel();
    PythonSamplerChannel(const PythonSamplerChannel&) = delete;
    PythonSamplerChannel& operator=(const PythonSamplerChannel&) = delete;

    // [python, script, args...] -> [python, pysampler.py, --rate, R, --control, FIFO, script, args...]
    std::vector<std::string> wrap(const std::vector<std::string>& argv) const;
    // Writes one command line to the sampler; false (with *error) when no sampler listens within ~2 s.
    bool send(const std::string& command, std::string* error);
    std::unique_ptr<StepProfiler> stepProfiler(int stepSequence);
    double sampleRateHz() const { return rateHz_; }
    const std::filesystem::path& folder() const { return folder_; }

private:
    double rateHz_;
    std::filesystem::path folder_, fifo_;
};

// The sampling rate perf uses (an odd rate, so it does not beat with anything periodic in the server).
inline constexpr double kPerfSampleRateHz = 499;

// perf attached to `pid` (and its threads) for one step; started at once, recording only inside the window.
// Throws std::runtime_error when perf cannot start.
std::unique_ptr<StepProfiler> startPerfProfiler(pid_t pid);

// Why perf cannot profile here, with how to allow it, or "" when it can: perf missing (apt-get install linux-perf)
// or kernel.perf_event_paranoid too strict for this user. Arguments are injectable for tests.
std::string perfAccessProblem();
std::string perfAccessProblem(const std::string& perfPath, int paranoidLevel, bool privileged);

// What stops the plan's profiling here, one line per target ("refserver: --profile: perf may not profile here:
// kernel.perf_event_paranoid is 3 ..."); empty when profiling is off or possible. Checked by preflight.
std::vector<std::string> profilingProblems(const BenchmarkPlan& plan, const TargetCatalog& catalog);

} // namespace loadscope
