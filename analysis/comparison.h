#pragma once
// "Is the difference real?" for two targets, or the same target in two runs.
// - At one rate: the ratio of the merged p99s with a bootstrap interval, and the Mann-Whitney U test on the
//   repetitions' p99s. A difference is claimed only when the test passes AND the effect reaches a minimum size;
//   when the repetitions cannot reach significance at all, it says how many would.
// - Knees: one holds more load than the other only when their knee intervals do not overlap.
// Symbols read as "better than": '>' A is better (lower p99, or holds more load), '<' worse, '≈' no difference shown.

#include "knee.h"
#include "measurement.h"
#include "rank_test.h"

#include <optional>
#include <string>
#include <string_view>

namespace loadscope {

enum class Ordering { Better, Same, Worse };
std::string_view symbolOf(Ordering ordering); // ">", "≈", "<"

struct DifferenceRules {
    double alpha = 0.05;     // significance level of the rank test
    double minEffect = 0.05; // the smallest p99 ratio change worth claiming (5 %)
};

struct RateComparison {
    double rps = 0;
    double p99A = 0, p99B = 0;
    double ratio = 0;                      // p99A / p99B
    std::optional<Interval> ratioInterval; // bootstrap over repetitions (>= 3 each, with histograms)
    std::optional<RankTestResult> test;    // on the repetitions' p99s (>= 1 each)
    Ordering ordering = Ordering::Same;
    std::string note; // "3 repetitions each cannot show p < 0.05; use 4+"
    // "0.52x [0.48-0.57], p = 0.008" and the like.
    std::string numbers() const;
};
RateComparison compareAtRate(const MergedMeasurement& a, const MergedMeasurement& b, const DifferenceRules& rules = {});

struct KneeComparison {
    Ordering ordering = Ordering::Same;
    bool decidable = true; // false when either side has no knee estimate (no SLO stored, nothing measured)
    std::string reason;    // "knee intervals 3000+ and 1500 (1250-1500) do not overlap"
};
KneeComparison compareKnees(const KneeEstimate& a, const KneeEstimate& b);

} // namespace loadscope
