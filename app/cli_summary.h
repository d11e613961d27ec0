#pragma once
// The summary of a run as `loadscope run` and `loadscope show` print it: per target and rate the achieved rate,
// p50/p90/p99/p99.9, errors and server CPU (repetitions merged through their histograms), what was flagged or
// failed, and each target's knee.

#include "run_types.h"

#include <ostream>

namespace loadscope::cli {

// `run` needs its steps' histograms (RunStore::loadHistograms) for exact merged percentiles.
void printSummaryTable(std::ostream& out, const Run& run);
void printKnees(std::ostream& out, const Run& run);
// Failed, cancelled and flagged steps with their reasons (and, with `logTails`, the last lines of their logs).
void printProblems(std::ostream& out, const Run& run, bool logTails);

// Words for a step's flags: "SLO broken, connection-limited".
std::string describeFlags(const StepFlags& flags);

} // namespace loadscope::cli
