#include "step_executor.h"

#include "child_process.h"
#include "loadgen_result.h"
#include "plan_text.h"
#include "resource_sampler.h"
#include "step_profiler.h"

#include <csignal>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace loadscope {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

void StepEvents::pushProgress(const StepProgress& progress) {
    std::lock_guard lock(mutex_);
    progress_ = progress;
}

void StepEvents::pushLog(std::string source, std::string line) {
    std::lock_guard lock(mutex_);
    constexpr std::size_t kMaxQueued = 2000; // a server logging every request must not grow memory without bound
    if (logs_.size() >= kMaxQueued)
        logs_.pop_front();
    logs_.emplace_back(std::move(source), std::move(line));
}

std::optional<StepProgress> StepEvents::takeProgress() {
    std::lock_guard lock(mutex_);
    auto p = progress_;
    progress_.reset();
    return p;
}

std::vector<std::pair<std::string, std::string>> StepEvents::takeLogs() {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, std::string>> out(logs_.begin(), logs_.end());
    logs_.clear();
    return out;
}

std::vector<std::string> loadgenArgv(const LoadRequest& r) {
    std::vector<std::string> argv{r.loadgen.string(),
                                  "--url",
                                  r.url,
                                  "--rate",
                                  formatNumber(r.rateRps, 3),
                                  "--duration",
                                  formatNumber(r.durationS * 1000, 0) + "ms",
                                  "--connections",
                                  std::to_string(r.connections),
                                  "--timeout",
                                  formatNumber(r.timeoutS * 1000, 0) + "ms",
                                  "--arrivals",
                                  r.arrivals,
                                  "--json",
                                  "--progress"};
    if (r.warmupS > 0) {
        argv.emplace_back("--warmup");
        argv.push_back(formatNumber(r.warmupS * 1000, 0) + "ms");
    }
    if (r.busyPoll)
        argv.emplace_back("--busy-poll");
    if (r.method != "GET") {
        argv.emplace_back("--method");
        argv.push_back(r.method);
    }
    for (const auto& header : r.headers) {
        argv.emplace_back("--header");
        argv.push_back(header);
    }
    if (!r.body.empty()) {
        argv.emplace_back("--body");
        argv.push_back(r.body);
    }
    return argv;
}

namespace {

// The measured window of the server's resources: opened by the first progress line of the measured part, closed
// by the first line past its end (or when the generator exits). Either thread may get there first.
class MeasuredWindow {
public:
    MeasuredWindow(ResourceSampler* sampler, StepProfiler* profiler)
        : sampler_(sampler)
        , profiler_(profiler) {}
    void open() {
        int expected = 0;
        if (state_.compare_exchange_strong(expected, 1)) {
            if (sampler_)
                sampler_->openWindow();
            if (profiler_)
                profiler_->openWindow();
        }
    }
    void close() {
        int expected = 1;
        if (state_.compare_exchange_strong(expected, 2)) {
            if (sampler_)
                sampler_->closeWindow();
            if (profiler_)
                profiler_->closeWindow();
        }
    }
    bool opened() const { return state_.load() != 0; }

private:
    ResourceSampler* sampler_;
    StepProfiler* profiler_;
    std::atomic<int> state_{0};
};

// The generator's own messages (not its progress lines), the last 64 KiB.
class BoundedLog {
public:
    void append(std::string_view line) {
        std::lock_guard lock(mutex_);
        text_.append(line);
        text_ += '\n';
        constexpr std::size_t kLimit = 64 * 1024;
        if (text_.size() > 2 * kLimit)
            text_.erase(0, text_.size() - kLimit);
    }
    std::string text() const {
        std::lock_guard lock(mutex_);
        constexpr std::size_t kLimit = 64 * 1024;
        return text_.size() > kLimit ? text_.substr(text_.size() - kLimit) : text_;
    }

private:
    mutable std::mutex mutex_;
    std::string text_;
};

// The last line that says something: the generator ends a usage error with "Run 'loadscope-loadgen --help' for the
// options.", which is no reason.
std::string lastLine(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t from = 0;
    while (from < text.size()) {
        auto to = text.find('\n', from);
        if (to == std::string::npos)
            to = text.size();
        const auto line = text.substr(from, to - from);
        if (line.find_first_not_of(' ') != std::string::npos)
            lines.push_back(line.substr(0, line.find_last_not_of(' ') + 1));
        from = to + 1;
    }
    for (auto it = lines.rbegin(); it != lines.rend(); ++it)
        if (it->rfind("Run '", 0) != 0)
            return *it;
    return lines.empty() ? std::string() : lines.back();
}

} // namespace

