// perf for native servers: `perf record -F 499 -g -p PID --delay=-1 --control fifo:CTL` started before the step
// with its events disabled, enabled and disabled through the control FIFO at the window's edges, then
// `perf script` folded by profiles/perf_script_folding.h.
#include "step_profiler.h"

#include "child_process.h"
#include "perf_script_folding.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace loadscope {

namespace {

using namespace std::chrono_literals;

std::string readPerfOutput(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class PerfStepProfiler : public StepProfiler {
public:
    explicit PerfStepProfiler(pid_t pid) {
        std::string pattern = (std::filesystem::temp_directory_path() / "loadscope-perf-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("cannot create a folder for perf: " + std::string(std::strerror(errno)));
        folder_ = pattern;
        control_ = folder_ / "perf-control";
        data_ = folder_ / "perf.data";
        std::filesystem::remove(control_);
        std::filesystem::remove(data_);
        if (::mkfifo(control_.c_str(), 0600) != 0)
            throw std::runtime_error("cannot create perf's control pipe: " + std::string(std::strerror(errno)));
        ChildProcessOptions options;
        options.argv = {"perf",
                        "record",
                        "-F",
                        std::to_string(static_cast<int>(kPerfSampleRateHz)),
                        "-g",
                        "-p",
                        std::to_string(pid),
                        "--delay=-1",
                        "--control",
                        "fifo:" + control_.string(),
                        "-o",
                        data_.string(),
                        "--quiet"};
        perf_ = std::make_unique<ChildProcess>(options);
    }
    ~PerfStepProfiler() override {
        if (perf_ && perf_->running())
            perf_->stop(1s);
        std::error_code ignored;
        std::filesystem::remove_all(folder_, ignored);
    }

    void openWindow() override { opened_ = command("enable\n"); }
    void closeWindow() override {
        if (opened_)
            closed_ = command("disable\n");
    }

    std::optional<StepProfile> collect(std::string* error) override {
        perf_->signalGroup(SIGINT); // perf writes its file, then dies of the signal it caught (it re-raises it)
        const auto status = perf_->waitFor(10s);
        const bool finished = status && (status->success() || (!status->exited && status->signal == SIGINT));
        if (!finished || !opened_) {
            if (!status)
                perf_->stop(1s);
            *error = !opened_ ? "perf never started recording (" + error_ + ")"
                              : "perf record failed (" + (status ? status->toString() : std::string("timed out")) +
                                    "): " + lastLine(perf_->stderrTail());
            return std::nullopt;
        }
        const auto script = folder_ / "perf-script.txt";
        ChildProcessOptions options;
        options.argv = {"/bin/sh", "-c", "exec perf script -i \"$0\" > \"$1\"", data_.string(), script.string()};
        const auto result = runCommand(options, 120s);
        if (!result.success()) {
            *error = "perf script failed: " + lastLine(result.err);
            return std::nullopt;
        }
        const auto folded = foldPerfScript(readPerfOutput(script));
        std::filesystem::remove(script);
        return StepProfile{"perf", kPerfSampleRateHz, formatFolded(folded)};
    }

private:
    static std::string lastLine(const std::string& text) {
        auto end = text.find_last_not_of("\n ");
        if (end == std::string::npos)
            return "no message";
        const auto start = text.rfind('\n', end);
        return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start));
    }

    // perf opens its control FIFO once it has attached; until then there is no reader.
    bool command(const std::string& text) {
        const auto deadline = std::chrono::steady_clock::now() + 3s;
        while (std::chrono::steady_clock::now() < deadline) {
            const int fd = ::open(control_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
            if (fd >= 0) {
                const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
                ::close(fd);
                if (!ok)
                    error_ = "writing to perf's control pipe failed";
                return ok;
            }
            if (!perf_->running()) {
                error_ = "perf exited: " + lastLine(perf_->stderrTail());
                return false;
            }
            std::this_thread::sleep_for(10ms);
        }
        error_ = "perf did not open its control pipe within 3 s";
        return false;
    }

    std::filesystem::path folder_, control_, data_;
    std::unique_ptr<ChildProcess> perf_;
    bool opened_ = false, closed_ = false;
    std::string error_;
};

} // namespace

std::unique_ptr<StepProfiler> startPerfProfiler(pid_t pid) {
    try {
        return std::make_unique<PerfStepProfiler>(pid);
    } catch (const ChildProcessError& e) {
        throw std::runtime_error(std::string("perf could not start: ") + e.what() +
                                 " (install it: apt-get install linux-perf)");
    }
}

std::string perfAccessProblem(const std::string& perfPath, int paranoidLevel, bool privileged) {
    if (perfPath.empty())
        return "perf is not installed: apt-get install linux-perf";
    // Attaching to one's own process needs perf_event_paranoid <= 2 (user-space samples); Debian's default 3
    // forbids unprivileged perf altogether. -g with kernel frames wants <= 1, but user frames suffice for a server.
    if (!privileged && paranoidLevel > 2)
        return "perf may not profile here: kernel.perf_event_paranoid is " + std::to_string(paranoidLevel) +
               " (unprivileged users need 2 or less). Allow it until the next boot with: sudo sysctl "
               "kernel.perf_event_paranoid=2 (1 also records kernel frames); for good, put "
               "kernel.perf_event_paranoid = 2 in /etc/sysctl.d/60-perf.conf";
    return {};
}

std::string perfAccessProblem() {
    int level = 4;
    std::ifstream paranoid("/proc/sys/kernel/perf_event_paranoid");
    paranoid >> level;
    const char* path = std::getenv("PATH");
    const auto perf = findInPath("perf", path ? path : "/usr/bin:/bin");
    return perfAccessProblem(perf.string(), level, ::geteuid() == 0);
}

} // namespace loadscope
