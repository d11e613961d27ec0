// `loadscope run`'s plan options: validators as they are parsed, then the plan they make.
#include "cli_run_plan.h"

#include "cli_command.h"
#include "option_checks.h"
#include "plan_text.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>

namespace loadscope::cli {

namespace {

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

// The plan's text parsers (rates, durations, SLOs) put the field they read in front of their message ("rates: ...");
// CLI11 puts the option's name there instead, so the validator says the rest.
CLI::Validator planTextCheck(const std::string& field, std::function<void(const std::string&)> parse,
                             const std::string& typeName) {
    return textCheck(
        [field, parse = std::move(parse)](const std::string& text) -> std::string {
            try {
                parse(text);
                return {};
            } catch (const PlanError& e) {
                std::string_view message = e.what();
                if (message.starts_with(field + ": "))
                    message.remove_prefix(field.size() + 2);
                return std::string(message);
            }
        },
        typeName);
}

CLI::Validator durationCheck(const std::string& option) {
    return planTextCheck(
        option, [option](const std::string& text) { parseDurationS(text, option); }, "");
}

CLI::Validator ratesCheck() {
    return planTextCheck(
        "rates",
        [](const std::string& text) {
            if (text.find_first_not_of(", ") == std::string::npos)
                throw PlanError("rates: empty; expected a list 500,1000 or a range 500:3000:500");
            parseRates(text);
        },
        "");
}

// "auto", or a number of connections.
std::optional<int> connectionCount(const std::string& text) {
    char* end = nullptr;
    const long n = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || n < 1 || n > 1'000'000)
        return std::nullopt;
    return static_cast<int>(n);
}

// "SERVER_CORE,GENERATOR_CORE", each 0 or more.
std::optional<std::pair<int, int>> pinnedCores(const std::string& text) {
    const auto cores = splitList(text, ',');
    if (cores.size() != 2)
        return std::nullopt;
    const auto core = [](const std::string& item) -> std::optional<int> {
        char* end = nullptr;
        const long n = std::strtol(item.c_str(), &end, 10);
        return item.empty() || *end != '\0' || n < 0 || n > 1'000'000 ? std::nullopt : std::optional<int>(int(n));
    };
    const auto server = core(cores[0]), generator = core(cores[1]);
    if (!server || !generator)
        return std::nullopt;
    return std::pair{*server, *generator};
}

// "5%" or "5": a percentage from 1 to 50.
std::optional<double> resolutionPercent(std::string text) {
    if (!text.empty() && text.back() == '%')
        text.pop_back();
    char* end = nullptr;
    const double percent = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(percent >= 1 && percent <= 50))
        return std::nullopt;
    return percent;
}

void addPlanSourceOptions(CLI::App& app, RunPlanOptions& o) {
    app.add_option("--preset", o.preset,
                   "Start from a preset: " + joinList(presetNames(), ", ") +
                       " (default: quick, unless --plan is given)")
        ->type_name("NAME")
        ->check(textCheck(
            [](const std::string& name) {
                return presetPlan(name)
                           ? std::string()
                           : "unknown preset '" + name + "' (expected one of: " + joinList(presetNames(), ", ") + ")";
            },
            ""));
    app.add_option("--plan", o.planFile, "Load the plan from a JSON file (docs/plan.md); options below override it")
        ->type_name("FILE");
    app.add_option("--targets", o.targets, "Comma-separated target names (see `loadscope targets`)")
        ->type_name("A,B")
        ->check(textCheck(
            [](const std::string& text) {
                return text.find_first_not_of(", ") != std::string::npos
                           ? std::string()
                           : "empty; expected comma-separated target names, e.g. aiohttp,tornado-async (see "
                             "`loadscope targets`)";
            },
            ""));
    app.add_option("--scenario", o.scenario, "The scenario every target serves (e.g. simple, complex)")
        ->type_name("NAME");
    app.add_option("--name", o.name, "The run's name (default: \"PRESET: a vs b\")")->type_name("TEXT");
    app.add_flag("--faithful", o.faithful, "With a seed preset: the founding benchmark's 300 s x 5 repetitions");
}

