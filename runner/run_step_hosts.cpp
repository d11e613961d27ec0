// A step with the server or the generators on other hosts (docs/hosts.md): the hosts prepared once per run (remote
// preflight, loadscope-loadgen provided, clock offsets), the server started there under its watchdog, the load split
// between the generators, their results merged, the step stored as any other.
#include "benchmark_runner_impl.h"

#include "plan_text.h"

#include <algorithm>

namespace loadscope {

void BenchmarkRunner::Impl::prepareHosts() {
    hosts = std::make_unique<HostSet>(plan, options.ssh);
    if (!hosts->any())
        return;
    hosts->prepare(definitions, options.loadgenPath, options.python, [this](const std::string& line) { log(line); });
    environment["hosts"] = hosts->environment();
    environment["ssh_setup_s"] = hosts->setupSeconds();
    environment["ssh_setup_phases"] = hosts->setupPhases();
    environment["server_address"] = hosts->serverAddress();
    for (auto& snapshot : run.targets) {
        if (const auto it = hosts->serverVersions().find(snapshot.name); it != hosts->serverVersions().end()) {
            snapshot.versions = it->second;
            environment["targets"][snapshot.name]["versions"] = it->second;
            environment["targets"][snapshot.name]["versions_from"] = hosts->serverHost()->name();
        }
    }
}

void BenchmarkRunner::Impl::closeHosts() {
    remoteSessions.clear(); // each stops its server through its watchdog, over a connection still open
    if (hosts)
        hosts->close();
}

bool BenchmarkRunner::Impl::ensureRemoteServer(Step& step, SessionKey key) {
    const TargetDefinition& def = *definitions[static_cast<std::size_t>(key.first)];
    TargetSnapshot& snapshot = run.targets[static_cast<std::size_t>(key.first)];
    auto& session = remoteSessions[key];
    if (!session)
        session = std::make_unique<RemoteServerSession>(
            def, *hosts->serverHost(), hosts->serverAddress(), options.python, hosts->probeHost(),
            [this, source = "server:" + def.name](std::string_view l) { events.pushLog(source, std::string(l)); });
    if (session->running())
        return true;
    std::string restartReason;
    if (session->starts() > 0) {
        const auto died = session->exitStatus();
        restartReason = "the server on " + session->host().name() + " had exited (" +
                        (died ? died->toString() : std::string("?")) +
                        ") since the previous step and was started again";
        log("warning: " + def.name + ": " + restartReason);
    }
    const auto started = session->start(cancel);
    children.push_back({{"role", "server"},
                        {"target", def.name},
                        {"repetition", key.second},
                        {"host", session->host().name()},
                        {"argv", session->argv()}});
    if (snapshot.argv.empty()) {
        snapshot.argv = session->argv();
        store->updateTarget(snapshot);
    }
    log("started " + def.name + " on " + session->host().name() + " at " + session->address() + ":" +
        std::to_string(session->port()) + " in " + formatNumber(started.startupS, 2) + " s");
    if (!started.ok) {
        step.serverLogTail = session->logTail();
        step.status = cancel.load() ? StepStatus::Cancelled : StepStatus::Failed;
        step.statusMessage = started.message;
        if (!cancel.load())
            ++failedStarts[key];
        return false;
    }
    failedStarts[key] = 0;
    if (!restartReason.empty()) {
        step.flags.serverRestarted = true;
        step.flags.reason = restartReason;
    }
    return true;
}

BenchmarkRunner::Impl::StepOutcome BenchmarkRunner::Impl::measureOnHosts(Step& step, SessionKey key, double durationS) {
    const TargetDefinition& def = *definitions[static_cast<std::size_t>(key.first)];
    const bool remoteServer = hosts->serverHost() != nullptr;
    int port = 0;
    pid_t serverGroup = 0;
    if (remoteServer) {
        if (!ensureRemoteServer(step, key)) {
            storeStep(step);
            return judge(step);
        }
        port = remoteSessions[key]->port();
        serverGroup = remoteSessions[key]->remoteProcessGroup();
    } else {
        auto& local = sessions[key];
        if (!local) {
            local = std::make_unique<ServerSession>(
                def, options.python, serverCore,
                [this, source = "server:" + def.name](std::string_view l) { events.pushLog(source, std::string(l)); });
            local->setBindAddress(hosts->serverAddress());
        }
        if (!ensureServer(step, key)) {
            storeStep(step);
            return judge(step);
        }
        port = local->port();
        serverGroup = local->pid();
    }

    DistributedRequest request;
    request.load =
        loadRequestFor(step, hosts->serverAddress(), port, serverGroup, durationS, connectionsFor(step, key.first));
    request.generators = hosts->generators();
    request.serverHost = hosts->serverHost();
    request.serverProcessGroup = serverGroup;
    std::vector<GeneratorOutcome> outcomes;
    const auto execution = executeDistributedStep(
        request, step, cancel, events, [&] { drain(step); }, outcomes);
    nlohmann::json took = nlohmann::json::array();
    for (const auto& outcome : outcomes) {
        children.push_back(
            {{"role", "loadgen"}, {"step", step.sequence}, {"host", outcome.host}, {"argv", outcome.argv}});
        took.push_back({{"host", outcome.host},
                        {"requests", outcome.part.completed},
                        {"failed", outcome.failed},
                        {"failure", outcome.failure}});
    }
    environment["steps"][std::to_string(step.sequence)] = {
        {"server", remoteServer ? hosts->serverHost()->name() : "local"}, {"generators", took}};

    bool serverDied = false;
    std::optional<ExitStatus> serverExit;
    if (remoteServer) {
        serverDied = !remoteSessions[key]->running();
        serverExit = remoteSessions[key]->exitStatus();
        step.serverLogTail = remoteSessions[key]->logTail();
    } else {
        serverDied = !sessions[key]->running();
        serverExit = sessions[key]->exitStatus();
        step.serverLogTail = sessions[key]->logTail();
    }
    classify(step, execution, serverDied, serverExit, durationS);
    const StepOutcome outcome = judge(step);
    storeStep(step);
    if (step.status == StepStatus::Failed && !execution.cancelled)
        log("warning: " + def.name + " @ " + formatNumber(step.requestedRps, 1) + " rps failed: " + step.statusMessage);
    return outcome;
}

} // namespace loadscope
