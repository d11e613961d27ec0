#include "runner_test_support.h"

#include "run_store.h"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace loadscope::test {

namespace {
std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}
bool isPid(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}
} // namespace

TempHome::TempHome() {
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("loadscope-runner-test-" + std::to_string(getpid()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(targetsDir());
    if (const char* old = std::getenv("XDG_CONFIG_HOME")) {
        hadConfigHome_ = true;
        oldConfigHome_ = old;
    }
    setenv("XDG_CONFIG_HOME", (dir_ / "config").c_str(), 1);
}

TempHome::~TempHome() {
    if (hadConfigHome_)
        setenv("XDG_CONFIG_HOME", oldConfigHome_.c_str(), 1);
    else
        unsetenv("XDG_CONFIG_HOME");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void TempHome::writeTarget(const std::string& name, const std::string& json) const {
    std::ofstream(targetsDir() / (name + ".json")) << json;
}

void TempHome::writeRefserverTarget(const std::string& name, const std::string& extraArgs, double idealMs,
                                    double readinessTimeoutS) const {
    auto argv = nlohmann::json::parse("[\"{bin}/loadscope-refserver\", \"--port\", \"{port}\"" +
                                      (extraArgs.empty() ? "" : ", " + extraArgs) + "]");
    const nlohmann::json definition = {{"name", name},
                                       {"display_name", "Reference server " + name},
                                       {"argv", argv},
                                       {"scenarios", {{"simple", {{"path", "/simple"}, {"ideal_ms", idealMs}}}}},
                                       {"readiness", {{"path", "/health"}, {"timeout_s", readinessTimeoutS}}},
                                       {"version_probe", {"{bin}/loadscope-refserver", "--version"}}};
    writeTarget(name, definition.dump(2));
}

void TempHome::writeShellTarget(const std::string& name, const std::string& script, double readinessTimeoutS) const {
    const nlohmann::json definition = {{"name", name},
                                       {"argv", {"/bin/sh", "-c", script, "sh", "{port}"}},
                                       {"scenarios", {{"simple", {{"path", "/simple"}, {"ideal_ms", 5}}}}},
                                       {"readiness", {{"path", "/health"}, {"timeout_s", readinessTimeoutS}}}};
    writeTarget(name, definition.dump(2));
}

template <typename Change> void RecordingObserver::record(Change change) {
    {
        std::lock_guard lock(mutex);
        change();
    }
    changed.notify_all();
}

bool RecordingObserver::waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, condition);
}

void RecordingObserver::runStarted(const Run&, int steps) {
    record([&] {
        ++runsStarted;
        totalSteps = steps;
    });
}
void RecordingObserver::stepStarted(const Step& step, int, int) {
    record([&] { started.push_back(step); });
}
void RecordingObserver::stepProgress(const Step&, const StepProgress& progress) {
    record([&] {
        ++progressCalls;
        lastProgressStep = static_cast<int>(started.size());
        lastProgress = progress;
    });
}
void RecordingObserver::stepFinished(const Step& step) {
    Step copy = step;
    copy.latencyHistogram.reset(); // keep the record light
    copy.serviceTimeHistogram.reset();
    record([&] { finished.push_back(std::move(copy)); });
}
void RecordingObserver::logLine(std::string_view source, std::string_view line) {
    record([&] { logs.push_back(std::string(source) + ": " + std::string(line)); });
}
void RecordingObserver::runFinished(const Run& run) {
    record([&] {
        ++runsFinished;
        finalStatus = run.status;
    });
}

Run loadStoredRun(const TempHome& home, std::int64_t id) {
    auto store = RunStore::open(home.database(), RunStore::OpenMode::ReadOnly);
    auto run = store.loadRun(id);
    if (!run)
        throw std::runtime_error("no run " + std::to_string(id) + " in " + home.database().string());
    store.loadHistograms(run->steps);
    return *run;
}

std::vector<pid_t> childProcessesOfThisProcess() {
    std::vector<pid_t> children;
    const auto self = std::to_string(getpid());
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const auto name = entry.path().filename().string();
        if (!isPid(name) || name == self)
            continue;
        const auto status = readFile(entry.path() / "status");
        const auto at = status.find("\nPPid:");
        if (at == std::string::npos)
            continue;
        if (std::stol(status.substr(at + 6)) == getpid())
            children.push_back(static_cast<pid_t>(std::stol(name)));
    }
    return children;
}

std::vector<pid_t> processesWithEnvironment(const std::string& marker) {
    std::vector<pid_t> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const auto name = entry.path().filename().string();
        if (!isPid(name))
            continue;
        const auto environment = readFile(entry.path() / "environ");
        if (environment.find(marker) == std::string::npos)
            continue;
        // A zombie still has its /proc entry (its environment is empty then): only the living count.
        const auto status = readFile(entry.path() / "status");
        if (status.find("State:\tZ") != std::string::npos)
            continue;
        found.push_back(static_cast<pid_t>(std::stol(name)));
    }
    return found;
}

} // namespace loadscope::test
