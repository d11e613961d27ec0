#pragma once
// The bootstrap over repetitions. Requests within a step are autocorrelated (a GC pause or a VM hiccup slows many
// neighbours at once), so resampling single requests would understate the noise: the unit resampled is the
// repetition. A resample draws n repetitions with replacement, merges their histograms and reads the percentile,
// exactly as merging the real histograms would (tested against doing just that).
//
// Draws are seeded: the same measurement gives the same interval every time it is analysed.

#include "latency_histogram.h"
#include "slo.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace loadscope {

inline constexpr int kBootstrapResamples = 2000;
inline constexpr std::uint64_t kBootstrapSeed = 0x10ad5c09e2026ull;
inline constexpr double kIntervalLevel = 0.95;
inline constexpr int kMinRepetitionsForInterval = 3;

struct Interval {
    double low = 0;
    double high = 0;
    bool contains(double x) const { return x >= low && x <= high; }
    bool operator==(const Interval&) const = default;
};

// The central `level` percentile interval of `values`: the values at ranks (1 - level)/2 and (1 + level)/2.
// Empty input gives {0, 0}.
Interval percentileInterval(std::vector<double> values, double level = kIntervalLevel);

// `resamples` draws of n repetitions with replacement, each as weights (how often each repetition was drawn).
// The same (n, resamples, seed) always gives the same draws.
std::vector<std::vector<int>> bootstrapDraws(std::size_t n, int resamples, std::uint64_t seed = kBootstrapSeed);

// The repetitions of one measurement in the form the bootstrap needs: each histogram's counters over the union of
// their values, and each repetition's due and ok counts.
class RepetitionSet {
public:
    RepetitionSet(const std::vector<const LatencyHistogram*>& histograms, std::vector<std::int64_t> due,
                  std::vector<std::int64_t> ok);
    std::size_t size() const { return due_.size(); }
    // The percentile, in milliseconds, of the repetitions merged with `weights` copies of each: equal to merging
    // the histograms that many times and calling LatencyHistogram::valueAtPercentile.
    double percentileMs(const std::vector<int>& weights, double percentile) const;
    double failureRate(const std::vector<int>& weights) const;

private:
    std::vector<std::int64_t> valuesUs_; // union of the counters' reported values, descending
    std::vector<std::int64_t> counts_;   // [value index * size() + repetition]
    std::vector<std::int64_t> totals_, min_, max_;
    std::vector<std::int64_t> due_, ok_;
};

struct BootstrapResult {
    Interval p99Ms;                        // 95 % percentile interval of the resampled merged p99
    std::optional<double> holdProbability; // share of resamples that met `limits` (when given)
    std::vector<double> p99SamplesMs;      // one per resample, in draw order
};
BootstrapResult bootstrapP99(const RepetitionSet& repetitions, const std::optional<SloLimits>& limits,
                             int resamples = kBootstrapResamples, std::uint64_t seed = kBootstrapSeed);

// The ratio p99(a) / p99(b) with a bootstrap interval: each side resampled on its own.
Interval bootstrapP99Ratio(const RepetitionSet& a, const RepetitionSet& b, int resamples = kBootstrapResamples,
                           std::uint64_t seed = kBootstrapSeed);

} // namespace loadscope
