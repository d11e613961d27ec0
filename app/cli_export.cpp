// loadscope export RUN --format json|csv|hlog [--out FILE].
#include "cli_command.h"
#include "cli_files.h"
#include "cli_summary.h"
#include "cli_table.h"
#include "hlog_writer.h"
#include "plan_text.h"
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
