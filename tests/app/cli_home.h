#pragma once
// A temporary home for driving the `loadscope` executable as a user would: XDG_CONFIG_HOME (user targets) and
// XDG_DATA_HOME for the child, a database path, user targets running loadscope-refserver, and a marker in the
// environment of every process the child starts, to find any that outlive it. Shared by the CLI tests.
#include "child_process.h"
#include "install_paths.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace loadscope::cli_test {

using namespace std::chrono_literals;

inline std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Polls `condition` every 20 ms for at most `timeout`: for states only /proc shows (a process started or gone).
inline bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

// The lines a child prints, collected on its reader thread (ChildProcessOptions::onLine); the test waits for the
// line that marks an event, woken by each line.
class OutputLines {
public:
    std::function<void(OutputStream, std::string_view)> collector() {
        return [this](OutputStream, std::string_view line) {
            {
                std::lock_guard lock(mutex_);
                lines_.emplace_back(line);
            }
            arrived_.notify_all();
        };
    }
    // True once a line containing `text` has arrived, false after `timeout`.
    bool waitFor(const std::string& text, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return arrived_.wait_for(lock, timeout, [&] {
            return std::any_of(lines_.begin(), lines_.end(), [&](const auto& line) { return contains(line, text); });
        });
    }

private:
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<std::string> lines_;
};

// A temporary home: XDG_CONFIG_HOME (user targets) and XDG_DATA_HOME for the child, a database path, and a marker
// in the environment of every process the child starts, to find any that outlive it.
class CliHome {
public:
    CliHome() {
        std::random_device random;
        marker_ = std::to_string(getpid()) + "-" + std::to_string(random());
        dir_ = std::filesystem::temp_directory_path() / ("loadscope-cli-test-" + marker_);
        std::filesystem::create_directories(dir_ / "config" / "loadscope" / "targets");
    }
    ~CliHome() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    const std::filesystem::path& dir() const { return dir_; }
    std::string db() const { return (dir_ / "runs.sqlite").string(); }
    std::string markerVariable() const { return "LOADSCOPE_CLI_TEST_MARKER=" + marker_; }

    void writeRefserverTarget(const std::string& name, std::vector<std::string> extraArgs = {}) const {
        nlohmann::json argv = {"{bin}/loadscope-refserver", "--port", "{port}"};
        for (auto& a : extraArgs)
            argv.push_back(a);
        const nlohmann::json definition = {{"name", name},
                                           {"argv", argv},
                                           {"scenarios", {{"simple", {{"path", "/simple"}, {"ideal_ms", 5}}}}},
                                           {"readiness", {{"path", "/health"}, {"timeout_s", 5}}}};
        std::ofstream(dir_ / "config" / "loadscope" / "targets" / (name + ".json")) << definition.dump(2);
    }
    void writeTarget(const std::string& name, const nlohmann::json& definition) const {
        std::ofstream(dir_ / "config" / "loadscope" / "targets" / (name + ".json")) << definition.dump(2);
    }

    ChildProcessOptions options(std::vector<std::string> args) const {
        ChildProcessOptions o;
        o.argv = {(binDir() / "loadscope").string()};
        o.argv.insert(o.argv.end(), args.begin(), args.end());
        o.env = {{"XDG_CONFIG_HOME", (dir_ / "config").string()},
                 {"XDG_DATA_HOME", (dir_ / "data").string()},
                 {"LOADSCOPE_CLI_TEST_MARKER", marker_},
                 {"DISPLAY", ""},
                 {"WAYLAND_DISPLAY", ""},
                 {"QT_QPA_PLATFORM", ""}};
        return o;
    }
    CommandResult run(std::vector<std::string> args, std::chrono::milliseconds timeout = 60s) const {
        return runCommand(options(std::move(args)), timeout);
    }
    // Processes still alive that carry this home's marker in their environment.
    std::vector<pid_t> markedProcesses() const {
        std::vector<pid_t> found;
        const auto marker = markerVariable();
        for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
            const auto name = entry.path().filename().string();
            if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit))
                continue;
            const auto environment = readFile(entry.path() / "environ");
            if (environment.find(marker) != std::string::npos &&
                !contains(readFile(entry.path() / "status"), "State:\tZ"))
                found.push_back(std::stoi(name));
        }
        return found;
    }

    // Whether a load generator started by this home's `loadscope` runs now.
    bool generatorRunning() const {
        const auto marked = markedProcesses();
        return std::any_of(marked.begin(), marked.end(), [](pid_t pid) {
            // comm is cut at 15 characters
            return readFile("/proc/" + std::to_string(pid) + "/comm").rfind("loadscope-loadg", 0) == 0;
        });
    }

private:
    std::filesystem::path dir_;
    std::string marker_;
};

inline int exitCode(const CommandResult& r) {
    return r.status && r.status->exited ? r.status->code : -1;
}

} // namespace loadscope::cli_test
