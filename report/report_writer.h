#pragma once
// The two report formats. HTML: one self-contained file (inline CSS, inline SVG charts, a few lines of script to
// toggle series from the legends, the data to redraw every chart as JSON; no network, no other file), with the
// verdict, the charts, the summary tables, the plan, the environment and where imported steps came from. Markdown: the
// verdict, the knees and the summary tables, for a pull request or a wiki.

#include "report_input.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loadscope::report {

struct ReportOptions {
    std::int64_t generatedMs = 0; // when the report was made (a fixed value keeps snapshots stable)
    std::string generator;        // "loadscope 0.1.0 (commit abc123)"
};

std::string htmlReport(const std::vector<ReportRun>& runs, const ReportOptions& options);
std::string markdownReport(const std::vector<ReportRun>& runs, const ReportOptions& options);

// "2026-12-06 08:12 UTC"
std::string utcText(std::int64_t ms);

} // namespace loadscope::report