StepExecution executeStep(const LoadRequest& request, Step& step, const std::atomic<bool>& cancel, StepEvents& events,
                          const std::function<void()>& poll) {
    StepExecution ex;
    ex.argv = loadgenArgv(request);

    std::unique_ptr<ResourceSampler> sampler;
    if (request.serverProcessGroup > 0)
        sampler = std::make_unique<ResourceSampler>(request.serverProcessGroup, ResourceSampler::Scope::ProcessGroup);
    MeasuredWindow window(sampler.get(), request.profiler);
    BoundedLog generatorLog;

    ChildProcessOptions options;
    options.argv = ex.argv;
    if (request.cpuCore)
        options.cpuAffinity = {*request.cpuCore};
    // The JSON result carries two histograms and one timeline point per second: a 300 s step stays well below this.
    options.outputLimitBytes = 16 * 1024 * 1024;
    options.onLine = [&](OutputStream stream, std::string_view line) {
        if (stream == OutputStream::Stdout)
            return; // the JSON document, read once the generator has exited
        if (auto progress = parseProgressLine(line)) {
            if (progress->elapsedS >= 0)
                window.open();
            if (progress->durationS > 0 && progress->elapsedS >= progress->durationS)
                window.close();
            events.pushProgress(*progress);
            return;
        }
        generatorLog.append(line);
        events.pushLog("loadgen", std::string(line));
    };

    const auto started = Clock::now();
    std::unique_ptr<ChildProcess> child;
    try {
        child = std::make_unique<ChildProcess>(options);
    } catch (const ChildProcessError& e) {
        ex.generatorFailed = true;
        ex.failure = std::string("the load generator could not start: ") + e.what();
        return ex;
    }

    // Generous: start-up, warm-up, the measured part, and the drain of requests still in flight (at most timeout).
    const auto deadline = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                        request.warmupS + request.durationS + request.timeoutS + 15.0));
    const auto windowFallback =
        started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(request.warmupS + 0.5));
    std::optional<Clock::time_point> interruptedAt;
    bool timedOut = false;
    while (!child->waitFor(50ms)) {
        poll();
        const auto now = Clock::now();
        if (!window.opened() && now > windowFallback)
            window.open(); // no progress line came (an old generator?): open it by the clock
        if (cancel.load() && !interruptedAt) {
            // SIGINT makes the generator stop and print what it measured so far, marked partial.
            child->signalGroup(SIGINT);
            interruptedAt = now;
            ex.cancelled = true;
        }
        if (interruptedAt && now - *interruptedAt > std::chrono::duration<double>(request.cancelGraceS)) {
            child->stop(100ms);
            break;
        }
        if (now > deadline) {
            timedOut = true;
            child->stop(500ms);
            break;
        }
    }
    window.close();
    child->waitForOutputEnd(1s);
    poll();

    const auto status = child->exitStatus();
    const std::string out = child->stdoutTail();
    step.generatorLogTail = generatorLog.text();
    if (sampler)
        step.server = sampler->windowSummary();

    LoadgenReport report;
    std::string parseError;
    bool parsed = false;
    if (!out.empty()) {
        try {
            report = applyLoadgenJson(out, step);
            parsed = true;
        } catch (const LoadgenOutputError& e) {
            parseError = e.what();
        }
    }
    if (parsed) {
        step.generatorCpuPercent = report.generatorCpuPercent;
        if (report.generatorLimited) {
            step.flags.generatorLimited = true;
            step.flags.reason += std::string(step.flags.reason.empty() ? "" : "; ") + "generator-limited: " +
                                 (report.generatorLimitedReason.empty() ? "it could not keep its schedule"
                                                                        : report.generatorLimitedReason);
        }
        if (report.connectionLimited) {
            step.flags.connectionLimited = true;
            step.flags.reason += std::string(step.flags.reason.empty() ? "" : "; ") +
                                 "connection-limited: " + std::to_string(step.waited) + " requests waited for one of " +
                                 std::to_string(request.connections) + " connections";
        }
    }

    if (ex.cancelled)
        return ex; // partial numbers (if any) stay on the step; the runner marks it cancelled
    if (timedOut) {
        ex.generatorFailed = true;
        ex.failure = "the load generator did not finish within " +
                     formatNumber(request.warmupS + request.durationS + request.timeoutS + 15.0, 0) +
                     " s and was stopped";
        return ex;
    }
    if (!status || !status->exited) {
        ex.generatorFailed = true;
        ex.failure =
            "the load generator crashed (" + (status ? status->toString() : std::string("no exit status")) + ")";
        if (const auto err = lastLine(step.generatorLogTail); !err.empty())
            ex.failure += ": " + err;
        return ex;
    }
    if (status->code == 3) {
        ex.generatorFailed = true;
        ex.failure = "the load generator could not connect to " + request.url;
        const auto why = !report.fatalError.empty() ? report.fatalError : lastLine(step.generatorLogTail);
        if (!why.empty())
            ex.failure += ": " + why;
        return ex;
    }
    if (status->code != 0) {
        ex.generatorFailed = true;
        ex.failure = "the load generator failed (" + status->toString() + ")";
        if (const auto err = lastLine(step.generatorLogTail); !err.empty())
            ex.failure += ": " + err;
        return ex;
    }
    if (!parsed) {
        ex.generatorFailed = true;
        ex.failure = out.empty() ? "the load generator printed no result"
                                 : "the load generator's result could not be "
                                   "read: " +
                                       parseError;
    }
    return ex;
}

} // namespace loadscope
