#include "distributed_step.h"

#include "loadgen_result.h"
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

std::string lastMeaningfulLine(const std::string& text) {
    std::string last;
    std::size_t from = 0;
    while (from < text.size()) {
        auto to = text.find('\n', from);
        if (to == std::string::npos)
            to = text.size();
        const auto line = text.substr(from, to - from);
        if (line.find_first_not_of(" \r") != std::string::npos && line.rfind("Run '", 0) != 0 &&
            line.rfind("loadscope-remote-pgid", 0) != 0)
            last = line;
        from = to + 1;
    }
    return last;
}

std::int64_t unixMsNow() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Why a finished generator failed ("" when it did not), in words naming its host.
std::string failureOf(RunningGenerator& g, bool parsed, const std::string& parseError) {
    const auto status = g.process->exitStatus();
    const auto said = lastMeaningfulLine(g.process->stderrTail());
    const std::string where = g.slot.host ? " on " + g.slot.name() : std::string();
    if (!status)
        return "the load generator" + where + " did not finish in time and was stopped";
    if (g.slot.host && status->exited && status->code == 255)
        return "the generator host " + g.slot.name() +
               " was lost (ssh: " + (said.empty() ? "connection closed" : said) + ")";
    if (!status->exited || (status->code >= 128 && g.slot.host))
        return "the load generator" + where + " was killed (" + status->toString() + ")" +
               (said.empty() ? "" : ": " + said);
    if (status->code == 3)
        return "the load generator" + where + " could not connect" + (said.empty() ? "" : ": " + said);
    if (status->code != 0)
        return "the load generator" + where + " failed (" + status->toString() + ")" +
               (said.empty() ? "" : ": " + said);
    if (!parsed)
        return "the load generator" + where + " printed no readable result" +
               (parseError.empty() ? "" : ": " + parseError);
    return {};
}

} // namespace

