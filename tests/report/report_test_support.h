#pragma once
// Runs for the report tests, built in code so every number is known: two targets, four rates, three repetitions of
// one of them, an absolute SLO (p99 <= 20 ms, errors < 0.1 %), timelines; and a second run to compare with.

#include "run_types.h"

#include <vector>

namespace loadscope::report::test {

std::vector<Run> sampleRuns(); // run 1 "aiohttp vs tornado" and run 2 "aiohttp again"

} // namespace loadscope::report::test
