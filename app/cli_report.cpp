// loadscope report RUN... [--out FILE] [--format html|md]: one self-contained HTML file or a Markdown summary
// (report/).
#include "cli_command.h"
#include "cli_files.h"
#include "loadscope_version.h"
#include "report_writer.h"
#include "run_store.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

namespace loadscope::cli {

namespace {

struct ReportCommandOptions {
    std::string db;
    std::vector<std::string> runs;
    std::string format;
    std::string out;
};

int writeReport(const ReportCommandOptions& o) {
    // Markdown on a terminal, HTML into a file unless its name says otherwise.
    const std::string format =
        outputFormat(o.format, o.out, {{".md", "md"}, {".markdown", "md"}, {".html", "html"}, {".htm", "html"}},
                     o.out.empty() || o.out == "-" ? "md" : "html");
    auto store = openForReading(existingDatabase(o.db));
    std::vector<Run> runs;
    for (const auto& text : o.runs) {
        const auto id = resolveRunId(store, text);
        auto run = store.loadRun(id);
        store.loadHistograms(run->steps);
        runs.push_back(std::move(*run));
    }
    report::ReportOptions options;
    options.generatedMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    options.generator = std::string("loadscope ") + LOADSCOPE_VERSION + " (commit " + LOADSCOPE_GIT_COMMIT + ")";
    const auto prepared = report::prepareReport(std::move(runs));
    const std::string content =
        format == "html" ? report::htmlReport(prepared, options) : report::markdownReport(prepared, options);
    if (!writeOutput(o.out, content))
        return kExitOk;
    std::cerr << "Wrote the " << (format == "html" ? "HTML" : "Markdown") << " report of " << prepared.size()
              << (prepared.size() == 1 ? " run" : " runs") << " to " << o.out << "\n";
    return kExitOk;
}

} // namespace

Command addReportCommand(CLI::App& root) {
    auto options = std::make_shared<ReportCommandOptions>();
    auto* app = addStoredRunsCommand(root, "report",
                                     "A report of one or more runs: one self-contained HTML file (verdict, charts, "
                                     "tables, plan, environment; opens offline) or Markdown",
                                     options->db);
    addRunArguments(*app, options->runs);
    addOutputOptions(*app, options->out, options->format, {"html", "md"},
                     "Write to FILE (default: Markdown on standard output)",
                     "html or md (default: from --out's extension, else html; md without --out)");
    return {app, [options] { return writeReport(*options); }};
}

} // namespace loadscope::cli
