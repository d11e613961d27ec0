#pragma once
// Shared by the runner's end-to-end tests: a temporary home (results database, user targets folder) and target
// definitions written there, so the tests run real servers (loadscope-refserver, sh) and the real load generator
// without adding test targets to the built-in catalog.

#include "run_observer.h"
#include "run_types.h"

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace loadscope::test {

// A temporary folder with config/loadscope/targets/ (XDG_CONFIG_HOME points at config/ while it lives) and a
// database path. Removed afterwards.
class TempHome {
public:
    TempHome();
    ~TempHome();
    TempHome(const TempHome&) = delete;
    TempHome& operator=(const TempHome&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path database() const { return dir_ / "runs.sqlite"; }
    std::filesystem::path targetsDir() const { return dir_ / "config" / "loadscope" / "targets"; }
    // Writes <name>.json into the user targets folder.
    void writeTarget(const std::string& name, const std::string& json) const;
    // A refserver target: `extraArgs` are JSON strings appended to its argv, e.g. R"("--delay-ms", "5")".
    void writeRefserverTarget(const std::string& name, const std::string& extraArgs, double idealMs,
                              double readinessTimeoutS = 5) const;
    // A target whose argv is `sh -c SCRIPT sh {port}` (the script sees the port as $1).
    void writeShellTarget(const std::string& name, const std::string& script, double readinessTimeoutS = 5) const;

private:
    std::filesystem::path dir_;
    std::string oldConfigHome_;
    bool hadConfigHome_ = false;
};

// Records every observer call (thread-safe: the runner calls from its own thread while the test waits for an event).
class RecordingObserver : public RunObserver {
public:
    void runStarted(const Run& run, int totalSteps) override;
    void stepStarted(const Step& step, int index, int totalSteps) override;
    void stepProgress(const Step& step, const StepProgress& progress) override;
    void stepFinished(const Step& step) override;
    void logLine(std::string_view source, std::string_view line) override;
    void runFinished(const Run& run) override;

    // Waits at most `timeout` until `condition` holds (checked under `mutex`, again after every observer call).
    bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

    mutable std::mutex mutex;
    std::condition_variable changed;
    int runsStarted = 0, runsFinished = 0, progressCalls = 0, totalSteps = 0;
    int lastProgressStep = 0;  // 1-based index of the step the last progress belongs to
    StepProgress lastProgress; // the generator's last report
    std::vector<Step> started, finished;
    std::vector<std::string> logs;
    RunStatus finalStatus = RunStatus::Running;

private:
    template <typename Change> void record(Change change);
};

// The run `id` stored in the home's database, with its histograms; throws std::runtime_error when there is none.
Run loadStoredRun(const TempHome& home, std::int64_t id);

// Processes (other than threads of this one) whose parent is this process, e.g. children left behind.
std::vector<pid_t> childProcessesOfThisProcess();
// Whether any process whose environment holds `marker` (NAME=VALUE) is still alive.
std::vector<pid_t> processesWithEnvironment(const std::string& marker);

} // namespace loadscope::test