void addStepOptions(CLI::App& app, RunPlanOptions& o) {
    app.add_option("--rates", o.rates, "Requests per second: a list 500,1000 or a range 500:3000:500")
        ->type_name("RATES")
        ->check(ratesCheck());
    app.add_option("--duration", o.duration, "Measured time per step, e.g. 20s")
        ->type_name("TIME")
        ->check(durationCheck("--duration"));
    app.add_option("--warmup", o.warmup, "Warm-up before each step, left out of the results")
        ->type_name("TIME")
        ->check(durationCheck("--warmup"));
    app.add_option("--cooldown", o.cooldown, "Pause between steps")
        ->type_name("TIME")
        ->check(durationCheck("--cooldown"));
    app.add_option("--repeat", o.repeat, "Repetitions of the whole set of rates")->type_name("N");
    app.add_option("--connections", o.connections,
                   "Connections per step, or auto (rate x ideal latency x 4, at least 256)")
        ->type_name("N|auto")
        ->check(textCheck(
            [](const std::string& text) {
                return text == "auto" || connectionCount(text)
                           ? std::string()
                           : "expected a number of connections (1 or more) or 'auto', got '" + text + "'";
            },
            ""));
    app.add_option("--timeout", o.timeout, "Request timeout (default 5s)")
        ->type_name("TIME")
        ->check(durationCheck("--timeout"));
    app.add_option("--order", o.order, "interleaved (default: each rate, every target in turn) or sequential")
        ->type_name("ORDER")
        ->check(choiceCheck({"interleaved", "sequential"}));
    app.add_option("--slo", o.slo, "Service level objective, e.g. p99<75ms or p99<=1.5x,errors<0.1%")
        ->type_name("SLO")
        ->check(planTextCheck(
            "slo", [](const std::string& text) { parseSlo(text); }, ""));
    app.add_option("--arrivals", o.arrivals, "uniform (default) or poisson")
        ->type_name("MODE")
        ->check(choiceCheck({"uniform", "poisson"}));
    app.add_flag("--no-stop-rule", o.noStopRule, "Measure every rate even after a target gave up");
}

void addPlacementOptions(CLI::App& app, RunPlanOptions& o) {
    app.add_option("--server-host", o.serverHost,
                   "Run the servers on this host over SSH: user@host[:port] (default: local; docs/hosts.md)")
        ->type_name("HOST");
    app.add_option("--generator-hosts", o.generatorHosts,
                   "Split the load between generators on these hosts over SSH: user@h1,user@h2 (\"local\" is this "
                   "machine)")
        ->type_name("HOSTS");
    app.add_option("--pin", o.pin, "Pin the server and the generator to these cores (default 0 and the last)")
        ->type_name("S,G")
        ->check(textCheck(
            [](const std::string& text) {
                return pinnedCores(text) ? std::string()
                                         : "expected SERVER_CORE,GENERATOR_CORE like 0,1; got '" + text + "'";
            },
            ""));
    app.add_flag("--no-pin", o.noPin, "Do not pin the server and the generator to cores");
}

void addSearchOptions(CLI::App& app, RunPlanOptions& o) {
    auto* search = app.add_flag("--search", o.search,
                                "Find each target's knee by a search (climb x1.5 until the SLO breaks, then bisect) "
                                "instead of a list of rates; --rates, if given, sets its start");
    app.add_flag("--sweep", o.sweep,
                 "Measure the plan's rates, not a search (implied by --rates unless --search is given)")
        ->excludes(search);
    app.add_option("--max-time", o.maxTime, "With --search: a time budget; then it reports the bracket reached")
        ->type_name("TIME")
        ->check(durationCheck("--max-time"));
    app.add_option("--search-start", o.searchStart,
                   "With --search: the first rate (default: from the ideal latency and the connections)")
        ->type_name("RPS")
        ->check(planTextCheck(
            "rates",
            [](const std::string& text) {
                if (parseRates(text).size() != 1)
                    throw PlanError("expected one rate in requests per second, e.g. 500; got '" + text + "'");
            },
            ""));
    app.add_option("--resolution", o.resolution, "With --search: stop when the bracket is this narrow (default 5%)")
        ->type_name("PERCENT")
        ->check(textCheck(
            [](const std::string& text) {
                return resolutionPercent(text) ? std::string()
                                               : "expected a percentage from 1 to 50, e.g. 5%; got '" + text + "'";
            },
            ""));
}

void addProfileOptions(CLI::App& app, RunPlanOptions& o) {
    app.add_flag("--profile", o.profile,
                 "Profile the server during every measured step (flame graphs: `loadscope profile`)");
    app.add_option("--profile-rates", o.profileRates, "Profile only the steps at these rates (implies --profile)")
        ->type_name("LIST")
        ->check(planTextCheck(
            "rates", [](const std::string& text) { parseRates(text); }, ""));
    app.add_option("--profile-repetitions", o.profileRepetitions,
                   "Profile only these repetitions, e.g. 2,4 to pair them with unprofiled ones (implies --profile)")
        ->type_name("LIST")
        ->delimiter(',')
        ->check(rangeCheck(1, 1000, "repetition numbers from 1, e.g. 2,4", true));
    app.add_option("--profile-hz", o.profileHz, "The Python sampler's rate (default 100)")
        ->type_name("HZ")
        ->check(rangeCheck(1, 1000, "1 to 1000 samples per second"));
}

