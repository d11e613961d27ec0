// The benchmark loop: for each planned step in order, a ready server (fresh per target and repetition, restarted if
// it died), the load generator, the result stored in one transaction; then each target's knee and the run's status.
#include "benchmark_runner.h"

#include "connection_sizing.h"
#include "environment_info.h"
#include "install_paths.h"
#include "knee.h"
#include "plan_text.h"
#include "run_store.h"
#include "server_session.h"
#include "step_executor.h"
#include "step_schedule.h"
#include "target_definition.h"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

namespace loadscope {

using namespace std::chrono_literals;

namespace {

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The highest-numbered core this process may run on ("the last core").
int lastAllowedCore() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return static_cast<int>(std::thread::hardware_concurrency()) - 1;
    for (int core = CPU_SETSIZE - 1; core >= 0; --core)
        if (CPU_ISSET(core, &set))
            return core;
    return 0;
}

// What the knee needs of each stored step, without keeping its histograms in memory.
struct StepRecord {
    std::int64_t id = 0;
    std::string target;
    double rate = 0;
    std::int64_t due = 0, ok = 0;
    bool measured = false; // status ok
};

} // namespace

struct BenchmarkRunner::Impl {
    BenchmarkPlan plan;
    TargetCatalog catalog; // a copy: callers often pass a temporary (TargetCatalog::loadDefault())
    Options options;
    RunObserver* observer;
    RunObserver silent;
    std::atomic<bool> cancel{false};
    std::atomic<RunStatus> status{RunStatus::Running};

    Impl(BenchmarkPlan p, const TargetCatalog& c, Options o, RunObserver* obs)
        : plan(std::move(p))
        , catalog(c)
        , options(std::move(o))
        , observer(obs ? obs : &silent) {}

    std::int64_t run();
    void log(const std::string& line) { observer->logLine("runner", line); }
    void drain(StepEvents& events, const Step& step) {
        for (const auto& [source, line] : events.takeLogs())
            observer->logLine(source, line);
        if (auto progress = events.takeProgress())
            observer->stepProgress(step, *progress);
    }
    // Waits `seconds`, waking for cancellation and forwarding server log lines.
    void pause(double seconds, StepEvents& events) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (!cancel.load() && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(50ms);
            for (const auto& [source, line] : events.takeLogs())
                observer->logLine(source, line);
        }
    }
};

BenchmarkRunner::BenchmarkRunner(BenchmarkPlan plan, const TargetCatalog& catalog, Options options,
                                 RunObserver* observer)
    : impl_(std::make_unique<Impl>(std::move(plan), catalog, std::move(options), observer)) {}

BenchmarkRunner::~BenchmarkRunner() = default;

std::int64_t BenchmarkRunner::run() {
    return impl_->run();
}

void BenchmarkRunner::requestCancel() {
    impl_->cancel.store(true);
}

RunStatus BenchmarkRunner::finalStatus() const {
    return impl_->status.load();
}

