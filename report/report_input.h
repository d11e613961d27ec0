#pragma once
// What a report is made of: stored runs (their steps' histograms loaded) and their analysis (analysis/), the same
// answers `loadscope show` and the Results page give. Qt-free.

#include "run_analysis.h"
#include "run_types.h"

#include <string>
#include <vector>

namespace loadscope::report {

struct ReportRun {
    Run run; // with RunStore::loadHistograms done, for exact merged percentiles and spectra
    RunAnalysis analysis;
};

// Analyses each run (analyzeRun).
std::vector<ReportRun> prepareReport(std::vector<Run> runs);

// A series' name: the target alone for one run, "#12 aiohttp" when the report holds several runs.
std::string seriesName(const std::vector<ReportRun>& runs, const ReportRun& run, const std::string& target);

// The words of a merged measurement's verdict, as `loadscope show` prints them: "held", "broken", with "?" when not
// confident, and the bootstrap's hold probability when there is one; "-" without an SLO.
std::string verdictText(const MergedMeasurement& m);

// The latency histogram of `target`'s ok steps at `rps`, repetitions merged (empty when none has one).
LatencyHistogram mergedHistogram(const Run& run, const std::string& target, double rps);

// What imported steps came from, per step sequence ("vegeta csv results.csv, exact"); empty for measured runs.
std::vector<std::pair<int, std::string>> importedFrom(const Run& run);

} // namespace loadscope::report
