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

RemoteServerSession& BenchmarkRunner::Impl::remoteSession(SessionKey key) {
    auto& session = remoteSessions[key];
    if (!session) {
        const TargetDefinition& def = *definitions[static_cast<std::size_t>(key.first)];
        session = std::make_unique<RemoteServerSession>(def, *hosts->serverHost(), hosts->serverAddress(),
                                                        options.python, hosts->probeHost(), serverLogSink(def));
    }
    return *session;
}

// The step's server running, on the server host or here (bound to the address the generators reach): its port and
// process group (on its host), or nothing when it could not start.
std::optional<std::pair<int, pid_t>> BenchmarkRunner::Impl::hostedServerFor(Step& step, SessionKey key) {
    if (hosts->serverHost()) {
        if (!ensureRemoteServer(step, key))
            return std::nullopt;
        const auto& session = *remoteSessions[key];
        return std::pair{session.port(), session.remoteProcessGroup()};
    }
    if (!ensureServer(step, key, hosts->serverAddress()))
        return std::nullopt;
    const auto& session = *sessions[key];
    return std::pair{session.port(), session.pid()};
}

// Which generator took what, in the run's children and its environment document.
void BenchmarkRunner::Impl::recordGenerators(const Step& step, const std::vector<GeneratorOutcome>& outcomes) {
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
        {"server", hosts->serverHost() ? hosts->serverHost()->name() : "local"}, {"generators", took}};
}

BenchmarkRunner::Impl::StepOutcome BenchmarkRunner::Impl::measureOnHosts(Step& step, SessionKey key, double durationS) {
    const auto server = hostedServerFor(step, key);
    if (!server) {
        storeStep(step);
        return judge(step);
    }
    const auto [port, serverGroup] = *server;
    DistributedRequest request;
    request.load =
        loadRequestFor(step, hosts->serverAddress(), port, serverGroup, durationS, connectionsFor(step, key.first));
    request.generators = hosts->generators();
    request.serverHost = hosts->serverHost();
    request.serverProcessGroup = serverGroup;
    std::vector<GeneratorOutcome> outcomes;
    const auto execution = executeDistributedStep(
        request, step, cancel, events, [&] { drain(step); }, outcomes);
    recordGenerators(step, outcomes);

    bool serverDied = false;
    std::optional<ExitStatus> serverExit;
    if (hosts->serverHost()) {
        auto& session = *remoteSessions[key];
        serverDied = !session.running();
        serverExit = session.exitStatus();
        step.serverLogTail = session.logTail();
    } else {
        auto& session = *sessions[key];
        serverDied = !session.running();
        serverExit = session.exitStatus();
        step.serverLogTail = session.logTail();
    }
    classify(step, execution, serverDied, serverExit, durationS);
    const StepOutcome outcome = judge(step);
    storeStep(step);
    if (step.status == StepStatus::Failed && !execution.cancelled)
        log("warning: " + step.targetName + " @ " + formatNumber(step.requestedRps, 1) +
            " rps failed: " + step.statusMessage);
    return outcome;
}

} // namespace loadscope