std::string readPlanFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw UsageError("--plan: cannot read " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The preset (quick unless a plan file is given), then the plan file over it.
BenchmarkPlan startingPlan(const RunPlanOptions& o) {
    BenchmarkPlan plan;
    const std::string presetName = !o.preset.empty() ? o.preset : o.planFile.empty() ? "quick" : "";
    if (!presetName.empty()) {
        if (o.faithful && presetName == "quick")
            throw UsageError("--faithful: applies to the seed presets (seed-simple, seed-complex), not to quick");
        plan = *presetPlan(presetName, o.faithful); // the name was checked as it was parsed
    }
    if (o.planFile.empty())
        return plan;
    try {
        return planFromJson(readPlanFile(o.planFile), o.planFile);
    } catch (const PlanError& e) {
        throw UsageError(std::string("--plan: ") + e.what());
    }
}

// What each step measures; every text here passed its option's validator.
void applyStepOptions(const RunPlanOptions& o, BenchmarkPlan& plan) {
    if (o.targets)
        plan.targets = splitList(*o.targets, ',');
    if (!o.scenario.empty())
        plan.scenario = o.scenario;
    if (o.rates)
        plan.rates = parseRates(*o.rates);
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
    if (o.connections == "auto")
        plan.connections.reset();
    else if (!o.connections.empty())
        plan.connections = connectionCount(o.connections);
    if (!o.order.empty())
        plan.order = *stepOrderFromString(o.order);
    if (!o.arrivals.empty())
        plan.arrivals = o.arrivals;
    if (o.noStopRule)
        plan.stopRule = false;
}

// Where the server and the generators run, and on which cores.
void applyPlacementOptions(const RunPlanOptions& o, BenchmarkPlan& plan) {
    if (!o.serverHost.empty())
        plan.serverHost = o.serverHost == "local" ? "" : o.serverHost;
    if (!o.generatorHosts.empty())
        plan.generatorHosts = splitList(o.generatorHosts, ',');
    if (const auto cores = pinnedCores(o.pin)) {
        plan.pinning.serverCore = cores->first;
        plan.pinning.generatorCore = cores->second;
        plan.pinning.enabled = true;
    }
    if (o.noPin)
        plan.pinning.enabled = false;
}

// --search / --sweep and the search's own options (which imply --search). Rates listed with --rates are rates to
// measure: they make a preset's search a sweep unless --search asks for the search.
void applySearchOptions(const RunPlanOptions& o, BenchmarkPlan& plan) {
    const bool searchAsked = o.search || !o.maxTime.empty() || !o.searchStart.empty() || !o.resolution.empty();
    if (searchAsked)
        plan.mode = PlanMode::Search;
    if (o.sweep || (o.rates && !searchAsked))
        plan.mode = PlanMode::Sweep;
    if (!o.maxTime.empty())
        plan.search.maxTimeS = parseDurationS(o.maxTime, "--max-time");
    if (!o.searchStart.empty())
        plan.search.startRps = parseRates(o.searchStart).front();
    if (const auto percent = resolutionPercent(o.resolution))
        plan.search.resolution = *percent / 100.0;
}

// --profile, --profile-rates, --profile-repetitions, --profile-hz on top of the plan's "profile".
void applyProfileOptions(const RunPlanOptions& o, BenchmarkPlan& plan) {
    if (o.profile || !o.profileRates.empty() || !o.profileRepetitions.empty() || o.profileHz)
        plan.profile.enabled = true;
    if (!o.profileRates.empty())
        plan.profile.rates = parseRates(o.profileRates);
    if (!o.profileRepetitions.empty())
        plan.profile.repetitions = o.profileRepetitions;
    if (o.profileHz)
        plan.profile.sampleRateHz = *o.profileHz;
    const std::string outside = profileRateOutsidePlan(plan.profile, plan.rates, plan.mode == PlanMode::Sweep);
    if (!outside.empty())
        throw UsageError("--profile-rates: " + outside);
}

} // namespace

void addRunPlanOptions(CLI::App& run, RunPlanOptions& options) {
    addPlanSourceOptions(run, options);
    addStepOptions(run, options);
    addPlacementOptions(run, options);
    addSearchOptions(run, options);
    addProfileOptions(run, options);
}

BenchmarkPlan buildPlan(const RunPlanOptions& o) {
    BenchmarkPlan plan = startingPlan(o);
    applyStepOptions(o, plan);
    applyPlacementOptions(o, plan);
    applySearchOptions(o, plan);
    applyProfileOptions(o, plan);
    if (!o.name.empty())
        plan.name = o.name;
    if (plan.name.empty())
        plan.name = defaultRunName(plan);
    return plan;
}

std::string fieldWithOption(const std::string& field) {
    const auto base = field.substr(0, field.find('['));
    if (const auto it = kOptionOfField.find(base); it != kOptionOfField.end())
        return field + " (" + it->second + ")";
    if (base.starts_with("slo."))
        return field + " (--slo)";
    return field;
}

} // namespace loadscope::cli
