#include "distributed_step.h"

#include "generator_result.h"
#include "plan_text.h"
#include "resource_sampler.h"

#include <csignal>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <thread>

namespace loadscope {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

void mergeGeneratorParts(const std::vector<Step>& parts, Step& step) {
    step.due = step.sent = step.completed = step.ok = step.waited = step.peakInFlight = 0;
    step.errors = {};
    step.durationS = step.achievedRps = 0;
    step.latenessP50Ms = step.latenessP99Ms = step.latenessMaxMs = 0;
    step.generatorCpuPercent = 0;
    LatencyHistogram latency, service;
    std::map<int, TimelinePoint> seconds;
    for (const auto& part : parts) {
        step.due += part.due;
        step.sent += part.sent;
        step.completed += part.completed;
        step.ok += part.ok;
        step.waited += part.waited;
        step.peakInFlight += part.peakInFlight;
        step.errors.connect += part.errors.connect;
        step.errors.read += part.errors.read;
        step.errors.timeout += part.errors.timeout;
        for (const auto& [code, count] : part.errors.status)
            step.errors.status[code] += count;
        step.durationS = std::max(step.durationS, part.durationS);
        step.achievedRps += part.achievedRps;
        step.latenessP50Ms = std::max(step.latenessP50Ms, part.latenessP50Ms);
        step.latenessP99Ms = std::max(step.latenessP99Ms, part.latenessP99Ms);
        step.latenessMaxMs = std::max(step.latenessMaxMs, part.latenessMaxMs);
        step.generatorCpuPercent = std::max(step.generatorCpuPercent, part.generatorCpuPercent);
        if (part.latencyHistogram)
            latency.merge(*part.latencyHistogram);
        if (part.serviceTimeHistogram)
            service.merge(*part.serviceTimeHistogram);
        for (const auto& point : part.timeline) {
            auto& merged = seconds[point.second];
            merged.second = point.second;
            merged.sent += point.sent;
            merged.completed += point.completed;
            merged.errors += point.errors;
            merged.p50Ms = std::max(merged.p50Ms, point.p50Ms);
            merged.p99Ms = std::max(merged.p99Ms, point.p99Ms);
        }
    }
    step.latencyHistogram = latency;
    step.serviceTimeHistogram = service;
    step.latency = summarize(latency);
    step.serviceTime = summarize(service);
    step.timeline.clear();
    for (const auto& [second, point] : seconds)
        step.timeline.push_back(point);
}

namespace {

struct RunningGenerator {
    GeneratorSlot slot;
    GeneratorOutcome outcome;
    std::unique_ptr<ChildProcess> process;
};

// The server's process group sampled where it runs: here, or on its host over SSH.
class ServerSampler {
public:
    ServerSampler(const SshHost* host, pid_t processGroup) {
        if (processGroup <= 0)
            return;
        if (host)
            remote_ = std::make_unique<RemoteResourceSampler>(*host, processGroup);
        else
            local_ = std::make_unique<ResourceSampler>(processGroup, ResourceSampler::Scope::ProcessGroup);
    }
    void openWindow() {
        if (local_)
            local_->openWindow();
        if (remote_)
            remote_->openWindow();
    }
    void closeWindow() {
        if (local_)
            local_->closeWindow();
        if (remote_)
            remote_->closeWindow();
    }
    std::optional<ServerResources> windowSummary() const {
        if (local_)
            return local_->windowSummary();
        if (remote_)
            return remote_->windowSummary();
        return std::nullopt;
    }

private:
    std::unique_ptr<ResourceSampler> local_;
    std::unique_ptr<RemoteResourceSampler> remote_;
};

std::int64_t unixMsNow() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Generator k of `count`: its share of the load, its common start corrected by its host's clock offset.
std::vector<std::string> generatorArgv(const DistributedRequest& request, const GeneratorSlot& slot, int k,
                                       std::int64_t startAtMs) {
    const int count = static_cast<int>(request.generators.size());
    LoadRequest own = request.load;
    own.loadgen = slot.loadgenPath;
    if (slot.host) { // pinning and busy polling are this machine's business
        own.cpuCore.reset();
        own.busyPoll = false;
    }
    auto argv = loadgenArgv(own);
    if (count > 1)
        argv.insert(argv.end(), {"--share", std::to_string(k + 1) + "/" + std::to_string(count)});
    const auto hostStart = startAtMs + static_cast<std::int64_t>(std::lround(slot.clockOffsetMs));
    argv.insert(argv.end(), {"--start-at", std::to_string(hostStart)});
    return argv;
}

// Its output: the leader's progress lines (scaled to the whole step) drive the window and the live view; every
// other line goes to the log under the generator's host name.
std::function<void(OutputStream, std::string_view)> generatorLines(bool leader, int count, const std::string& source,
                                                                   MeasuredWindow& window, StepEvents& events) {
    return [leader, count, source, &window, &events](OutputStream stream, std::string_view line) {
        if (stream == OutputStream::Stdout || line.rfind("loadscope-remote-pgid", 0) == 0)
            return;
        if (auto progress = parseProgressLine(line)) {
            if (!leader)
                return;
            window.follow(*progress);
            // The leader sends 1/N of the load: show the whole step's counts.
            progress->sent *= count;
            progress->completed *= count;
            progress->errors *= count;
            events.pushProgress(*progress);
            return;
        }
        events.pushLog(source, std::string(line));
    };
}

std::vector<RunningGenerator> startGenerators(const DistributedRequest& request, MeasuredWindow& window,
                                              StepEvents& events, StepExecution& ex) {
    const int count = static_cast<int>(request.generators.size());
    const std::int64_t startAtMs = unixMsNow() + static_cast<std::int64_t>(request.startLeadS * 1000);
    std::vector<RunningGenerator> generators(static_cast<std::size_t>(count));
    for (int k = 0; k < count; ++k) {
        auto& g = generators[static_cast<std::size_t>(k)];
        g.slot = request.generators[static_cast<std::size_t>(k)];
        g.outcome.host = g.slot.name();
        g.outcome.argv = generatorArgv(request, g.slot, k, startAtMs);
        ChildProcessOptions options;
        ChildStdin input;
        if (g.slot.host) {
            options.argv =
                g.slot.host->commandArgv(underRemoteWatchdog(g.outcome.argv, "INT", request.load.cancelGraceS + 0.5));
            input.pipe = true; // end of file there stops it (the watchdog)
        } else {
            options.argv = g.outcome.argv;
            if (request.load.cpuCore)
                options.cpuAffinity = {*request.load.cpuCore};
        }
        options.outputLimitBytes = 16 * 1024 * 1024;
        options.onLine = generatorLines(k == 0, count, "loadgen:" + g.slot.name(), window, events);
        try {
            g.process = std::make_unique<ChildProcess>(options, input);
        } catch (const ChildProcessError& e) {
            g.outcome.failed = true;
            g.outcome.failure = "the load generator on " + g.slot.name() + " could not start: " + e.what();
        }
        ex.argv = options.argv;
    }
    return generators;
}

double generatorsBudgetS(const DistributedRequest& request) {
    const auto& load = request.load;
    return request.startLeadS + load.warmupS + load.durationS + load.timeoutS + 15.0;
}

// Waits until every generator exited. On cancel each gets SIGINT (through its watchdog over there) and the grace to
// print its partial result; past the budget they are stopped. True when stopped for the budget.
bool waitForGenerators(std::vector<RunningGenerator>& generators, const DistributedRequest& request,
                       const std::atomic<bool>& cancel, const std::function<void()>& poll, StepExecution& ex) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(generatorsBudgetS(request)));
    std::optional<Clock::time_point> interruptedAt;
    auto allDone = [&] {
        return std::all_of(generators.begin(), generators.end(),
                           [](RunningGenerator& g) { return !g.process || !g.process->running(); });
    };
    bool timedOut = false;
    while (!allDone()) {
        std::this_thread::sleep_for(50ms);
        poll();
        const auto now = Clock::now();
        if (cancel.load() && !interruptedAt) {
            for (auto& g : generators) {
                if (!g.process)
                    continue;
                if (g.slot.host)
                    g.process->closeStdin(); // the watchdog sends SIGINT there
                else
                    g.process->signalGroup(SIGINT);
            }
            interruptedAt = now;
            ex.cancelled = true;
        }
        if (interruptedAt && now - *interruptedAt > std::chrono::duration<double>(request.load.cancelGraceS + 1.5))
            break;
        if (now > deadline) {
            timedOut = true;
            break;
        }
    }
    for (auto& g : generators)
        if (g.process && g.process->running())
            g.process->stop(500ms);
    return timedOut;
}

