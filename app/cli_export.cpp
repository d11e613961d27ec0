// loadscope export RUN --format json|csv|hlog [--out FILE], and RUN... --chart KIND --out FILE.png|pdf|svg: one
// command, whose chart kinds and options come from the GUI library when the executable links it (ChartExporter).
#include "cli_command.h"
#include "cli_files.h"
#include "cli_summary.h"
#include "cli_table.h"
#include "hlog_writer.h"
#include "option_checks.h"
#include "plan_text.h"
#include "run_store.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <memory>
#include <sstream>

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

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

std::string num(double v) {
    return formatNumber(v, 4);
}

// One row per step, in execution order; latencies in ms (see docs/cli.md for the columns).
std::string runToCsv(const Run& run) {
    std::ostringstream out;
    const std::vector<std::string> header{"run_id",
                                          "run_name",
                                          "sequence",
                                          "target",
                                          "scenario",
                                          "requested_rps",
                                          "repetition",
                                          "status",
                                          "status_message",
                                          "started",
                                          "duration_s",
                                          "achieved_rps",
                                          "due",
                                          "sent",
                                          "completed",
                                          "ok",
                                          "waited",
                                          "peak_in_flight",
                                          "errors_total",
                                          "errors_connect",
                                          "errors_read",
                                          "errors_timeout",
                                          "errors_status",
                                          "p50_ms",
                                          "p75_ms",
                                          "p90_ms",
                                          "p95_ms",
                                          "p99_ms",
                                          "p999_ms",
                                          "p9999_ms",
                                          "max_ms",
                                          "mean_ms",
                                          "service_p50_ms",
                                          "service_p99_ms",
                                          "service_max_ms",
                                          "lateness_p50_ms",
                                          "lateness_p99_ms",
                                          "lateness_max_ms",
                                          "server_cpu_percent",
                                          "server_peak_rss_bytes",
                                          "server_threads",
                                          "server_voluntary_ctx",
                                          "server_involuntary_ctx",
                                          "generator_cpu_percent",
                                          "flags",
                                          "flag_reason"};
    out << joinList(header, ",") << "\n";
    for (const auto& s : run.steps) {
        std::vector<std::string> statusCodes;
        for (const auto& [code, n] : s.errors.status)
            statusCodes.push_back(std::to_string(code) + ":" + std::to_string(n));
        const std::vector<std::string> row{std::to_string(run.id),
                                           csvField(run.name),
                                           std::to_string(s.sequence),
                                           csvField(s.targetName),
                                           csvField(s.scenario),
                                           num(s.requestedRps),
                                           std::to_string(s.repetition),
                                           std::string(toString(s.status)),
                                           csvField(s.statusMessage),
                                           isoTime(s.startedMs),
                                           num(s.durationS),
                                           num(s.achievedRps),
                                           std::to_string(s.due),
                                           std::to_string(s.sent),
                                           std::to_string(s.completed),
                                           std::to_string(s.ok),
                                           std::to_string(s.waited),
                                           std::to_string(s.peakInFlight),
                                           std::to_string(s.errors.total()),
                                           std::to_string(s.errors.connect),
                                           std::to_string(s.errors.read),
                                           std::to_string(s.errors.timeout),
                                           joinList(statusCodes, ";"),
                                           num(s.latency.p50Ms),
                                           num(s.latency.p75Ms),
                                           num(s.latency.p90Ms),
                                           num(s.latency.p95Ms),
                                           num(s.latency.p99Ms),
                                           num(s.latency.p999Ms),
                                           num(s.latency.p9999Ms),
                                           num(s.latency.maxMs),
                                           num(s.latency.meanMs),
                                           num(s.serviceTime.p50Ms),
                                           num(s.serviceTime.p99Ms),
                                           num(s.serviceTime.maxMs),
                                           num(s.latenessP50Ms),
                                           num(s.latenessP99Ms),
                                           num(s.latenessMaxMs),
                                           num(s.server.cpuPercent),
                                           std::to_string(s.server.peakRssBytes),
                                           std::to_string(s.server.threads),
                                           std::to_string(s.server.voluntaryContextSwitches),
                                           std::to_string(s.server.involuntaryContextSwitches),
                                           num(s.generatorCpuPercent),
                                           csvField(describeFlags(s.flags)),
                                           csvField(s.flags.reason)};
        out << joinList(row, ",") << "\n";
    }
    return out.str();
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
