#pragma once
// The History page's details of one stored run, as rich text: status and times, the plan it ran (rates or the
// search, step length, repetitions, SLO), each target's knee as the analysis library states it ("1750 (1500-2000)",
// "≥ 3000 (held every rate)", "never met the SLO") with its versions, and the machine it ran on.

#include "run_types.h"

#include <QString>

namespace loadscope {

// `run` with its steps (and their histograms, for exact merged verdicts).
QString runDetailsHtml(const Run& run);
// The plan part alone: "Rates 500, 1000, 1500 req/s · steps of 20 s, 3 repetitions · SLO p99 <= 75 ms, ...".
QString planSummaryHtml(const std::string& planJson);

} // namespace loadscope
