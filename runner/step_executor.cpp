#include "step_executor.h"

#include "child_process.h"
#include "generator_result.h"
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

// The generator's own messages (not its progress lines), the last 64 KiB.
class BoundedLog {
public:
    void append(std::string_view line) {
        std::lock_guard lock(mutex_);
        text_.append(line);
        text_ += '\n';
        if (text_.size() > 2 * kLimit)
            text_.erase(0, text_.size() - kLimit);
    }
    std::string text() const {
        std::lock_guard lock(mutex_);
        return text_.size() > kLimit ? text_.substr(text_.size() - kLimit) : text_;
    }

private:
    static constexpr std::size_t kLimit = 64 * 1024;
    mutable std::mutex mutex_;
    std::string text_;
};

// Generous: start-up, warm-up, the measured part, and the drain of requests still in flight (at most timeout).
double generatorBudgetS(const LoadRequest& request) {
    return request.warmupS + request.durationS + request.timeoutS + 15.0;
}

Clock::time_point after(Clock::time_point start, double seconds) {
    return start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

ChildProcessOptions generatorOptions(const LoadRequest& request, const std::vector<std::string>& argv,
                                     MeasuredWindow& window, BoundedLog& generatorLog, StepEvents& events) {
    ChildProcessOptions options;
    options.argv = argv;
    if (request.cpuCore)
        options.cpuAffinity = {*request.cpuCore};
    // The JSON result carries two histograms and one timeline point per second: a 300 s step stays well below this.
    options.outputLimitBytes = 16 * 1024 * 1024;
    options.onLine = [&window, &generatorLog, &events](OutputStream stream, std::string_view line) {
        if (stream == OutputStream::Stdout)
            return; // the JSON document, read once the generator has exited
        if (auto progress = parseProgressLine(line)) {
            window.follow(*progress);
            events.pushProgress(*progress);
            return;
        }
        generatorLog.append(line);
        events.pushLog("loadgen", std::string(line));
    };
    return options;
}

// Waits until the generator exits. On cancel it gets SIGINT (it stops and prints what it measured so far, marked
// partial) and `cancelGraceS` to do so; past its budget it is stopped. True when it was stopped for its budget.
bool waitForGenerator(ChildProcess& child, const LoadRequest& request, MeasuredWindow& window,
                      const std::atomic<bool>& cancel, const std::function<void()>& poll, StepExecution& ex) {
    const auto started = Clock::now();
    const auto deadline = after(started, generatorBudgetS(request));
    const auto windowFallback = after(started, request.warmupS + 0.5);
    std::optional<Clock::time_point> interruptedAt;
    while (!child.waitFor(50ms)) {
        poll();
        const auto now = Clock::now();
        if (!window.opened() && now > windowFallback)
            window.open(); // no progress line was read by now (a busy machine, a record we cannot read): by the clock
        if (cancel.load() && !interruptedAt) {
            child.signalGroup(SIGINT);
            interruptedAt = now;
            ex.cancelled = true;
        }
        if (interruptedAt && now - *interruptedAt > std::chrono::duration<double>(request.cancelGraceS)) {
            child.stop(100ms);
            return false;
        }
        if (now > deadline) {
            child.stop(500ms);
            return true;
        }
    }
    return false;
}

} // namespace

StepExecution executeStep(const LoadRequest& request, Step& step, const std::atomic<bool>& cancel, StepEvents& events,
                          const std::function<void()>& poll) {
    StepExecution ex;
    ex.argv = loadgenArgv(request);

    std::unique_ptr<ResourceSampler> sampler;
    if (request.serverProcessGroup > 0)
        sampler = std::make_unique<ResourceSampler>(request.serverProcessGroup, ResourceSampler::Scope::ProcessGroup);
    StepProfiler* profiler = request.profiler;
    MeasuredWindow window(
        [&] {
            if (sampler)
                sampler->openWindow();
            if (profiler)
                profiler->openWindow();
        },
        [&] {
            if (sampler)
                sampler->closeWindow();
            if (profiler)
                profiler->closeWindow();
        });
    BoundedLog generatorLog;

    std::unique_ptr<ChildProcess> child;
    try {
        child = std::make_unique<ChildProcess>(generatorOptions(request, ex.argv, window, generatorLog, events));
    } catch (const ChildProcessError& e) {
        ex.generatorFailed = true;
        ex.failure = std::string("the load generator could not start: ") + e.what();
        return ex;
    }
    const bool timedOut = waitForGenerator(*child, request, window, cancel, poll, ex);
    window.close();
    child->waitForOutputEnd(1s);
    poll();

    step.generatorLogTail = generatorLog.text();
    if (sampler)
        step.server = sampler->windowSummary();
    const auto result = readGeneratorResult(child->stdoutTail(), step);
    if (result.parsed)
        flagGeneratorLimits(result.report, "", step.waited, request.connections, step);

    if (ex.cancelled)
        return ex; // partial numbers (if any) stay on the step; the runner marks it cancelled
    if (timedOut)
        ex.failure = "the load generator did not finish within " + formatNumber(generatorBudgetS(request), 0) +
                     " s and was stopped";
    else
        ex.failure = generatorFailure(
            {child->exitStatus(), false, "", request.url, lastGeneratorWords(step.generatorLogTail)}, result);
    ex.generatorFailed = !ex.failure.empty();
    return ex;
}

} // namespace loadscope
