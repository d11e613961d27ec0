// A run from start to end: checks, pinning, the run and its targets recorded, the steps (a sweep or a knee search),
// then each target's knee from the analysis library and the run's final status.
#include "benchmark_runner.h"

#include "benchmark_runner_impl.h"
#include "connection_sizing.h"
#include "environment_info.h"
#include "install_paths.h"
#include "plan_text.h"
#include "run_analysis.h"

#include <sched.h>

#include <chrono>
#include <thread>

namespace loadscope {

using namespace std::chrono_literals;

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

namespace {

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

} // namespace

BenchmarkRunner::Impl::Impl(BenchmarkPlan p, const TargetCatalog& c, Options o, RunObserver* obs)
    : plan(std::move(p))
    , catalog(c)
    , options(std::move(o))
    , observer(obs ? obs : &silent) {}

BenchmarkRunner::BenchmarkRunner(BenchmarkPlan plan, const TargetCatalog& catalog, Options options,
                                 RunObserver* observer)
    : impl_(std::make_unique<Impl>(std::move(plan), catalog, std::move(options), observer)) {}

BenchmarkRunner::~BenchmarkRunner() = default;

std::int64_t BenchmarkRunner::run() {
    return impl_->execute();
}

void BenchmarkRunner::requestCancel() {
    impl_->cancel.store(true);
}

RunStatus BenchmarkRunner::finalStatus() const {
    return impl_->status.load();
}

void BenchmarkRunner::Impl::drain(const Step& step) {
    for (const auto& [source, line] : events.takeLogs())
        observer->logLine(source, line);
    if (auto progress = events.takeProgress())
        observer->stepProgress(step, *progress);
}

void BenchmarkRunner::Impl::pause(double seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!cancel.load() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(50ms);
        for (const auto& [source, line] : events.takeLogs())
            observer->logLine(source, line);
    }
}

std::int64_t BenchmarkRunner::Impl::execute() {
    prepare();
    observer->runStarted(run, plannedSteps);
    try {
        if (plan.mode == PlanMode::Search)
            search();
        else
            sweep();
    } catch (...) {
        // The store or the machine failed under us: stop the servers, record what is known, then report.
        sessions.clear();
        closeHosts();
        try {
            store->finishRun(run.id, RunStatus::Failed, nowMs());
        } catch (...) {
        }
        status = RunStatus::Failed;
        throw;
    }
    sessions.clear(); // every server stops here (the destructors stop their process groups)
    closeHosts();
    finish();
    return run.id;
}

void BenchmarkRunner::Impl::prepare() {
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

    store.emplace(RunStore::open(options.databasePath));
    if (const int interrupted = store->markInterruptedRuns(); interrupted > 0)
        log("marked " + std::to_string(interrupted) + " run(s) of a Loadscope that was killed as interrupted");

    // CPU pinning: server on one core, generator on another, so they do not steal each other's time.
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

    run.name = plan.name;
    run.createdMs = nowMs();
    run.planJson = planToJson(plan);
    environment = collectEnvironment(options.commandLine);
    environment["pinning"] = pinning;
    environment["python"] = options.python;
    environment["open_file_limit"] = fileLimit;
    environment["loadgen"] = options.loadgenPath.string();
    recordTargets();
    prepareHosts(); // throws PlanError (nothing stored yet) when a host is not ready
    store->createRun(run);
    environment["children"] = children;
    store->setEnvironment(run.id, environment.dump());
    plannedSteps = plannedStepCount(plan);
    log("run " + std::to_string(run.id) + ": " +
        (plan.mode == PlanMode::Search ? "knee search over " + std::to_string(plan.targets.size()) + " targets"
                                       : std::to_string(plannedSteps) + " steps") +
        ", pinning " + pinning);
}

// The targets as they are now, with the SLO limit each will be judged by (stored, so the run reads the same later).
void BenchmarkRunner::Impl::recordTargets() {
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
}

// Knees from the stored steps through the analysis library (the same answer `show` and the GUI give), then the
// run's final status.
void BenchmarkRunner::Impl::finish() {
    if (auto stored = store->loadRun(run.id)) {
        store->loadHistograms(stored->steps);
        const RunAnalysis analysis = analyzeRun(*stored);
        for (auto& snapshot : run.targets) {
            const TargetAnalysis* target = analysis.find(snapshot.name);
            snapshot.kneeRps = target ? target->knee.kneeRps : std::nullopt;
            store->updateTarget(snapshot);
            if (target)
                environment["targets"][snapshot.name]["knee"] = target->knee.text();
        }
    }
    RunStatus final = RunStatus::Completed;
    if (cancel.load())
        final = RunStatus::Cancelled;
    else if (failedSteps > 0 && okSteps == 0)
        final = RunStatus::Failed;
    else if (failedSteps > 0)
        final = RunStatus::CompletedWithFailures;
    environment["children"] = children;
    store->setEnvironment(run.id, environment.dump());
    run.finishedMs = nowMs();
    run.status = final;
    store->finishRun(run.id, final, run.finishedMs);
    status = final;
    observer->runFinished(run);
}

} // namespace loadscope
