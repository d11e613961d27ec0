#pragma once
// "Is the difference real?" in words, for `compare` and `check`: two series (a target in a run) compared at the
// rates both measured and by their knees, with the rules of analysis/comparison.h.

#include "run_analysis.h"

#include <ostream>
#include <string>
#include <vector>

namespace loadscope::cli {

// One side of a comparison: a target of a run, with the name to print.
struct Series {
    std::string label; // "aiohttp" or "#12 aiohttp"
    const TargetAnalysis* target = nullptr;
};

// The verdict itself is the analysis library's (compareTargets), the one the GUI shows too.
using PairVerdict = loadscope::PairVerdict;
PairVerdict comparePair(const TargetAnalysis& a, const TargetAnalysis& b, const DifferenceRules& rules = {});

// "aiohttp vs tornado-gen" then the knee verdict and one line per common rate.
void printPairVerdict(std::ostream& out, const Series& a, const Series& b, const PairVerdict& verdict);
// The legend printed once below the verdicts.
void printVerdictLegend(std::ostream& out);

} // namespace loadscope::cli
