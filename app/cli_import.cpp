// loadscope import FILE...: result files of other load tools (importers/), or a run exported as JSON by Loadscope.
// Every file is read and checked before the database is touched; a new run is written in one transaction.
#include "cli_command.h"
#include "cli_table.h"
#include "format_registry.h"
#include "result_import.h"
#include "run_reference.h"
#include "run_store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

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

int importLoadscopeJson(const ImportOptions& o, const std::string& file) {
    std::string content;
    if (file == "-") {
        content.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        std::ifstream in(file, std::ios::binary);
        if (!in)
            throw UsageError(file + ": cannot read (" + std::strerror(errno) + ")");
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
    // A Loadscope run file (or '-', standard input) is imported alone, as it always was.
    const bool loadscopeRun =
        o.files.front() == "-" || (o.tool == "loadscope" || (o.tool == "auto" && isLoadscopeRunFile(o.files.front())));
    if (loadscopeRun) {
        if (o.files.size() > 1 || !o.target.empty() || !o.rate.empty() || !o.name.empty() || !o.into.empty() ||
            !o.slo.empty())
            throw UsageError("a Loadscope run file (" + o.files.front() +
                             ") is imported alone and as it is: without other files, --target, --rate, --name, --slo "
                             "or --into");
        return importLoadscopeJson(o, o.files.front());
    }
    ResultImportRequest request;
    request.files = o.files;
    request.tool = o.tool;
    request.target = o.target;
    request.rates = o.rate;
    request.name = o.name;
    request.slo = o.slo;
    request.hlogUnit = o.hlogUnit;
    if (!o.into.empty() && !o.slo.empty())
        throw UsageError("--slo: a run keeps the SLO it was planned with; --slo is for a new run, not with --into");
    // Every file is read and checked before the database is opened: bad input neither creates nor touches it.
    ParsedImport parsed;
    try {
        parsed = readImportFiles(request);
    } catch (const ImportError& e) {
        throw UsageError(e.what()); // bad input: the message names the file, the line or the option
    }
    auto store = RunStore::open(o.db);
    if (!o.into.empty())
        request.intoRunId = resolveRunId(store, o.into, "--into");
    ResultImportOutcome outcome;
    try {
        outcome = importResults(store, request, parsed);
    } catch (const ImportError& e) {
        throw UsageError(e.what());
    }
    if (outcome.addedToExisting) {
        std::cout << "Added " << outcome.run.steps.size() << (outcome.run.steps.size() == 1 ? " step" : " steps")
                  << " to run " << outcome.runId << " \"" << outcome.run.name << "\" in " << o.db << ":\n";
        printSteps(outcome.run, 0);
        return kExitOk;
    }
    std::cout << "Imported " << o.files.size() << (o.files.size() == 1 ? " file" : " files") << " as run "
              << outcome.runId << " \"" << outcome.run.name << "\" into " << o.db << ":\n";
    printSteps(outcome.run, 0);
    std::cout << "See it with `" << suggestedCommand("show " + std::to_string(outcome.runId), o.db) << "`.\n";
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
    app->add_option("--into", options->into,
                    "Add the steps to this run instead of a new run: " + std::string(kRunReferenceForms))
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
