// The Markdown report (report_writer.h): verdict, knees and summary tables.
#include "report_tables.h"
#include "report_writer.h"

namespace loadscope::report {

namespace {

// A table cell: pipes escaped, no line breaks.
std::string md(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n')
            out += ' ';
        else
            out += c;
    }
    return out.empty() ? " " : out;
}

} // namespace

std::string markdownReport(const std::vector<ReportRun>& runs, const ReportOptions& options) {
    std::string out = "# Loadscope report\n\n";
    out += "Generated " + utcText(options.generatedMs) + " by " + options.generator + " from " +
           std::to_string(runs.size()) + (runs.size() == 1 ? " run" : " runs") + ".\n";
    for (const auto& r : runs) {
        out += "\n## " + md(runHeading(r)) + "\n\n";
        out += "**" + md(verdictLine(r)) + "**\n\n";
        out += "- SLO: " + sloText(r) + "\n- Plan: " + planLine(r.run) + "\n";
        const auto imported = importedFrom(r.run);
        if (!imported.empty()) {
            out += "- Imported from other tools' files (not measured by Loadscope):\n";
            for (const auto& [sequence, what] : imported)
                out += "  - step " + std::to_string(sequence) + ": " + what + "\n";
        }
        out += "\n| target | knee (req/s) | why |\n|---|---|---|\n";
        for (const auto& k : kneeRows(runs, r))
            out += "| " + md(k.target) + " | " + md(k.knee) + " | " + md(k.explanation) + " |\n";
        out += "\n| target | rate | reps | achieved | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors | SLO | "
               "notes |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|\n";
        for (const auto& s : summaryRows(runs, r))
            out += "| " + md(s.target) + " | " + md(s.rate) + " | " + md(s.repetitions) + " | " + md(s.achieved) +
                   " | " + md(s.p50) + " | " + md(s.p90) + " | " + md(s.p99) + " | " + md(s.p999) + " | " + md(s.max) +
                   " | " + md(s.errors) + " | " + md(s.verdict) + " | " + md(s.notes) + " |\n";
    }
    out += "\nLatency from each request's due time (corrected for coordinated omission) unless imported; rates in "
           "req/s; SLO: held or broken, ? when not confident.\n";
    return out;
}

} // namespace loadscope::report
