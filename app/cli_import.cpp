// loadscope import FILE...: result files of other load tools (importers/), or a run exported as JSON by Loadscope.
// Every file is read and checked before the database is touched; a new run is written in one transaction.
#include "benchmark_plan.h"
#include "cli_command.h"
#include "cli_table.h"
#include "format_registry.h"
#include "run_assembler.h"
#include "run_json.h"
#include "run_store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <set>

namespace loadscope::cli {

namespace {

using namespace loadscope::importers;

struct ImportOptions {
    std::string db;
    std::vector<std::string> files;
    std::string tool = "auto";
    std::string target;
    std::string rate;
    std::string name;
    std::string into;
    std::string hlogUnit;
    std::string slo;
};

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// "2000" or "500,1000,2000".
std::vector<double> parseRateList(const std::string& text) {
    std::vector<double> rates;
    if (text.empty())
        return rates;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find(',', start);
        const auto part = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        std::size_t used = 0;
        double value = 0;
        try {
            value = std::stod(part, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (part.empty() || used != part.size() || !(value > 0) || value > 10'000'000)
            throw UsageError("--rate: expected requests per second (above 0), one or one per file separated by "
                             "commas, got '" +
                             part + "'");
        rates.push_back(value);
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return rates;
}

int importLoadscopeJson(const ImportOptions& o, const std::string& file) {
    std::string content;
    if (file == "-") {
        content.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        std::ifstream in(file, std::ios::binary);
        if (!in)
            throw UsageError("FILE: cannot read " + file);
        content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    const std::string source = file == "-" ? "stdin" : file;
    auto store = RunStore::open(o.db);
    try {
        const auto id = store.importRunJson(content, source);
        const auto run = store.loadRun(id);
        std::cout << "Imported " << source << " as run " << id << " \"" << (run ? run->name : "") << "\" ("
                  << (run ? run->steps.size() : 0) << " steps) into " << o.db << "\n";
    } catch (const StoreError& e) {
        throw UsageError(e.what()); // the store names the field; a bad document is bad input, not a broken store
    }
    return kExitOk;
}

// The plan an imported run shows: its targets, rates and the longest step; the SLO given with --slo, else the
// default, relative to an ideal latency the files do not give: then the run has no verdicts.
std::string importedPlanJson(const Run& run, const std::string& slo) {
    BenchmarkPlan plan;
    if (!slo.empty()) {
        try {
            plan.slo = parseSlo(slo);
        } catch (const PlanError& e) {
            throw UsageError(std::string("--slo: ") + e.what());
        }
    }
    plan.name = run.name;
    plan.scenario = "imported";
    std::set<double> rates;
    for (const auto& s : run.steps) {
        if (std::find(plan.targets.begin(), plan.targets.end(), s.targetName) == plan.targets.end())
            plan.targets.push_back(s.targetName);
        rates.insert(s.requestedRps);
        plan.repetitions = std::max(plan.repetitions, s.repetition);
        plan.stepDurationS = std::max(0.0, s.durationS);
    }
    plan.rates.assign(rates.begin(), rates.end());
    plan.warmupS = 0;
    plan.cooldownS = 0;
    plan.stopRule = false;
    return planToJson(plan);
}

void printSteps(const Run& run, std::size_t firstNew) {
    TextTable table;
    table.addColumn("step");
    table.addColumn("target", TextTable::Align::Left);
    table.addColumn("rps");
    table.addColumn("requests");
    table.addColumn("p50 ms");
    table.addColumn("p99 ms");
    table.addColumn("histogram", TextTable::Align::Left);
    table.addColumn("from", TextTable::Align::Left);
    const auto env = nlohmann::json::parse(run.environmentJson, nullptr, false);
    for (std::size_t i = firstNew; i < run.steps.size(); ++i) {
        const auto& s = run.steps[i];
        std::string fidelity, from;
        if (env.is_object() && env.contains("imports"))
            for (const auto& p : env["imports"])
                if (p.value("sequence", -1) == s.sequence) {
                    fidelity = p.value("fidelity", "");
                    from = p.value("file", "") + " (" + p.value("tool", "") + ")";
                }
        table.addRow({std::to_string(s.sequence), s.targetName, formatRps(s.requestedRps), std::to_string(s.sent),
                      formatMs(s.latency.p50Ms), formatMs(s.latency.p99Ms), fidelity, from});
    }
    table.print(std::cout, "  ");
}

int importFiles(const ImportOptions& o) {
    if (!isKnownTool(o.tool))
        throw UsageError("--tool: expected " + toolChoices() + ", got '" + o.tool + "'");
    // Which format each file is; a Loadscope run file is imported alone, as it always was.
    std::vector<FileFormat> formats;
    for (const auto& file : o.files) {
        if (file == "-") {
            if (o.files.size() > 1 || (o.tool != "auto" && o.tool != "loadscope"))
                throw UsageError("FILE: '-' (standard input) reads a Loadscope run JSON, alone; give other tools' "
                                 "files by name");
            return importLoadscopeJson(o, file);
        }
        try {
            formats.push_back(detectFormat(file, o.tool));
        } catch (const ImportError& e) {
            throw UsageError(e.what());
        }
    }
    const bool loadscopeRun = std::find(formats.begin(), formats.end(), FileFormat::LoadscopeRun) != formats.end();
    if (loadscopeRun) {
        if (o.files.size() > 1 || !o.target.empty() || !o.rate.empty() || !o.name.empty() || !o.into.empty() ||
            !o.slo.empty())
            throw UsageError("a Loadscope run file (" + o.files.front() +
                             ") is imported alone and as it is: "
                             "without other files, --target, --rate, --name, --slo or --into");
        return importLoadscopeJson(o, o.files.front());
    }

    // Read every file before touching the database: a bad one stops the import with nothing written.
    AssembleOptions assemble;
    assemble.name = o.name;
    assemble.target = o.target;
    assemble.rates = parseRateList(o.rate);
    assemble.nowMs = nowMs();
    ParseOptions parse;
    parse.hlogUnit = o.hlogUnit;
    std::vector<std::vector<ImportedStep>> steps;
    try {
        for (std::size_t i = 0; i < o.files.size(); ++i)
            steps.push_back(importFile(o.files[i], formats[i], parse));
    } catch (const ImportError& e) {
        throw UsageError(e.what());
    }

    auto store = RunStore::open(o.db);
    if (o.into.empty()) {
        Run run;
        try {
            run = assembleRun(steps, assemble);
        } catch (const ImportError& e) {
            throw UsageError(e.what());
        }
        run.planJson = importedPlanJson(run, o.slo);
        const auto id = store.importRunJson(runToJson(run), "import"); // one transaction
        std::cout << "Imported " << o.files.size() << (o.files.size() == 1 ? " file" : " files") << " as run " << id
                  << " \"" << run.name << "\" into " << o.db << ":\n";
        printSteps(run, 0);
        std::cout << "See it with `" << suggestedCommand("show " + std::to_string(id), o.db) << "`.\n";
        return kExitOk;
    }

    if (!o.slo.empty())
        throw UsageError("--slo: a run keeps the SLO it was planned with; --slo is for a new run, not with --into");
    const auto runId = resolveRunId(store, o.into, "--into");
    auto existing = store.loadRun(runId);
    Run added;
    try {
        added = assembleRun(steps, assemble, &*existing);
    } catch (const ImportError& e) {
        throw UsageError(e.what());
    }
    // Everything is checked; the writes follow (targets, then each step in its own transaction).
    for (auto& target : added.targets)
        if (target.id == 0)
            store.addTarget(runId, target);
    for (auto& step : added.steps) {
        step.runId = runId;
        for (const auto& target : added.targets)
            if (target.name == step.targetName)
                step.targetId = target.id;
        store.insertStep(step);
    }
    store.setEnvironment(runId, added.environmentJson);
    store.setTags(runId, added.tags);
    std::cout << "Added " << added.steps.size() << (added.steps.size() == 1 ? " step" : " steps") << " to run " << runId
              << " \"" << added.name << "\" in " << o.db << ":\n";
    printSteps(added, 0);
    return kExitOk;
}

} // namespace

Command addImportCommand(CLI::App& root) {
    auto options = std::make_shared<ImportOptions>();
    auto* app = root.add_subcommand(
        "import", "Import results: other load tools' files (wrk2/wrk, vegeta, k6, oha, HdrHistogram logs, phout) as "
                  "a run with one step per file, or a run exported with `loadscope export --format json`");
    addDatabaseOption(*app, options->db);
    app->add_option("FILE", options->files,
                    "Result files; the format is read from the content ('-': a Loadscope run JSON on standard input)")
        ->required();
    app->add_option("--tool", options->tool, "What wrote the files: " + toolChoices() + " (default: auto)")
        ->type_name("TOOL");
    app->add_option("--target", options->target, "The server the files measured (default: the tool's name)")
        ->type_name("NAME");
    app->add_option("--rate", options->rate,
                    "The requested rate: one for every file or one per file, comma separated (default: the rate "
                    "each file shows, to 3 digits)")
        ->type_name("RPS[,RPS...]");
    app->add_option("--name", options->name, "The new run's name (default: 'Imported FILE (TOOL)')")->type_name("TEXT");
    app->add_option("--into", options->into, "Add the steps to this run ('last', an id) instead of a new run")
        ->type_name("RUN");
    app->add_option("--slo", options->slo,
                    "The SLO the new run is judged by, e.g. 'p99<75ms,errors<0.1%' (without it an import has no "
                    "verdicts: the default SLO is relative to an ideal latency the files do not give)")
        ->type_name("SLO");
    app->add_option("--hlog-unit", options->hlogUnit,
                    "Unit of HdrHistogram log values: ns, us, ms, s (default: from the log's max column, else ns)")
        ->type_name("UNIT");
    app->footer("Formats and what is kept from each: docs/import.md. Bad input is refused with the file, the line "
                "and what was expected (exit 2), and nothing is written.");
    return {app, [options] { return importFiles(*options); }};
}

} // namespace loadscope::cli
