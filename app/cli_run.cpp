// loadscope run: build a plan (preset, plan file, options), check it and the machine, run it with a progress display,
// store it, print the summary table and the knees.
#include "benchmark_plan.h"
#include "benchmark_runner.h"
#include "cli_command.h"
#include "cli_progress.h"
#include "cli_run_plan.h"
#include "cli_summary.h"
#include "install_paths.h"
#include "plan_text.h"
#include "run_store.h"
#include "step_profiler.h"
#include "target_definition.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>

namespace loadscope::cli {

namespace {

struct RunOptions {
    RunPlanOptions plan;
    std::string db;
    std::string sshConfig;
    std::string loadgen;
    std::vector<std::string> tags;
    bool dryRun = false;
    bool verbose = false;
    bool quiet = false;
    std::vector<std::string> commandLine;
};

std::atomic<BenchmarkRunner*> gActiveRunner{nullptr};
std::atomic<int> gInterrupts{0};

void onInterrupt(int signal) {
    // First Ctrl+C: a clean cancel (the step stops within a second, the run is stored as cancelled). Second: leave
    // at once; the children die with us (PR_SET_PDEATHSIG) and the next start marks the run interrupted.
    if (gInterrupts.fetch_add(1) > 0) {
        std::signal(signal, SIG_DFL);
        std::raise(signal);
        return;
    }
    static constexpr char kMessage[] = "\nloadscope: stopping (Ctrl+C again to quit at once)\n";
    [[maybe_unused]] const auto written = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    if (auto* runner = gActiveRunner.load())
        runner->requestCancel();
}

// Installs the handlers for the lifetime of a run and restores the previous ones afterwards.
class InterruptGuard {
public:
    explicit InterruptGuard(BenchmarkRunner& runner) {
        gInterrupts = 0;
        gActiveRunner = &runner;
        struct sigaction action {};
        action.sa_handler = onInterrupt;
        sigemptyset(&action.sa_mask);
        for (int i = 0; i < 3; ++i)
            sigaction(kSignals[i], &action, &previous_[i]);
    }
    ~InterruptGuard() {
        for (int i = 0; i < 3; ++i)
            sigaction(kSignals[i], &previous_[i], nullptr);
        gActiveRunner = nullptr;
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    static constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction previous_[3]{};
};

void printDryRun(const BenchmarkPlan& plan) {
    std::cout << planToJson(plan) << "\n";
    if (plan.profile.enabled)
        std::cout << "Profiled: " << plan.profile.describe()
                  << ". A profiler costs the server CPU: profiled steps are marked, and knees prefer unprofiled "
                     "repetitions.\n";
    if (plan.mode == PlanMode::Search)
        std::cout << describeSearch(plan) << ": about " << plannedStepCount(plan) << " probes, about "
                  << formatDuration(estimatedSeconds(plan)) << ". Save the JSON above and run it with --plan FILE.\n";
    else
        std::cout << plannedStepCount(plan) << " steps (" << plan.rates.size() << " rates, " << plan.targets.size()
                  << (plan.targets.size() == 1 ? " target, " : " targets, ") << plan.repetitions
                  << (plan.repetitions == 1 ? " repetition" : " repetitions") << "), about "
                  << formatDuration(estimatedSeconds(plan))
                  << " (the stop rule may make it shorter). Save the JSON above and run it with --plan FILE.\n";
}

// The plan the options make, checked against the targets there are; UsageError lists every problem.
BenchmarkPlan runnablePlan(const RunOptions& o, const TargetCatalog& catalog) {
    BenchmarkPlan plan = buildPlan(o.plan);
    const auto problems = validatePlan(plan, catalog);
    if (problems.empty())
        return plan;
    std::string message = "the plan is not runnable:";
    for (const auto& p : problems)
        message += "\n  " + fieldWithOption(p.field) + ": " + p.message;
    throw UsageError(message);
}

BenchmarkRunner::Options runnerOptions(const RunOptions& o) {
    BenchmarkRunner::Options options;
    options.databasePath = o.db;
    options.loadgenPath = o.loadgen.empty() ? binDir() / "loadscope-loadgen" : std::filesystem::path(o.loadgen);
    options.commandLine = o.commandLine;
    options.ssh.configFile = o.sshConfig;
    return options;
}

// Every target's requirements and our load generator, before anything starts. A server on another host is checked
// there, when the runner connects (docs/hosts.md).
std::vector<std::string> preflightProblems(const BenchmarkPlan& plan, const TargetCatalog& catalog,
                                           const BenchmarkRunner::Options& options) {
    std::vector<std::string> problems;
    if (access(options.loadgenPath.c_str(), X_OK) != 0)
        problems.push_back("the load generator " + options.loadgenPath.string() +
                           " is missing or not executable (build it: cmake --build <build dir> --target "
                           "loadscope-loadgen)");
    for (const auto& name : plan.serverHost.empty() ? plan.targets : std::vector<std::string>{}) {
        for (const auto& problem : preflight(*catalog.find(name)).problems)
            problems.push_back(name + ": " + problem);
    }
    for (const auto& problem : profilingProblems(plan, catalog))
        problems.push_back(problem);
    return problems;
}

int preflightFailed(const std::vector<std::string>& problems) {
    std::cerr << "loadscope run: preflight failed, nothing was run:\n";
    for (const auto& p : problems)
        std::cerr << "  " << p << "\n";
    return kExitPreflight;
}

// The stored run with its histograms, tagged as --tag asks.
Run storedRun(const RunOptions& o, std::int64_t runId) {
    auto store = RunStore::open(o.db, RunStore::OpenMode::ReadOnly);
    auto run = store.loadRun(runId);
    if (!run)
        throw std::runtime_error("run " + std::to_string(runId) + " vanished from " + o.db);
    store.loadHistograms(run->steps);
    if (!o.tags.empty()) {
        auto writer = RunStore::open(o.db);
        writer.setTags(runId, o.tags);
        run->tags = o.tags;
    }
    return std::move(*run);
}

void printRunResult(const RunOptions& o, const Run& run) {
    std::cout << "\n" << run.name << " (run " << run.id << ", " << toString(run.status) << ")\n\n";
    const RunAnalysis analysis = analyzeRun(run);
    printSummaryTable(std::cout, run, analysis);
    std::cout << "\n";
    printKnees(std::cout, run, analysis);
    std::cout << "\n";
    printProblems(std::cout, run, false);
    const std::string id = std::to_string(run.id);
    std::cout << "Stored as run " << id << " in " << o.db << ". More: `" << suggestedCommand("show " + id, o.db)
              << "`, `" << suggestedCommand("export " + id + " --format csv", o.db) << "`, or the desktop app (`"
              << suggestedCommand("", o.db) << "`).\n";
}

int exitCodeFor(RunStatus status) {
    switch (status) {
    case RunStatus::Completed:
        return kExitOk;
    case RunStatus::Cancelled:
        return kExitCancelled;
    default:
        return kExitFailures;
    }
}

int runPlan(const RunOptions& o) {
    const auto catalog = TargetCatalog::loadDefault();
    for (const auto& error : catalog.errors())
        std::cerr << "warning: target definition skipped: " << error.toString() << "\n";
    const BenchmarkPlan plan = runnablePlan(o, catalog);
    if (o.dryRun) {
        printDryRun(plan);
        return kExitOk;
    }
    const BenchmarkRunner::Options options = runnerOptions(o);
    if (const auto problems = preflightProblems(plan, catalog, options); !problems.empty())
        return preflightFailed(problems);

    std::error_code ec;
    if (const auto folder = std::filesystem::path(o.db).parent_path(); !folder.empty())
        std::filesystem::create_directories(folder, ec);
    const bool terminal = isatty(STDERR_FILENO) != 0;
    const double stepSeconds = estimatedSeconds(plan) / std::max(1, plannedStepCount(plan));
    ProgressPrinter progress(stderr, terminal, o.verbose, stepSeconds);
    RunObserver quietObserver;
    BenchmarkRunner runner(plan, catalog, options, o.quiet ? &quietObserver : &progress);
    std::int64_t runId = 0;
    try {
        InterruptGuard guard(runner);
        runId = runner.run();
    } catch (const PlanError& e) {
        // The other hosts are checked when the runner connects to them: nothing was run or stored.
        std::cerr << "loadscope run: preflight failed, nothing was run: " << e.what() << "\n";
        return kExitPreflight;
    }
    printRunResult(o, storedRun(o, runId));
    return exitCodeFor(runner.finalStatus());
}

} // namespace

Command addRunCommand(CLI::App& root) {
    auto o = std::make_shared<RunOptions>();
    auto* app = root.add_subcommand("run", "Run a benchmark plan, store it and print the summary table and knees");
    addDatabaseOption(*app, o->db);
    addRunPlanOptions(*app, o->plan);
    app->add_option("--ssh-config", o->sshConfig, "Use this ssh_config instead of ~/.ssh/config (ssh -F)")
        ->type_name("PATH");
    app->add_option("--tag", o->tags, "Tag the stored run (repeatable), e.g. for `check --baseline tag:NAME`")
        ->type_name("TAG");
    app->add_flag("--dry-run", o->dryRun, "Print the plan as JSON and its estimated time; run nothing");
    app->add_option("--loadgen", o->loadgen, "Use this load generator executable")->type_name("PATH");
    app->add_flag("-v,--verbose", o->verbose, "Print every log line (servers' starts, argv, the generator)");
    app->add_flag("-q,--quiet", o->quiet, "No progress display");
    return {app, [o] {
                o->commandLine = commandLine();
                return runPlan(*o);
            }};
}

} // namespace loadscope::cli
