#pragma once
// Steps with known latency distributions for the analysis tests: every histogram is built in the test, from values
// spread evenly or drawn from a seeded generator.

#include "run_types.h"

#include <cstdint>
#include <string>

namespace loadscope::test {

// A step whose `n` latencies are spread evenly from loMs to hiMs; `failures` due requests went unanswered.
Step measuredStep(const std::string& target, double rate, int repetition, double loMs, double hiMs,
                  std::int64_t n = 1000, std::int64_t failures = 0);
// A step whose `n` latencies are log-normal around `medianMs` (spread `sigma`), drawn with `seed`.
Step lognormalStep(const std::string& target, double rate, int repetition, double medianMs, double sigma,
                   std::uint64_t seed, std::int64_t n = 5000);

} // namespace loadscope::test
