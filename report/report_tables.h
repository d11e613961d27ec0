#pragma once
// The rows both report formats show, computed once: per run the verdict line and knees, per target and rate the
// merged measurement in words and numbers.

#include "report_input.h"

#include <string>
#include <vector>

namespace loadscope::report {

struct SummaryRow {
    std::string target, rate, repetitions, achieved, p50, p90, p99, p999, max, errors, verdict, notes;
};
struct KneeRow {
    std::string target, knee, explanation;
};

std::vector<SummaryRow> summaryRows(const std::vector<ReportRun>& runs, const ReportRun& run);
std::vector<KneeRow> kneeRows(const std::vector<ReportRun>& runs, const ReportRun& run);
// "knees: aiohttp 3000+ > tornado 1750 (1500-2000)" or why there is none.
std::string verdictLine(const ReportRun& run);
// "p99 <= 75 ms, errors < 0.1 %" per target when the run stores its limits; "no SLO stored" otherwise.
std::string sloText(const ReportRun& run);
// "#12 "name", completed, 2026-12-06 08:00 UTC, 10 steps"
std::string runHeading(const ReportRun& run);
// The plan in one line, from its JSON: "scenario simple; rates 500, 1000 req/s; 20s steps; 2 repetitions".
std::string planLine(const Run& run);

} // namespace loadscope::report
