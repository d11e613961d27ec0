#pragma once
// The Mann-Whitney U rank test on per-repetition values (as asv and benchstat use): does one sample tend to lie
// above the other? Makes no assumption about the distributions, which for p99s of a few repetitions is all we can
// afford.

#include <cstddef>
#include <vector>

namespace loadscope {

struct RankTestResult {
    double u = 0;      // U statistic of the first sample (pairs where it is the larger, ties counting 1/2)
    double pValue = 1; // two-sided
    bool exact = true; // from all arrangements of the pooled values; false: normal approximation (large samples)
};
// Two-sided Mann-Whitney U test. Exact (every way to split the pooled values, ties kept) while the samples hold
// 20 values together; normal approximation with tie and continuity corrections beyond. p = 1 for an empty sample.
RankTestResult mannWhitneyU(const std::vector<double>& a, const std::vector<double>& b);

// The smallest two-sided p-value samples of these sizes can reach (no ties): 2 / C(n+m, n), at most 1.
double smallestPossiblePValue(std::size_t n, std::size_t m);
// The fewest repetitions per side that can reach p < alpha (4 for alpha 0.05).
int repetitionsNeededFor(double alpha);

} // namespace loadscope