std::int64_t BenchmarkRunner::Impl::run() {
    // --- checks before anything starts ---
    if (const auto problems = validatePlan(plan, catalog); !problems.empty()) {
        std::string message = "the plan is not runnable:";
        for (const auto& p : problems)
            message += " " + p.field + ": " + p.message + ";";
        message.pop_back();
        throw PlanError(message);
    }
    if (plan.name.empty())
        plan.name = defaultRunName(plan);
    if (options.loadgenPath.empty())
        options.loadgenPath = binDir() / "loadscope-loadgen";
    // Servers inherit our limits: let them accept as many connections as the generator may open.
    const auto fileLimit = raiseOpenFileLimit();

    auto store = RunStore::open(options.databasePath);
    if (const int interrupted = store.markInterruptedRuns(); interrupted > 0)
        log("marked " + std::to_string(interrupted) + " run(s) of a Loadscope that was killed as interrupted");

    // --- CPU pinning: server on one core, generator on another, so they do not steal each other's time ---
    std::optional<int> serverCore, generatorCore;
    std::string pinning = "off";
    const int cores = onlineCores();
    if (plan.pinning.enabled && cores >= 2) {
        serverCore = plan.pinning.serverCore;
        generatorCore = plan.pinning.generatorCore >= 0 ? plan.pinning.generatorCore : lastAllowedCore();
        pinning = "server on core " + std::to_string(*serverCore) + ", load generator on core " +
                  std::to_string(*generatorCore);
        if (*serverCore == *generatorCore)
            log("warning: the server and the load generator are pinned to the same core " +
                std::to_string(*serverCore));
    } else if (plan.pinning.enabled) {
        pinning = "off (only " + std::to_string(cores) + " core)";
    }

    // --- the run and its targets as they are now ---
    Run run;
    run.name = plan.name;
    run.createdMs = nowMs();
    run.planJson = planToJson(plan);
    auto environment = collectEnvironment(options.commandLine);
    environment["pinning"] = pinning;
    environment["python"] = options.python;
    environment["open_file_limit"] = fileLimit;
    environment["loadgen"] = options.loadgenPath.string();
    auto children = nlohmann::json::array();
    std::vector<const TargetDefinition*> definitions;
    std::vector<const Scenario*> scenarios;
    for (const auto& name : plan.targets) {
        const TargetDefinition* def = catalog.find(name);
        definitions.push_back(def);
        scenarios.push_back(def->scenario(plan.scenario));
        TargetSnapshot snapshot;
        snapshot.name = def->name;
        snapshot.displayName = def->displayName;
        snapshot.env = def->env;
        for (const auto& [key, value] : def->tags)
            snapshot.tags.push_back(key + "=" + value);
        auto values = defaultPlaceholderValues();
        values.python = options.python;
        log("probing the version of " + name);
        const auto probe = runVersionProbe(*def, values);
        snapshot.versions = probe.version;
        if (!probe.error.empty())
            log("warning: version probe of " + name + " failed: " + probe.error);
        std::vector<std::string> probeArgv;
        for (const auto& arg : def->versionProbe)
            probeArgv.push_back(expandPlaceholders(arg, values));
        if (!probeArgv.empty())
            children.push_back({{"role", "version-probe"}, {"target", name}, {"argv", probeArgv}});
        environment["targets"][name] = {{"display_name", def->displayName},
                                        {"versions", probe.version},
                                        {"definition", def->sourceFile.string()},
                                        {"ideal_latency_ms", scenarios.back()->idealLatencyMs},
                                        {"p99_limit_ms", plan.slo.p99LimitMs(scenarios.back()->idealLatencyMs)}};
        run.targets.push_back(std::move(snapshot));
    }
    store.createRun(run);
    environment["children"] = children;
    store.setEnvironment(run.id, environment.dump());

    const auto schedule = orderSteps(plan);
    const int total = static_cast<int>(schedule.size());
    observer->runStarted(run, total);
    log("run " + std::to_string(run.id) + ": " + std::to_string(total) + " steps, pinning " + pinning);

    // A server lives for one target and repetition: from its first step to its last one (or the stop rule).
    using SessionKey = std::pair<int, int>; // target index, repetition
    std::map<SessionKey, int> lastStepOf;
    for (int i = 0; i < total; ++i)
        lastStepOf[{schedule[i].targetIndex, schedule[i].repetition}] = i;
    std::map<SessionKey, std::unique_ptr<ServerSession>> sessions;
    std::map<SessionKey, int> failedStarts;
    StopRule stopRule(plan.stopRule);
    StepEvents events;
    std::vector<StepRecord> records;
    int sequence = 0, okSteps = 0, failedSteps = 0;

    try {
        for (int i = 0; i < total && !cancel.load(); ++i) {
            const auto& planned = schedule[i];
            const SessionKey key{planned.targetIndex, planned.repetition};
            const TargetDefinition& def = *definitions[planned.targetIndex];
            const Scenario& scenario = *scenarios[planned.targetIndex];
            TargetSnapshot& snapshot = run.targets[planned.targetIndex];

            Step step;
            step.runId = run.id;
            step.targetId = snapshot.id;
            step.targetName = def.name;
            step.scenario = plan.scenario;
            step.requestedRps = plan.rates[planned.rateIndex];
            step.repetition = planned.repetition;
            step.sequence = ++sequence;
            step.startedMs = nowMs();
            observer->stepStarted(step, i + 1, total);

            auto finish = [&](Step& s) {
                s.finishedMs = nowMs();
                store.insertStep(s);
                observer->stepFinished(s);
                if (s.status == StepStatus::Ok)
                    ++okSteps;
                else if (s.status == StepStatus::Failed)
                    ++failedSteps;
                records.push_back({s.id, s.targetName, s.requestedRps, s.due, s.ok, s.status == StepStatus::Ok});
            };

            if (stopRule.hasGivenUp(def.name, planned.repetition)) {
                step.status = StepStatus::Skipped;
                step.statusMessage = stopRule.reason(def.name, planned.repetition);
                finish(step);
                continue;
            }
            if (failedStarts[key] >= 2) {
                // Two starts failed in a row: a third would fail the same way and cost another timeout.
                step.status = StepStatus::Failed;
                step.statusMessage = "not started: the server failed to start twice in this repetition (see the "
                                     "steps before)";
                stopRule.record(def.name, planned.repetition, step.requestedRps, false);
                finish(step);
                continue;
            }

            auto& session = sessions[key];
            if (!session)
                session = std::make_unique<ServerSession>(def, options.python, serverCore,
                                                          [&events, source = "server:" + def.name](std::string_view l) {
                                                              events.pushLog(source, std::string(l));
                                                          });
            std::string restartReason;
            if (!session->running()) {
                if (session->starts() > 0) {
                    const auto died = session->exitStatus();
                    restartReason = "the server had exited (" + (died ? died->toString() : std::string("?")) +
                                    ") since the previous step and was started again";
                    log("warning: " + def.name + ": " + restartReason);
                }
                const auto started = session->start(cancel);
                children.push_back({{"role", "server"},
                                    {"target", def.name},
                                    {"repetition", planned.repetition},
                                    {"argv", session->argv()}});
                if (snapshot.argv.empty()) {
                    snapshot.argv = session->argv();
                    store.updateTarget(snapshot);
                }
                log("started " + def.name + " on port " + std::to_string(session->port()) + ": " +
                    joinList(session->argv(), " "));
                if (!started.ok) {
                    step.serverLogTail = session->logTail();
                    if (cancel.load()) {
                        step.status = StepStatus::Cancelled;
                        step.statusMessage = "cancelled while the server was starting";
                    } else {
                        step.status = StepStatus::Failed;
                        step.statusMessage = started.message;
                        ++failedStarts[key];
                        stopRule.record(def.name, planned.repetition, step.requestedRps, false);
                    }
                    finish(step);
                    continue;
                }
                failedStarts[key] = 0;
                if (!restartReason.empty()) {
                    step.flags.serverRestarted = true;
                    step.flags.reason = restartReason;
                }
            }

            const auto sizing =
                sizeConnections(step.requestedRps, scenario.idealLatencyMs, plan.connections, openFileHardLimit());
            if (sizing.cappedByFileLimit)
                log("warning: " + def.name + " @ " + formatNumber(step.requestedRps, 1) + " rps: " + sizing.note);
            LoadRequest request;
            request.loadgen = options.loadgenPath;
            request.url = "http://127.0.0.1:" + std::to_string(session->port()) + scenario.path;
            request.method = scenario.method;
            request.headers = scenario.headers;
            request.body = scenario.body;
            request.rateRps = step.requestedRps;
            request.durationS = plan.stepDurationS;
            request.warmupS = plan.warmupS;
            request.connections = sizing.connections;
            request.timeoutS = plan.requestTimeoutS;
            request.arrivals = plan.arrivals;
            request.cpuCore = generatorCore;
            // Alone on its core, the generator would otherwise wait for the idle core to wake up at each send: on a
            // 2-vCPU VM that made 1 % of the sends 1-3 ms late (docs/loadgen.md, --busy-poll).
            request.busyPoll = generatorCore.has_value() && generatorCore != serverCore;
            request.serverProcessGroup = session->pid();
            request.cancelGraceS = options.stepStopGraceS;

            const auto mark = session->outputMark();
            const auto execution = executeStep(request, step, cancel, events, [&] { drain(events, step); });
            children.push_back({{"role", "loadgen"}, {"step", step.sequence}, {"argv", execution.argv}});
            const bool serverDied = !session->running();

            if (execution.cancelled) {
                step.status = StepStatus::Cancelled;
                step.statusMessage = "cancelled after " + formatNumber(std::max(0.0, step.durationS), 1) + " s of " +
                                     formatNumber(plan.stepDurationS, 1) +
                                     " s: partial numbers, left out of summaries and knees";
            } else if (execution.generatorFailed) {
                step.status = StepStatus::Failed;
                step.statusMessage = execution.failure;
            } else if (serverDied) {
                const auto died = session->exitStatus();
                step.status = StepStatus::Failed;
                step.statusMessage =
                    "the server exited during the step (" + (died ? died->toString() : std::string("?")) + ")";
            }
            // A healthy step keeps what the server printed during it; a failed one everything that is left.
            step.serverLogTail = step.status == StepStatus::Ok ? session->logTail(mark) : session->logTail();

            bool metSlo = false;
            if (step.status == StepStatus::Ok) {
                const auto verdict = evaluateStep(step, plan.slo, scenario.idealLatencyMs);
                metSlo = verdict.met;
                if (!verdict.met) {
                    step.flags.sloViolated = true;
                    step.flags.reason +=
                        (step.flags.reason.empty() ? "" : "; ") + std::string("SLO: ") + verdict.reason;
                }
            }
            if (step.status != StepStatus::Cancelled)
                stopRule.record(def.name, planned.repetition, step.requestedRps, metSlo);
            finish(step);
            if (step.status == StepStatus::Failed && !serverDied && !execution.cancelled)
                log("warning: " + def.name + " @ " + formatNumber(step.requestedRps, 1) +
                    " rps failed: " + step.statusMessage);

            // This server's work in this repetition is done: stop it now rather than let it idle next to others.
            if (i == lastStepOf[key] || stopRule.hasGivenUp(def.name, planned.repetition))
                sessions.erase(key);
            if (i + 1 < total && plan.cooldownS > 0)
                pause(plan.cooldownS, events);
        }
    } catch (...) {
        // The store or the machine failed under us: stop the servers, record what is known, then report.
        sessions.clear();
        try {
            store.finishRun(run.id, RunStatus::Failed, nowMs());
        } catch (...) {
        }
        status = RunStatus::Failed;
        throw;
    }
    sessions.clear(); // every server stops here (the destructors stop their process groups)

    // --- knees: the highest rate whose repetitions, merged, met the SLO ---
    for (std::size_t t = 0; t < run.targets.size(); ++t) {
        auto& snapshot = run.targets[t];
        std::map<double, std::vector<const StepRecord*>> byRate;
        for (const auto& r : records)
            if (r.target == snapshot.name && r.measured) // failed, skipped and cancelled steps do not count
                byRate[r.rate].push_back(&r);
        std::optional<double> knee;
        for (const auto& [rate, group] : byRate) {
            std::vector<std::int64_t> ids;
            std::int64_t due = 0, ok = 0;
            for (const auto* r : group) {
                ids.push_back(r->id);
                due += r->due;
                ok += r->ok;
            }
            const double p99 = summarize(store.mergedHistograms(ids).first).p99Ms;
            if (evaluateSlo(p99, due, ok, plan.slo, scenarios[t]->idealLatencyMs).met)
                knee = std::max(knee.value_or(0.0), rate);
        }
        snapshot.kneeRps = knee;
        store.updateTarget(snapshot);
    }

    RunStatus final = RunStatus::Completed;
    if (cancel.load())
        final = RunStatus::Cancelled;
    else if (failedSteps > 0 && okSteps == 0)
        final = RunStatus::Failed;
    else if (failedSteps > 0)
        final = RunStatus::CompletedWithFailures;
    environment["children"] = children;
    store.setEnvironment(run.id, environment.dump());
    run.finishedMs = nowMs();
    run.status = final;
    store.finishRun(run.id, final, run.finishedMs);
    status = final;
    observer->runFinished(run);
    return run.id;
}

} // namespace loadscope
