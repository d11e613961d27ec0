// loadscope run: build a plan (preset, plan file, options), check it and the machine, run it with a progress display,
// store it, print the summary table and the knees.
#include "benchmark_plan.h"
#include "benchmark_runner.h"
#include "cli_command.h"
#include "cli_progress.h"
#include "cli_summary.h"
#include "install_paths.h"
#include "plan_text.h"
#include "run_store.h"
#include "step_profiler.h"
#include "target_definition.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>

namespace loadscope::cli {

namespace {

struct RunOptions {
    std::string db;
    std::string preset;
    std::string planFile;
    std::optional<std::string> targets; // unset: the preset's; set but empty is an error, not "the preset's"
    std::string scenario;
    std::optional<std::string> rates;
    std::string duration;
    std::string warmup;
    std::string cooldown;
    std::string timeout;
    std::optional<int> repeat;
    std::string connections;
    std::string order;
    std::string slo;
    std::string name;
    std::string arrivals;
    std::string serverHost;
    std::string generatorHosts;
    std::string sshConfig;
    std::string pin;
    std::string loadgen;
    std::string maxTime;
    std::string searchStart;
    std::string resolution;
    std::vector<std::string> tags;
    std::string profileRates;       // --profile-rates 1500,2000
    std::string profileRepetitions; // --profile-repetitions 2,4
    std::optional<double> profileHz;
    bool profile = false;
    bool search = false;
    bool sweep = false;
    bool noPin = false;
    bool noStopRule = false;
    bool faithful = false;
    bool dryRun = false;
    bool verbose = false;
    bool quiet = false;
    std::vector<std::string> commandLine;
};

// The plan field each option sets, so a problem found in the plan names the option the user typed.
const std::map<std::string, std::string> kOptionOfField{{"targets", "--targets"},
                                                        {"scenario", "--scenario"},
                                                        {"rates", "--rates"},
                                                        {"step_duration", "--duration"},
                                                        {"warmup", "--warmup"},
                                                        {"cooldown", "--cooldown"},
                                                        {"repetitions", "--repeat"},
                                                        {"connections", "--connections"},
                                                        {"request_timeout", "--timeout"},
                                                        {"order", "--order"},
                                                        {"slo", "--slo"},
                                                        {"arrivals", "--arrivals"},
                                                        {"server_host", "--server-host"},
                                                        {"generators", "--generator-hosts"},
                                                        {"pinning.server_core", "--pin"},
                                                        {"search.max_time", "--max-time"},
                                                        {"search.start_rps", "--search-start"},
                                                        {"search.resolution", "--resolution"},
                                                        {"pinning.generator_core", "--pin"}};

// --search / --sweep and the search's own options (which imply --search). Rates listed with --rates are rates to
// measure: they make a preset's search a sweep unless --search asks for the search.
void applySearchOptions(const RunOptions& o, BenchmarkPlan& plan) {
    if (o.search && o.sweep)
        throw UsageError("--search and --sweep: choose one");
    const bool searchAsked = o.search || !o.maxTime.empty() || !o.searchStart.empty() || !o.resolution.empty();
    if (searchAsked)
        plan.mode = PlanMode::Search;
    if (o.sweep || (o.rates && !searchAsked))
        plan.mode = PlanMode::Sweep;
    if (!o.maxTime.empty())
        plan.search.maxTimeS = parseDurationS(o.maxTime, "--max-time");
    if (!o.searchStart.empty()) {
        const auto rates = parseRates(o.searchStart);
        if (rates.size() != 1)
            throw UsageError("--search-start: expected one rate in requests per second, e.g. 500; got '" +
                             o.searchStart + "'");
        plan.search.startRps = rates.front();
    }
    if (!o.resolution.empty()) {
        std::string text = o.resolution;
        if (!text.empty() && text.back() == '%')
            text.pop_back();
        char* end = nullptr;
        const double percent = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || !(percent >= 1 && percent <= 50))
            throw UsageError("--resolution: expected a percentage from 1 to 50, e.g. 5%; got '" + o.resolution + "'");
        plan.search.resolution = percent / 100.0;
    }
}

std::string optionFor(const std::string& field) {
    auto base = field.substr(0, field.find('['));
    if (const auto it = kOptionOfField.find(base); it != kOptionOfField.end())
        return field + " (" + it->second + ")";
    if (base.rfind("slo.", 0) == 0)
        return field + " (--slo)";
    return field;
}

std::string readFile(const std::string& path, const std::string& option) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw UsageError(option + ": cannot read " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Preset (quick unless a plan file is given), then the plan file, then the options, each overriding the last.
// --profile, --profile-rates, --profile-repetitions, --profile-hz on top of the plan's "profile".
void applyProfileOptions(const RunOptions& o, BenchmarkPlan& plan) {
    if (o.profile || !o.profileRates.empty() || !o.profileRepetitions.empty() || o.profileHz)
        plan.profile.enabled = true;
    if (!o.profileRates.empty()) {
        try {
            plan.profile.rates = parseRates(o.profileRates);
        } catch (const PlanError& e) {
            throw UsageError(std::string("--profile-rates: ") + e.what());
        }
    }
    if (!o.profileRepetitions.empty()) {
        plan.profile.repetitions.clear();
        for (const auto& item : splitList(o.profileRepetitions, ',')) {
            char* end = nullptr;
            const long n = std::strtol(item.c_str(), &end, 10);
            if (item.empty() || *end != '\0' || n < 1 || n > 1000)
                throw UsageError("--profile-repetitions: expected repetition numbers from 1, e.g. 2,4; got '" + item +
                                 "'");
            plan.profile.repetitions.push_back(static_cast<int>(n));
        }
    }
    if (o.profileHz) {
        if (!(*o.profileHz >= 1 && *o.profileHz <= 1000))
            throw UsageError("--profile-hz: expected 1 to 1000 samples per second");
        plan.profile.sampleRateHz = *o.profileHz;
    }
    const std::string outside = profileRateOutsidePlan(plan.profile, plan.rates, plan.mode == PlanMode::Sweep);
    if (!outside.empty())
        throw UsageError("--profile-rates: " + outside);
}

BenchmarkPlan buildPlan(const RunOptions& o) {
    BenchmarkPlan plan;
    const std::string presetName = !o.preset.empty() ? o.preset : o.planFile.empty() ? "quick" : "";
    if (!presetName.empty()) {
        const auto preset = presetPlan(presetName, o.faithful);
        if (!preset)
            throw UsageError("--preset: unknown preset '" + presetName +
                             "' (expected one of: " + joinList(presetNames(), ", ") + ")");
        if (o.faithful && presetName == "quick")
            throw UsageError("--faithful: applies to the seed presets (seed-simple, seed-complex), not to quick");
        plan = *preset;
    }
    if (!o.planFile.empty()) {
        try {
            const auto fromFile = planFromJson(readFile(o.planFile, "--plan"), o.planFile);
            plan = fromFile;
        } catch (const PlanError& e) {
            throw UsageError(std::string("--plan: ") + e.what());
        }
    }
    try {
        if (o.targets) {
            if (o.targets->find_first_not_of(", ") == std::string::npos)
                throw UsageError("--targets: empty; expected comma-separated target names, e.g. aiohttp,tornado-async "
                                 "(see `loadscope targets`)");
            plan.targets = splitList(*o.targets, ',');
        }
        if (!o.scenario.empty())
            plan.scenario = o.scenario;
        if (o.rates) {
            if (o.rates->find_first_not_of(", ") == std::string::npos)
                throw UsageError("--rates: empty; expected a list 500,1000 or a range 500:3000:500");
            plan.rates = parseRates(*o.rates);
        }
        if (!o.duration.empty())
            plan.stepDurationS = parseDurationS(o.duration, "--duration");
        if (!o.warmup.empty())
            plan.warmupS = parseDurationS(o.warmup, "--warmup");
        if (!o.cooldown.empty())
            plan.cooldownS = parseDurationS(o.cooldown, "--cooldown");
        if (!o.timeout.empty())
            plan.requestTimeoutS = parseDurationS(o.timeout, "--timeout");
        if (o.repeat)
            plan.repetitions = *o.repeat;
        if (!o.slo.empty())
            plan.slo = parseSlo(o.slo);
    } catch (const PlanError& e) {
        const std::string what = e.what();
        // parse helpers start with the plan's field name; put the option in front.
        for (const auto& [field, option] : kOptionOfField)
            if (what.rfind(field + ":", 0) == 0)
                throw UsageError(option + ": " + what.substr(field.size() + 2));
        throw UsageError(what);
    }
    if (!o.connections.empty()) {
        if (o.connections == "auto")
            plan.connections.reset();
        else {
            try {
                std::size_t used = 0;
                const int n = std::stoi(o.connections, &used);
                if (used != o.connections.size() || n < 1)
                    throw std::invalid_argument("range");
                plan.connections = n;
            } catch (const std::exception&) {
                throw UsageError("--connections: expected a number of connections (1 or more) or 'auto', got '" +
                                 o.connections + "'");
            }
        }
    }
    if (!o.order.empty()) {
        const auto order = stepOrderFromString(o.order);
        if (!order)
            throw UsageError("--order: expected interleaved or sequential, got '" + o.order + "'");
        plan.order = *order;
    }
    if (!o.arrivals.empty()) {
        if (o.arrivals != "uniform" && o.arrivals != "poisson")
            throw UsageError("--arrivals: expected uniform or poisson, got '" + o.arrivals + "'");
        plan.arrivals = o.arrivals;
    }
    if (!o.serverHost.empty())
        plan.serverHost = o.serverHost == "local" ? "" : o.serverHost;
    if (!o.generatorHosts.empty())
        plan.generatorHosts = splitList(o.generatorHosts, ',');
    if (!o.pin.empty()) {
        const auto cores = splitList(o.pin, ',');
        try {
            if (cores.size() != 2)
                throw std::invalid_argument("count");
            plan.pinning.serverCore = std::stoi(cores[0]);
            plan.pinning.generatorCore = std::stoi(cores[1]);
            if (plan.pinning.serverCore < 0 || plan.pinning.generatorCore < 0)
                throw std::invalid_argument("negative");
        } catch (const std::exception&) {
            throw UsageError("--pin: expected SERVER_CORE,GENERATOR_CORE like 0,1; got '" + o.pin + "'");
        }
        plan.pinning.enabled = true;
    }
    applySearchOptions(o, plan);
    applyProfileOptions(o, plan);
    if (o.noPin)
        plan.pinning.enabled = false;
    if (o.noStopRule)
        plan.stopRule = false;
    if (!o.name.empty())
        plan.name = o.name;
    if (plan.name.empty())
        plan.name = defaultRunName(plan);
    return plan;
}

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

int runPlan(const RunOptions& o) {
    const auto plan = buildPlan(o);
    const auto catalog = TargetCatalog::loadDefault();
    for (const auto& error : catalog.errors())
        std::cerr << "warning: target definition skipped: " << error.toString() << "\n";

    const auto problems = validatePlan(plan, catalog);
    if (!problems.empty()) {
        std::string message = "the plan is not runnable:";
        for (const auto& p : problems)
            message += "\n  " + optionFor(p.field) + ": " + p.message;
        throw UsageError(message);
    }
    if (o.dryRun) {
        printDryRun(plan);
        return kExitOk;
    }

    // Preflight: every target's requirements and our load generator, before anything starts.
    BenchmarkRunner::Options options;
    options.databasePath = o.db;
    options.loadgenPath = o.loadgen.empty() ? binDir() / "loadscope-loadgen" : std::filesystem::path(o.loadgen);
    options.commandLine = o.commandLine;
    options.ssh.configFile = o.sshConfig;
    std::vector<std::string> preflightProblems;
    if (access(options.loadgenPath.c_str(), X_OK) != 0)
        preflightProblems.push_back("the load generator " + options.loadgenPath.string() +
                                    " is missing or not executable (build it: cmake --build <build dir> --target "
                                    "loadscope-loadgen)");
    // A server on another host is checked there, when the runner connects (docs/hosts.md).
    for (const auto& name : plan.serverHost.empty() ? plan.targets : std::vector<std::string>{}) {
        const auto result = preflight(*catalog.find(name));
        for (const auto& problem : result.problems)
            preflightProblems.push_back(name + ": " + problem);
    }
    for (const auto& problem : profilingProblems(plan, catalog))
        preflightProblems.push_back(problem);
    if (!preflightProblems.empty()) {
        std::cerr << "loadscope run: preflight failed, nothing was run:\n";
        for (const auto& p : preflightProblems)
            std::cerr << "  " << p << "\n";
        return kExitPreflight;
    }

    std::error_code ec;
    const auto dbDir = std::filesystem::path(o.db).parent_path();
    if (!dbDir.empty())
        std::filesystem::create_directories(dbDir, ec);

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
    std::cout << "\n" << run->name << " (run " << runId << ", " << toString(run->status) << ")\n\n";
    const RunAnalysis analysis = analyzeRun(*run);
    printSummaryTable(std::cout, *run, analysis);
    std::cout << "\n";
    printKnees(std::cout, *run, analysis);
    std::cout << "\n";
    printProblems(std::cout, *run, false);
    std::cout << "Stored as run " << runId << " in " << o.db << ". More: `"
              << suggestedCommand("show " + std::to_string(runId), o.db) << "`, `"
              << suggestedCommand("export " + std::to_string(runId) + " --format csv", o.db)
              << "`, or the desktop app (`" << suggestedCommand("", o.db) << "`).\n";

    switch (runner.finalStatus()) {
    case RunStatus::Completed:
        return kExitOk;
    case RunStatus::Cancelled:
        return kExitCancelled;
    default:
        return kExitFailures;
    }
}

} // namespace

Command addRunCommand(CLI::App& root) {
    auto o = std::make_shared<RunOptions>();
    auto* app = root.add_subcommand("run", "Run a benchmark plan, store it and print the summary table and knees");
    addDatabaseOption(*app, o->db);
    app->add_option("--preset", o->preset,
                    "Start from a preset: " + joinList(presetNames(), ", ") +
                        " (default: quick, unless --plan is given)")
        ->type_name("NAME");
    app->add_option("--plan", o->planFile, "Load the plan from a JSON file (docs/plan.md); options below override it")
        ->type_name("FILE");
    app->add_option("--targets", o->targets, "Comma-separated target names (see `loadscope targets`)")
        ->type_name("A,B");
    app->add_option("--scenario", o->scenario, "The scenario every target serves (e.g. simple, complex)")
        ->type_name("NAME");
    app->add_option("--rates", o->rates, "Requests per second: a list 500,1000 or a range 500:3000:500")
        ->type_name("RATES");
    app->add_option("--duration", o->duration, "Measured time per step, e.g. 20s")->type_name("TIME");
    app->add_option("--warmup", o->warmup, "Warm-up before each step, left out of the results")->type_name("TIME");
    app->add_option("--cooldown", o->cooldown, "Pause between steps")->type_name("TIME");
    app->add_option("--repeat", o->repeat, "Repetitions of the whole set of rates")->type_name("N");
    app->add_option("--connections", o->connections,
                    "Connections per step, or auto (rate x ideal latency x 4, at least 256)")
        ->type_name("N|auto");
    app->add_option("--timeout", o->timeout, "Request timeout (default 5s)")->type_name("TIME");
    app->add_option("--order", o->order, "interleaved (default: each rate, every target in turn) or sequential")
        ->type_name("ORDER");
    app->add_option("--slo", o->slo, "Service level objective, e.g. p99<75ms or p99<=1.5x,errors<0.1%")
        ->type_name("SLO");
    app->add_option("--arrivals", o->arrivals, "uniform (default) or poisson")->type_name("MODE");
    app->add_option("--server-host", o->serverHost,
                    "Run the servers on this host over SSH: user@host[:port] (default: local; docs/hosts.md)")
        ->type_name("HOST");
    app->add_option("--generator-hosts", o->generatorHosts,
                    "Split the load between generators on these hosts over SSH: user@h1,user@h2 (\"local\" is this "
                    "machine)")
        ->type_name("HOSTS");
    app->add_option("--ssh-config", o->sshConfig, "Use this ssh_config instead of ~/.ssh/config (ssh -F)")
        ->type_name("PATH");
    app->add_option("--name", o->name, "The run's name (default: \"PRESET: a vs b\")")->type_name("TEXT");
    app->add_option("--pin", o->pin, "Pin the server and the generator to these cores (default 0 and the last)")
        ->type_name("S,G");
    app->add_flag("--search", o->search,
                  "Find each target's knee by a search (climb x1.5 until the SLO breaks, then bisect) instead of a "
                  "list of rates; --rates, if given, sets its start");
    app->add_flag("--sweep", o->sweep,
                  "Measure the plan's rates, not a search (implied by --rates unless --search is given)");
    app->add_option("--max-time", o->maxTime, "With --search: a time budget; then it reports the bracket reached")
        ->type_name("TIME");
    app->add_option("--search-start", o->searchStart,
                    "With --search: the first rate (default: from the ideal latency and the connections)")
        ->type_name("RPS");
    app->add_option("--resolution", o->resolution, "With --search: stop when the bracket is this narrow (default 5%)")
        ->type_name("PERCENT");
    app->add_option("--tag", o->tags, "Tag the stored run (repeatable), e.g. for `check --baseline tag:NAME`")
        ->type_name("TAG");
    app->add_flag("--profile", o->profile,
                  "Profile the server during every measured step (flame graphs: `loadscope profile`)");
    app->add_option("--profile-rates", o->profileRates, "Profile only the steps at these rates (implies --profile)")
        ->type_name("LIST");
    app->add_option("--profile-repetitions", o->profileRepetitions,
                    "Profile only these repetitions, e.g. 2,4 to pair them with unprofiled ones (implies --profile)")
        ->type_name("LIST");
    app->add_option("--profile-hz", o->profileHz, "The Python sampler's rate (default 100)")->type_name("HZ");
    app->add_flag("--no-pin", o->noPin, "Do not pin the server and the generator to cores");
    app->add_flag("--no-stop-rule", o->noStopRule, "Measure every rate even after a target gave up");
    app->add_flag("--faithful", o->faithful, "With a seed preset: the founding benchmark's 300 s x 5 repetitions");
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