StepExecution executeDistributedStep(const DistributedRequest& request, Step& step, const std::atomic<bool>& cancel,
                                     StepEvents& events, const std::function<void()>& poll,
                                     std::vector<GeneratorOutcome>& outcomes) {
    StepExecution ex;
    const int count = static_cast<int>(request.generators.size());
    const auto& load = request.load;

    std::unique_ptr<ResourceSampler> localSampler;
    std::unique_ptr<RemoteResourceSampler> remoteSampler;
    if (request.serverHost && request.serverProcessGroup > 0)
        remoteSampler = std::make_unique<RemoteResourceSampler>(*request.serverHost, request.serverProcessGroup);
    else if (request.serverProcessGroup > 0)
        localSampler =
            std::make_unique<ResourceSampler>(request.serverProcessGroup, ResourceSampler::Scope::ProcessGroup);
    std::atomic<int> window{0}; // 0 closed, 1 open, 2 done
    auto openWindow = [&] {
        int expected = 0;
        if (window.compare_exchange_strong(expected, 1)) {
            if (localSampler)
                localSampler->openWindow();
            if (remoteSampler)
                remoteSampler->openWindow();
        }
    };
    auto closeWindow = [&] {
        int expected = 1;
        if (window.compare_exchange_strong(expected, 2)) {
            if (localSampler)
                localSampler->closeWindow();
            if (remoteSampler)
                remoteSampler->closeWindow();
        }
    };

    const std::int64_t startAtMs = unixMsNow() + static_cast<std::int64_t>(request.startLeadS * 1000);
    std::vector<RunningGenerator> generators(static_cast<std::size_t>(count));
    for (int k = 0; k < count; ++k) {
        auto& g = generators[static_cast<std::size_t>(k)];
        g.slot = request.generators[static_cast<std::size_t>(k)];
        g.outcome.host = g.slot.name();
        LoadRequest own = load;
        own.loadgen = g.slot.loadgenPath;
        if (g.slot.host) { // pinning and busy polling are this machine's business
            own.cpuCore.reset();
            own.busyPoll = false;
        }
        auto argv = loadgenArgv(own);
        if (count > 1)
            argv.insert(argv.end(), {"--share", std::to_string(k + 1) + "/" + std::to_string(count)});
        const auto hostStart = startAtMs + static_cast<std::int64_t>(std::lround(g.slot.clockOffsetMs));
        argv.insert(argv.end(), {"--start-at", std::to_string(hostStart)});
        g.outcome.argv = argv;
        ChildProcessOptions options;
        ChildStdin input;
        if (g.slot.host) {
            options.argv = g.slot.host->commandArgv(underRemoteWatchdog(argv, "INT", load.cancelGraceS + 0.5));
            input.pipe = true; // end of file there stops it (the watchdog)
        } else {
            options.argv = argv;
            if (own.cpuCore)
                options.cpuAffinity = {*own.cpuCore};
        }
        options.outputLimitBytes = 16 * 1024 * 1024;
        const bool leader = k == 0;
        const std::string source = "loadgen:" + g.slot.name();
        options.onLine = [&, leader, source](OutputStream stream, std::string_view line) {
            if (stream == OutputStream::Stdout || line.rfind("loadscope-remote-pgid", 0) == 0)
                return;
            if (auto progress = parseProgressLine(line)) {
                if (!leader)
                    return;
                if (progress->elapsedS >= 0)
                    openWindow();
                if (progress->durationS > 0 && progress->elapsedS >= progress->durationS)
                    closeWindow();
                // The leader sends 1/N of the load: show the whole step's counts.
                progress->sent *= count;
                progress->completed *= count;
                progress->errors *= count;
                events.pushProgress(*progress);
                return;
            }
            events.pushLog(source, std::string(line));
        };
        try {
            g.process = std::make_unique<ChildProcess>(options, input);
        } catch (const ChildProcessError& e) {
            g.outcome.failed = true;
            g.outcome.failure = "the load generator on " + g.slot.name() + " could not start: " + e.what();
        }
        ex.argv = options.argv;
    }

    const auto started = Clock::now();
    const double budgetS = request.startLeadS + load.warmupS + load.durationS + load.timeoutS + 15.0;
    const auto deadline = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(budgetS));
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
        if (interruptedAt && now - *interruptedAt > std::chrono::duration<double>(load.cancelGraceS + 1.5))
            break;
        if (now > deadline) {
            timedOut = true;
            break;
        }
    }
    for (auto& g : generators)
        if (g.process && g.process->running())
            g.process->stop(500ms);
    closeWindow();
    poll();
    if (localSampler)
        step.server = localSampler->windowSummary();
    if (remoteSampler)
        step.server = remoteSampler->windowSummary();

    std::vector<Step> parts;
    std::string logs;
    for (auto& g : generators) {
        if (g.process) {
            g.process->waitForOutputEnd(1s);
            bool parsed = false;
            std::string parseError;
            const auto out = g.process->stdoutTail();
            LoadgenReport report;
            if (!out.empty()) {
                try {
                    report = applyLoadgenJson(out, g.outcome.part);
                    parsed = true;
                } catch (const LoadgenOutputError& e) {
                    parseError = e.what();
                }
            }
            if (parsed) {
                g.outcome.part.generatorCpuPercent = report.generatorCpuPercent;
                if (report.generatorLimited) {
                    step.flags.generatorLimited = true;
                    step.flags.reason += std::string(step.flags.reason.empty() ? "" : "; ") + "generator-limited on " +
                                         g.slot.name() + ": " +
                                         (report.generatorLimitedReason.empty() ? "it could not keep its schedule"
                                                                                : report.generatorLimitedReason);
                }
                if (report.connectionLimited) {
                    step.flags.connectionLimited = true;
                    step.flags.reason +=
                        std::string(step.flags.reason.empty() ? "" : "; ") + "connection-limited on " + g.slot.name();
                }
                parts.push_back(g.outcome.part);
            }
            if (!ex.cancelled && !g.outcome.failed) {
                g.outcome.failure = failureOf(g, parsed, parseError);
                g.outcome.failed = !g.outcome.failure.empty();
            }
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
        ex.failure = "the load generators did not finish within " + formatNumber(budgetS, 0) + " s and were stopped";
    }
    if (logs.size() > 64 * 1024)
        logs.erase(0, logs.size() - 64 * 1024);
    step.generatorLogTail = logs;
    if (!parts.empty())
        mergeGeneratorParts(parts, step);
    return ex;
}

} // namespace loadscope
