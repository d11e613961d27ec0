#pragma once
// The summary of a run as `loadscope run` and `loadscope show` print it: per target and rate the achieved rate,
// p50/p90/p99 (with its interval)/p99.9, errors, server CPU and the SLO verdict with its confidence, then each
// target's knee with its interval and the verdict line. Every number comes from the analysis library
// (analysis/run_analysis.h), the same the GUI shows.

#include "run_analysis.h"
#include "run_types.h"

#include <ostream>

namespace loadscope::cli {

// `run` needs its steps' histograms (RunStore::loadHistograms) for exact merged percentiles and intervals.
void printSummaryTable(std::ostream& out, const Run& run, const RunAnalysis& analysis);
void printKnees(std::ostream& out, const Run& run, const RunAnalysis& analysis);
// Failed, cancelled and flagged steps with their reasons (and, with `logTails`, the last lines of their logs).
void printProblems(std::ostream& out, const Run& run, bool logTails);

// "54.1 [52.8-57.0]" with an interval, "54.1" without.
std::string p99Cell(const MergedMeasurement& m);
// "held", "broken", "held?" / "broken?" when not sure, "-" without an SLO.
std::string verdictCell(const MergedMeasurement& m);

} // namespace loadscope::cli
