// One step of a run: its server running (started, or started again when it died), the load generator, the step's
// status and SLO verdict, and the step stored in one transaction.
#include "benchmark_runner_impl.h"

#include "connection_sizing.h"
#include "plan_text.h"

#include <algorithm>
#include <chrono>

namespace loadscope {

SloLimits BenchmarkRunner::Impl::limitsOf(int targetIndex) const {
    return resolveLimits(plan.slo, scenarios[static_cast<std::size_t>(targetIndex)]->idealLatencyMs);
}

Step BenchmarkRunner::Impl::newStep(int targetIndex, double rate, int repetition) const {
    const TargetSnapshot& snapshot = run.targets[static_cast<std::size_t>(targetIndex)];
    Step step;
    step.runId = run.id;
    step.targetId = snapshot.id;
    step.targetName = snapshot.name;
    step.scenario = plan.scenario;
    step.requestedRps = rate;
    step.repetition = repetition;
    return step;
}

void BenchmarkRunner::Impl::storeStep(Step& step) {
    if (step.sequence == 0)
        step.sequence = ++sequence;
    if (step.startedMs == 0)
        step.startedMs = nowMs();
    step.finishedMs = nowMs();
    store->insertStep(step);
    observer->stepFinished(step);
    if (step.status == StepStatus::Ok)
        ++okSteps;
    else if (step.status == StepStatus::Failed)
        ++failedSteps;
}

int BenchmarkRunner::Impl::connectionsFor(const Step& step, int targetIndex) {
    const auto sizing =
        sizeConnections(step.requestedRps, scenarios[static_cast<std::size_t>(targetIndex)]->idealLatencyMs,
                        plan.connections, openFileHardLimit());
    if (sizing.cappedByFileLimit)
        log("warning: " + step.targetName + " @ " + formatNumber(step.requestedRps, 1) + " rps: " + sizing.note);
    return sizing.connections;
}

ServerSession::LineSink BenchmarkRunner::Impl::serverLogSink(const TargetDefinition& def) {
    return [this, source = "server:" + def.name](std::string_view line) { events.pushLog(source, std::string(line)); };
}

ServerSession& BenchmarkRunner::Impl::localSession(SessionKey key, const std::string& bindAddress) {
    auto& session = sessions[key];
    if (!session) {
        const TargetDefinition& def = *definitions[static_cast<std::size_t>(key.first)];
        session = std::make_unique<ServerSession>(def, options.python, serverCore, serverLogSink(def));
        session->setBindAddress(bindAddress);
        prepareProfiling(*session, key);
    }
    return *session;
}

bool BenchmarkRunner::Impl::ensureServer(Step& step, SessionKey key, const std::string& bindAddress) {
    return keepServerRunning(step, key, localSession(key, bindAddress), "");
}

bool BenchmarkRunner::Impl::ensureRemoteServer(Step& step, SessionKey key) {
    auto& session = remoteSession(key);
    return keepServerRunning(step, key, session, session.host().name());
}

// One rule for a server here (ServerSession) and one on another host (RemoteServerSession, `host` its name): a
// server that died since the previous step is started again and the step flagged; a start is logged and recorded
// with the run's children; a failed start fails the step (or cancels it) and counts towards giving up on the target.
template <class Session>
bool BenchmarkRunner::Impl::keepServerRunning(Step& step, SessionKey key, Session& session, const std::string& host) {
    if (session.running())
        return true;
    const TargetDefinition& def = *definitions[static_cast<std::size_t>(key.first)];
    const std::string onHost = host.empty() ? std::string() : " on " + host;
    std::string restartReason;
    if (session.starts() > 0) {
        const auto died = session.exitStatus();
        restartReason = "the server" + onHost + " had exited (" + (died ? died->toString() : std::string("?")) +
                        ") since the previous step and was started again";
        log("warning: " + def.name + ": " + restartReason);
    }
    const auto started = session.start(cancel);
    recordServerStart(key, session.argv(), host);
    log("started " + def.name + " on port " + std::to_string(session.port()) +
        (host.empty() ? std::string() : " of " + host + " (" + session.address() + ")") + " in " +
        formatNumber(started.startupS, 2) + " s: " + joinList(session.argv(), " "));
    if (!started.ok) {
        step.serverLogTail = session.logTail();
        if (cancel.load()) {
            step.status = StepStatus::Cancelled;
            step.statusMessage = "cancelled while the server was starting";
        } else {
            step.status = StepStatus::Failed;
            step.statusMessage = started.message;
            ++failedStarts[key];
        }
        return false;
    }
    failedStarts[key] = 0;
    if (!restartReason.empty()) {
        step.flags.serverRestarted = true;
        step.flags.reason = restartReason;
    }
    return true;
}

// The start in the run's children (every process the run started, with its command line), and the target's first
// command line in its snapshot.
void BenchmarkRunner::Impl::recordServerStart(SessionKey key, const std::vector<std::string>& argv,
                                              const std::string& host) {
    const TargetDefinition& def = *definitions[static_cast<std::size_t>(key.first)];
    nlohmann::json child{{"role", "server"}, {"target", def.name}, {"repetition", key.second}, {"argv", argv}};
    if (!host.empty())
        child["host"] = host;
    children.push_back(child);
    TargetSnapshot& snapshot = run.targets[static_cast<std::size_t>(key.first)];
    if (snapshot.argv.empty()) {
        snapshot.argv = argv;
        store->updateTarget(snapshot);
    }
}

LoadRequest BenchmarkRunner::Impl::loadRequestFor(const Step& step, const std::string& address, int port,
                                                  pid_t serverGroup, double durationS, int connections) const {
    const auto index = static_cast<std::size_t>(std::find(plan.targets.begin(), plan.targets.end(), step.targetName) -
                                                plan.targets.begin());
    const Scenario& scenario = *scenarios[index];
    LoadRequest request;
    request.loadgen = options.loadgenPath;
    request.url = "http://" + address + ":" + std::to_string(port) + scenario.path;
    request.method = scenario.method;
    request.headers = scenario.headers;
    request.body = scenario.body;
    request.rateRps = step.requestedRps;
    request.durationS = durationS;
    request.warmupS = plan.warmupS;
    request.connections = connections;
    request.timeoutS = plan.requestTimeoutS;
    request.arrivals = plan.arrivals;
    request.cpuCore = generatorCore;
    // Alone on its core, the generator would otherwise wait for the idle core to wake up at each send: on a 2-vCPU VM
    // that made 1 % of the sends 1-3 ms late (docs/loadgen.md, --busy-poll).
    request.busyPoll = generatorCore.has_value() && generatorCore != serverCore;
    request.serverProcessGroup = serverGroup;
    request.cancelGraceS = options.stepStopGraceS;
    return request;
}

void BenchmarkRunner::Impl::classify(Step& step, const StepExecution& execution, bool serverDied,
                                     std::optional<ExitStatus> serverExit, double durationS) {
    if (execution.cancelled) {
        step.status = StepStatus::Cancelled;
        step.statusMessage = "cancelled after " + formatNumber(std::max(0.0, step.durationS), 1) + " s of " +
                             formatNumber(durationS, 1) + " s: partial numbers, left out of summaries and knees";
    } else if (execution.generatorFailed) {
        step.status = StepStatus::Failed;
        step.statusMessage = execution.failure;
    } else if (serverDied) {
        step.status = StepStatus::Failed;
        step.statusMessage =
            "the server exited during the step (" + (serverExit ? serverExit->toString() : std::string("?")) + ")";
    }
}

// The step's own verdict (one repetition: confidence from its distance to the limit), flagged on the step.
BenchmarkRunner::Impl::StepOutcome BenchmarkRunner::Impl::judge(Step& step) const {
    if (step.status != StepStatus::Ok)
        return {false, step.status == StepStatus::Failed ? Confidence::Broken : Confidence::Uncertain};
    const auto index =
        static_cast<int>(std::find(plan.targets.begin(), plan.targets.end(), step.targetName) - plan.targets.begin());
    const SloLimits limits = limitsOf(index);
    const auto verdict = evaluateSlo(step.latency.p99Ms, step.due, step.ok, limits);
    if (!verdict.met) {
        step.flags.sloViolated = true;
        step.flags.reason += (step.flags.reason.empty() ? "" : "; ") + std::string("SLO: ") + verdict.reason;
    }
    return {verdict.met, confidenceOf(verdict, limits)};
}

BenchmarkRunner::Impl::StepOutcome BenchmarkRunner::Impl::measure(Step& step, SessionKey key, double durationS) {
    step.sequence = ++sequence;
    step.startedMs = nowMs();
    observer->stepStarted(step, step.sequence, std::max(plannedSteps, step.sequence));
    const TargetDefinition& def = *definitions[static_cast<std::size_t>(key.first)];
    if (failedStarts[key] >= 2) {
        // Two starts failed in a row: a third would fail the same way and cost another timeout.
        step.status = StepStatus::Failed;
        step.statusMessage = "not started: the server failed to start twice in a row (see the steps before)";
        storeStep(step);
        return {false, Confidence::Broken};
    }
    if (hosts && hosts->any())
        return measureOnHosts(step, key, durationS);
    if (!ensureServer(step, key, "127.0.0.1")) {
        storeStep(step);
        return judge(step);
    }
    ServerSession& session = *sessions[key];
    LoadRequest request =
        loadRequestFor(step, "127.0.0.1", session.port(), session.pid(), durationS, connectionsFor(step, key.first));
    const auto profiler = startStepProfiler(step, key, session);
    request.profiler = profiler.get();

    const auto mark = session.outputMark();
    const auto execution = executeStep(request, step, cancel, events, [&] { drain(step); });
    if (profiler && step.status == StepStatus::Ok && !execution.cancelled && !execution.generatorFailed)
        attachProfile(step, *profiler);
    children.push_back({{"role", "loadgen"}, {"step", step.sequence}, {"argv", execution.argv}});
    const bool serverDied = !session.running();
    classify(step, execution, serverDied, session.exitStatus(), durationS);
    // A healthy step keeps what the server printed during it; a failed one everything that is left.
    step.serverLogTail = step.status == StepStatus::Ok ? session.logTail(mark) : session.logTail();
    const StepOutcome outcome = judge(step);
    storeStep(step);
    if (step.status == StepStatus::Failed && !serverDied && !execution.cancelled)
        log("warning: " + def.name + " @ " + formatNumber(step.requestedRps, 1) + " rps failed: " + step.statusMessage);
    return outcome;
}

} // namespace loadscope
