// The self-contained HTML report (report_writer.h).
#include "number_text.h"
#include "report_charts.h"
#include "report_tables.h"
#include "report_writer.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

namespace loadscope::report {

namespace {

using Json = nlohmann::json;

constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 24px auto; max-width: 1100px;
       padding: 0 16px; color: #1d1d1d; line-height: 1.4; }
h1 { font-size: 26px; margin-bottom: 4px; } h2 { font-size: 20px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 16px; }
.generated { color: #666; font-size: 13px; margin-top: 0; }
.verdict-line { font-size: 17px; font-weight: 600; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; white-space: nowrap; }
th { background: #f4f4f4; } td.text, th.text { text-align: left; white-space: normal; }
td.broken { color: #b00020; } td.held { color: #1b5e20; }
figure { margin: 12px 0 24px; } figcaption { color: #555; font-size: 13px; }
svg.chart { max-width: 100%; height: auto; border: 1px solid #eee; }
.chart-title { font-size: 15px; font-weight: 600; } .axis-label { font-size: 13px; fill: #333; }
.legend-entry { cursor: pointer; } .legend-entry.off { opacity: 0.35; } g.series.off { display: none; }
pre { background: #f7f7f7; padding: 8px; overflow-x: auto; font-size: 12px; }
.imported { background: #fff4d6; padding: 6px 10px; border-left: 4px solid #e6a100; }
)";

// Legend clicks hide and show a series group; nothing else runs.
constexpr const char* kScript = R"(
(function () {
  'use strict';
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    svg.querySelectorAll('.legend-entry').forEach(function (entry) {
      function toggle() {
        var group = entry.getAttribute('data-group');
        var off = !entry.classList.contains('off');
        entry.classList.toggle('off', off);
        svg.querySelectorAll('g.series[data-group="' + group + '"]').forEach(function (series) {
          series.classList.toggle('off', off);
        });
      }
      entry.addEventListener('click', toggle);
      entry.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') toggle(); });
    });
  });
  document.body.setAttribute('data-report-ready', 'yes');
})();
)";

std::string esc(const std::string& text) {
    return escapeXml(text);
}

std::string cell(const std::string& text, const char* cls = nullptr) {
    return std::string("<td") + (cls ? std::string(" class=\"") + cls + "\"" : "") + ">" + esc(text) + "</td>";
}

std::string summaryTable(const std::vector<ReportRun>& runs, const ReportRun& run) {
    std::string html = "<table class=\"summary\"><thead><tr><th class=\"text\">target</th><th>rate</th><th>reps</th>"
                       "<th>achieved</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th>"
                       "<th>errors</th><th class=\"text\">SLO</th><th class=\"text\">notes</th></tr></thead><tbody>\n";
    for (const auto& r : summaryRows(runs, run)) {
        const char* verdictClass = r.verdict.rfind("held", 0) == 0     ? "text held"
                                   : r.verdict.rfind("broken", 0) == 0 ? "text broken"
                                                                       : "text";
        html += "<tr>" + cell(r.target, "text") + cell(r.rate) + cell(r.repetitions) + cell(r.achieved) + cell(r.p50) +
                cell(r.p90) + cell(r.p99) + cell(r.p999) + cell(r.max) + cell(r.errors) +
                cell(r.verdict, verdictClass) + cell(r.notes, "text") + "</tr>\n";
    }
    return html + "</tbody></table>\n";
}

std::string kneeTable(const std::vector<ReportRun>& runs, const ReportRun& run) {
    std::string html = "<table class=\"knees\"><thead><tr><th class=\"text\">target</th><th class=\"text\">knee "
                       "(req/s)</th><th class=\"text\">why</th></tr></thead><tbody>\n";
    for (const auto& k : kneeRows(runs, run))
        html += "<tr>" + cell(k.target, "text") + cell(k.knee, "text") + cell(k.explanation, "text") + "</tr>\n";
    return html + "</tbody></table>\n";
}

std::string environmentTable(const Run& run) {
    const auto env = Json::parse(run.environmentJson, nullptr, false);
    if (!env.is_object())
        return "<p>No environment recorded.</p>\n";
    std::string html = "<table class=\"environment\"><tbody>\n";
    for (const auto& [key, value] : env.items()) {
        if (value.is_object() || value.is_array())
            continue;
        html += "<tr><th class=\"text\">" + esc(key) + "</th>" +
                cell(value.is_string() ? value.get<std::string>() : value.dump(), "text") + "</tr>\n";
    }
    return html + "</tbody></table>\n<details><summary>The whole environment (JSON)</summary><pre>" + esc(env.dump(2)) +
           "</pre></details>\n";
}

std::string importsSection(const Run& run) {
    const auto env = Json::parse(run.environmentJson, nullptr, false);
    if (!env.is_object() || !env.contains("imports") || !env["imports"].is_array() || env["imports"].empty())
        return {};
    std::string html = "<p class=\"imported\">Imported from other tools' result files: these numbers were not "
                       "measured by Loadscope.</p>\n<table class=\"imports\"><thead><tr><th>step</th>"
                       "<th class=\"text\">target</th><th>rate</th><th class=\"text\">tool</th><th class=\"text\">file"
                       "</th><th class=\"text\">histogram</th><th class=\"text\">detail</th><th class=\"text\">sha256"
                       "</th></tr></thead><tbody>\n";
    for (const auto& p : env["imports"]) {
        if (!p.is_object())
            continue;
        html += "<tr>" + cell(std::to_string(p.value("sequence", 0))) + cell(p.value("target", ""), "text") +
                cell(rateText(p.value("requested_rps", 0.0))) +
                cell(p.value("tool", "") + " " + p.value("format", ""), "text") + cell(p.value("file", ""), "text") +
                cell(p.value("fidelity", ""), "text") + cell(p.value("detail", ""), "text") +
                cell(p.value("sha256", "").substr(0, 16) + "...", "text") + "</tr>\n";
    }
    return html + "</tbody></table>\n";
}

Json chartJson(const Chart& chart) {
    Json series = Json::array();
    for (const auto& s : chart.series) {
        Json points = Json::array();
        for (const auto& p : s.points)
            points.push_back({p.x, p.y});
        series.push_back({{"name", s.name}, {"color", s.color}, {"dashed", s.dashed}, {"points", points}});
    }
    static const char* scales[] = {"linear", "log", "percentile"};
    return {{"id", chart.id},
            {"title", chart.title},
            {"x_label", chart.xLabel},
            {"y_label", chart.yLabel},
            {"x_scale", scales[static_cast<int>(chart.xScale)]},
            {"y_scale", scales[static_cast<int>(chart.yScale)]},
            {"series", series}};
}

Json runJson(const std::vector<ReportRun>& runs, const ReportRun& r) {
    Json targets = Json::array();
    for (const auto& t : r.analysis.targets) {
        Json measurements = Json::array();
        for (const auto& m : t.measurements)
            measurements.push_back({{"requested_rps", m.requestedRps},
                                    {"repetitions", m.steps},
                                    {"achieved_rps", m.achievedRps},
                                    {"p50_ms", m.latency.p50Ms},
                                    {"p90_ms", m.latency.p90Ms},
                                    {"p99_ms", m.latency.p99Ms},
                                    {"p999_ms", m.latency.p999Ms},
                                    {"max_ms", m.latency.maxMs},
                                    {"due", m.due},
                                    {"ok", m.ok},
                                    {"errors", m.errors.total()},
                                    {"verdict", verdictText(m)}});
        Json knee = {{"text", t.knee.text()}};
        knee["rps"] = t.knee.kneeRps ? Json(*t.knee.kneeRps) : Json(nullptr);
        targets.push_back({{"target", t.target},
                           {"series", seriesName(runs, r, t.target)},
                           {"knee", knee},
                           {"measurements", measurements}});
    }
    const auto plan = Json::parse(r.run.planJson, nullptr, false);
    const auto env = Json::parse(r.run.environmentJson, nullptr, false);
    return {{"id", r.run.id},
            {"name", r.run.name},
            {"status", std::string(toString(r.run.status))},
            {"created_ms", r.run.createdMs},
            {"verdict", verdictLine(r)},
            {"targets", targets},
            {"plan", plan.is_discarded() ? Json(nullptr) : plan},
            {"environment", env.is_discarded() ? Json(nullptr) : env}};
}

// JSON inside <script>: "</script" would end the element early, so no '<' is left as it is (it only occurs in
// strings, where \u003c means the same).
std::string scriptSafe(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '<')
            out += "\\u003c";
        else
            out += c;
    }
    return out;
}

} // namespace

std::string utcText(std::int64_t ms) {
    const std::time_t seconds = ms / 1000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[64];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
    return text;
}

std::string htmlReport(const std::vector<ReportRun>& runs, const ReportOptions& options) {
    std::string title = "Loadscope report";
    if (runs.size() == 1)
        title += ": " + runs.front().run.name;
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<title>" +
                       esc(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
    html += "<header><h1>" + esc(title) + "</h1><p class=\"generated\">Generated " + esc(utcText(options.generatedMs)) +
            " by " + esc(options.generator) + " from " + std::to_string(runs.size()) +
            (runs.size() == 1 ? " run" : " runs") +
            ". Latency is measured from each request's due time (corrected for coordinated omission) unless a step "
            "says it was imported.</p></header>\n";

    html += "<section id=\"verdict\"><h2>Verdict</h2>\n";
    for (const auto& r : runs) {
        html += "<h3>" + esc(runHeading(r)) + "</h3>\n<p class=\"verdict-line\">" + esc(verdictLine(r)) + "</p>\n";
        html += "<p>SLO: " + esc(sloText(r)) + "</p>\n" + kneeTable(runs, r);
    }
    html += "</section>\n<section id=\"charts\"><h2>Charts</h2>\n";
    const auto charts = reportCharts(runs);
    for (const auto& chart : charts) {
        const bool empty = std::all_of(chart.series.begin(), chart.series.end(),
                                       [](const ChartSeries& s) { return s.points.empty(); });
        if (empty) { // e.g. no per-second timeline in files imported from wrk2 or oha
            html += "<p class=\"no-chart\">" + esc(chart.title) + ": nothing to draw in these runs.</p>\n";
            continue;
        }
        html += "<figure>" + renderSvg(chart);
        html += "<figcaption>" + esc(chart.note.empty() ? "" : chart.note + " ") +
                "Hover a point for its value; click a legend entry to hide or show a series.</figcaption></figure>\n";
    }
    html += "</section>\n<section id=\"summary\"><h2>Summary</h2>\n";
    for (const auto& r : runs)
        html += "<h3>" + esc(runHeading(r)) + "</h3>\n" + summaryTable(runs, r);
    html += "<p>Rates in req/s; latencies in ms; p99 [interval] when there are 3 or more repetitions; SLO: held or "
            "broken, with ? when not confident.</p>\n</section>\n";
    html += "<section id=\"runs\"><h2>Plan, environment and sources</h2>\n";
    for (const auto& r : runs) {
        html += "<h3>" + esc(runHeading(r)) + "</h3>\n<p>Plan: " + esc(planLine(r.run)) + "</p>\n";
        if (!r.run.notes.empty())
            html += "<p>Notes: " + esc(r.run.notes) + "</p>\n";
        html += importsSection(r.run);
        html += environmentTable(r.run);
        html += "<details><summary>The plan (JSON)</summary><pre>" + esc(r.run.planJson) + "</pre></details>\n";
    }
    html += "</section>\n";

    Json data = {{"format", "loadscope-report"}, {"format_version", 1}, {"generated_ms", options.generatedMs}};
    data["runs"] = Json::array();
    for (const auto& r : runs)
        data["runs"].push_back(runJson(runs, r));
    data["charts"] = Json::array();
    for (const auto& chart : charts)
        data["charts"].push_back(chartJson(chart));
    html += "<script type=\"application/json\" id=\"loadscope-report-data\">" + scriptSafe(data.dump()) +
            "</script>\n<script>" + kScript + "</script>\n</body>\n</html>\n";
    return html;
}

} // namespace loadscope::report