// One finished generator: its measurements into its outcome's part, its limits flagged on the step, its failure.
// True when it left a result.
bool readGenerator(RunningGenerator& g, const DistributedRequest& request, bool cancelled, Step& step) {
    g.process->waitForOutputEnd(1s);
    const auto result = readGeneratorResult(g.process->stdoutTail(), g.outcome.part);
    if (result.parsed)
        flagGeneratorLimits(result.report, " on " + g.slot.name(), g.outcome.part.waited, request.load.connections,
                            step);
    if (!cancelled && !g.outcome.failed) {
        const std::string host = g.slot.host ? g.slot.name() : std::string();
        g.outcome.failure = generatorFailure({g.process->exitStatus(), g.slot.host != nullptr, host, request.load.url,
                                              lastGeneratorWords(g.process->stderrTail())},
                                             result);
        g.outcome.failed = !g.outcome.failure.empty();
    }
    return result.parsed;
}

} // namespace

StepExecution executeDistributedStep(const DistributedRequest& request, Step& step, const std::atomic<bool>& cancel,
                                     StepEvents& events, const std::function<void()>& poll,
                                     std::vector<GeneratorOutcome>& outcomes) {
    StepExecution ex;
    ServerSampler sampler(request.serverHost, request.serverProcessGroup);
    MeasuredWindow window([&] { sampler.openWindow(); }, [&] { sampler.closeWindow(); });
    auto generators = startGenerators(request, window, events, ex);
    const bool timedOut = waitForGenerators(generators, request, cancel, poll, ex);
    window.close();
    poll();
    if (const auto resources = sampler.windowSummary())
        step.server = *resources;

    std::vector<Step> parts;
    std::string logs;
    for (auto& g : generators) {
        if (g.process) {
            if (readGenerator(g, request, ex.cancelled, step))
                parts.push_back(g.outcome.part);
            logs += "--- " + g.slot.name() + " ---\n" + g.process->stderrTail();
        }
        if (g.outcome.failed && !ex.generatorFailed) {
            ex.generatorFailed = true;
            ex.failure = g.outcome.failure;
        }
        outcomes.push_back(g.outcome);
    }
    if (timedOut && !ex.generatorFailed) {
        ex.generatorFailed = true;
        ex.failure = "the load generators did not finish within " + formatNumber(generatorsBudgetS(request), 0) +
                     " s and were stopped";
    }
    if (logs.size() > 64 * 1024)
        logs.erase(0, logs.size() - 64 * 1024);
    step.generatorLogTail = logs;
    if (!parts.empty())
        mergeGeneratorParts(parts, step);
    return ex;
}

} // namespace loadscope
