// loadscope export RUN --format json|csv|hlog [--out FILE], and RUN... --chart KIND --out FILE.png|pdf|svg: one
// command, whose chart kinds and options come from the GUI library when the executable links it (ChartExporter).
#include "cli_command.h"
#include "cli_files.h"
#include "cli_summary.h"
#include "cli_table.h"
#include "hlog_writer.h"
#include "option_checks.h"
#include "plan_text.h"
#include "run_csv.h"
#include "run_store.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <memory>

namespace loadscope::cli {

namespace {

struct ExportOptions {
    std::string db;
    std::vector<std::string> runs;
    std::string format;
    std::string out;
    std::string chart;
};

const std::vector<std::string> kDataFormats{"json", "csv", "hlog"};

ChartExporter& registeredChartExporter() {
    static ChartExporter exporter;
    return exporter;
}

// --format, else from --out's extension, else json.
std::string dataFormat(const ExportOptions& o) {
    if (!o.format.empty() && std::find(kDataFormats.begin(), kDataFormats.end(), o.format) == kDataFormats.end())
        throw UsageError("--format: " + o.format + " is a chart's format: add --chart KIND (" +
                         joinList(registeredChartExporter().kinds, ", ") + ")");
    return outputFormat(o.format, o.out, {{".csv", "csv"}, {".hlog", "hlog"}}, "json");
}

std::string exportedContent(const RunStore& store, std::int64_t id, const std::string& format) {
    if (format == "json") {
        std::string content = store.exportRunJson(id);
        if (content.empty() || content.back() != '\n')
            content += "\n";
        return content;
    }
    auto run = *store.loadRun(id);
    if (format == "csv")
        return runToCsv(run);
    store.loadHistograms(run.steps);
    return importers::runToHlog(run);
}

int exportData(const ExportOptions& o) {
    const std::string format = dataFormat(o);
    if (o.runs.size() != 1)
        throw UsageError("RUN: the " + format + " export takes one run, got " + std::to_string(o.runs.size()) +
                         " (several runs are compared by --chart comparison, or `loadscope report`)");
    auto store = RunStore::open(existingDatabase(o.db), RunStore::OpenMode::ReadOnly);
    const auto id = resolveRunId(store, o.runs.front());
    if (writeOutput(o.out, exportedContent(store, id, format)))
        std::cerr << "Exported run " << id << " as " << format << " to " << o.out << "\n";
    return kExitOk;
}

// --format, else the --out file's suffix; it must be one the chart exporter writes.
std::string chartFormat(const ExportOptions& o, const ChartExporter& exporter) {
    const auto& formats = exporter.formats;
    if (!o.format.empty() && std::find(formats.begin(), formats.end(), o.format) == formats.end())
        throw UsageError("--format: expected " + alternativesText(formats) + " with --chart, got '" + o.format + "'");
    std::vector<std::pair<std::string, std::string>> byExtension;
    std::vector<std::string> suffixes;
    for (const auto& format : formats) {
        byExtension.emplace_back("." + format, format);
        suffixes.push_back("." + format);
    }
    if (auto format = outputFormat(o.format, o.out, byExtension, ""); !format.empty())
        return format;
    throw UsageError("--format: not given, and the --out file \"" + o.out + "\" does not end in " +
                     alternativesText(suffixes));
}

// Said before anything is loaded or drawn, and as the data export says bad input (exit 2).
void requireWritableFile(const std::string& out) {
    const std::filesystem::path file = std::filesystem::absolute(out);
    std::error_code ec;
    const bool folderWritable =
        std::filesystem::is_directory(file.parent_path(), ec) && access(file.parent_path().c_str(), W_OK) == 0;
    const bool fileWritable = !std::filesystem::exists(file, ec) || access(file.c_str(), W_OK) == 0;
    if (!folderWritable || !fileWritable)
        throw UsageError("--out: cannot write " + out + " (does the folder exist? is it writable?)");
}

int exportChart(const ExportOptions& o) {
    const ChartExporter& exporter = registeredChartExporter();
    if (!exporter.write)
        throw UsageError("--chart: this loadscope was built without the desktop app (LOADSCOPE_BUILD_GUI=OFF), "
                         "whose code draws the charts");
    if (o.out.empty())
        throw UsageError("--out: required with --chart (the image file to write)");
    const std::string format = chartFormat(o, exporter);
    requireWritableFile(o.out);
    const auto store = RunStore::open(existingDatabase(o.db), RunStore::OpenMode::ReadOnly);
    std::vector<std::int64_t> ids;
    std::string idText;
    for (const auto& run : o.runs) {
        ids.push_back(resolveRunId(store, run));
        idText += (idText.empty() ? "" : ", ") + std::to_string(ids.back());
    }
    std::string written;
    try {
        written = exporter.write(store.path(), ids, o.chart, format, o.out);
    } catch (const CLI::ValidationError& e) {
        throw UsageError(e.what());
    }
    std::cout << "wrote " << o.out << ": " << o.chart << " chart of run " << idText << ", " << written << "\n";
    return kExitOk;
}

void addChartOptions(CLI::App& command, ExportOptions& options) {
    const std::string group = "Charts (with --chart)";
    const ChartExporter& exporter = registeredChartExporter();
    auto* chart =
        command
            .add_option("--chart", options.chart,
                        exporter.kinds.empty() ? std::string("Draw a chart of the runs (needs the desktop app's build)")
                                               : "Draw this chart of the runs into --out (PNG, PDF or SVG), as the "
                                                 "desktop app does")
            ->type_name("KIND")
            ->group(group);
    if (!exporter.kinds.empty())
        chart->check(choiceCheck(exporter.kinds, "one of " + joinList(exporter.kinds, "|")));
    if (exporter.addOptions)
        exporter.addOptions(command, group);
}

} // namespace

void registerChartExporter(ChartExporter exporter) {
    registeredChartExporter() = std::move(exporter);
}

Command addExportCommand(CLI::App& root) {
    auto options = std::make_shared<ExportOptions>();
    auto* app = addStoredRunsCommand(root, "export",
                                     "Export one run as JSON (the whole run, re-importable), CSV (one row per step) or "
                                     "an HdrHistogram log (each step's histogram); with --chart KIND, a chart of one "
                                     "or more runs as PNG, PDF or SVG",
                                     options->db);
    addRunArguments(*app, options->runs, "The run (with --chart, the runs compared)");
    std::vector<std::string> formats = kDataFormats;
    for (const auto& format : registeredChartExporter().formats)
        formats.push_back(format);
    std::string expected = alternativesText(kDataFormats);
    if (formats.size() > kDataFormats.size())
        expected += " (with --chart: " + alternativesText(registeredChartExporter().formats) + ")";
    addOutputOptions(*app, options->out, options->format, formats, "Write to FILE instead of standard output",
                     "json, csv or hlog; with --chart png, pdf or svg (default: from --out's extension, else json)",
                     expected);
    addChartOptions(*app, *options);
    app->footer("Charts as images: `loadscope export RUN --chart KIND --out FILE.png` (or .pdf, .svg); "
                "docs/cli.md.");
    return {app, [options] { return options->chart.empty() ? exportData(*options) : exportChart(*options); }};
}

} // namespace loadscope::cli
