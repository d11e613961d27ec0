// loadscope export RUN --format json|csv|hlog [--out FILE].
#include "cli_command.h"
#include "cli_files.h"
#include "cli_summary.h"
#include "cli_table.h"
#include "hlog_writer.h"
#include "plan_text.h"
#include "run_csv.h"
#include "run_store.h"

#include <iostream>
#include <memory>
#include <sstream>

namespace loadscope::cli {

namespace {

struct ExportOptions {
    std::string db;
    std::string run;
    std::string format;
    std::string out;
};

int exportRun(const ExportOptions& o) {
    std::string format = o.format;
    if (format.empty()) { // from the file name, else JSON
        const auto ext = std::filesystem::path(o.out).extension().string();
        format = ext == ".csv" ? "csv" : ext == ".hlog" ? "hlog" : "json";
    }
    if (format != "json" && format != "csv" && format != "hlog")
        throw UsageError("--format: expected json, csv or hlog, got '" + format + "'");
    auto store = RunStore::open(existingDatabase(o.db), RunStore::OpenMode::ReadOnly);
    const auto id = resolveRunId(store, o.run);
    std::string content;
    if (format == "json") {
        content = store.exportRunJson(id);
        if (content.empty() || content.back() != '\n')
            content += "\n";
    } else if (format == "hlog") {
        auto run = *store.loadRun(id);
        store.loadHistograms(run.steps);
        content = importers::runToHlog(run);
    } else {
        content = runToCsv(*store.loadRun(id));
    }
    if (o.out.empty() || o.out == "-") {
        std::cout << content;
        return kExitOk;
    }
    writeFileAtomically(o.out, content);
    std::cerr << "Exported run " << id << " as " << format << " to " << o.out << "\n";
    return kExitOk;
}

} // namespace

Command addExportCommand(CLI::App& root) {
    auto options = std::make_shared<ExportOptions>();
    auto* app = root.add_subcommand("export", "Export one run as JSON (the whole run, re-importable), CSV (one row "
                                              "per step) or an HdrHistogram log (each step's histogram); with "
                                              "--chart KIND, one of its charts as PNG, PDF or SVG");
    addDatabaseOption(*app, options->db);
    app->add_option("RUN", options->run, "The run's id (see `loadscope list`) or 'last'")->required();
    app->add_option("--format", options->format, "json, csv or hlog (default: from --out's extension, else json)")
        ->type_name("FORMAT");
    app->add_option("--out", options->out, "Write to FILE instead of standard output")->type_name("FILE");
    app->footer("Charts as images: `loadscope export RUN --chart KIND --out FILE.png` (or .pdf, .svg), KIND one of "
                "latency-vs-rps, spectrum, timeline, comparison, resources; `loadscope export RUN --chart KIND --help` "
                "lists the chart options (docs/cli.md).");
    return {app, [options] { return exportRun(*options); }};
}

} // namespace loadscope::cli
