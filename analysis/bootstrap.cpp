#include "bootstrap.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace loadscope {

Interval percentileInterval(std::vector<double> values, double level) {
    if (values.empty())
        return {};
    std::sort(values.begin(), values.end());
    const double tail = (1.0 - level) / 2.0;
    const auto n = static_cast<double>(values.size());
    // The epsilon keeps 0.975 x 1000 (974.9999...) from rounding to another rank.
    const auto lowIndex = static_cast<std::size_t>(std::floor(tail * (n - 1) + 1e-9));
    const auto highIndex = static_cast<std::size_t>(std::ceil((1.0 - tail) * (n - 1) - 1e-9));
    return {values[lowIndex], values[std::min(highIndex, values.size() - 1)]};
}

std::vector<std::vector<int>> bootstrapDraws(std::size_t n, int resamples, std::uint64_t seed) {
    // mt19937_64's output is fixed by the standard (unlike the distributions), so the draws are the same on every
    // platform; the modulo's bias is below 1e-17 for the repetition counts we see.
    std::mt19937_64 random(seed);
    std::vector<std::vector<int>> draws(static_cast<std::size_t>(std::max(0, resamples)), std::vector<int>(n, 0));
    for (auto& weights : draws)
        for (std::size_t k = 0; k < n; ++k)
            ++weights[static_cast<std::size_t>(random() % n)];
    return draws;
}

RepetitionSet::RepetitionSet(const std::vector<const LatencyHistogram*>& histograms, std::vector<std::int64_t> due,
                             std::vector<std::int64_t> ok)
    : due_(std::move(due))
    , ok_(std::move(ok)) {
    const std::size_t n = histograms.size();
    if (due_.size() != n || ok_.size() != n)
        throw std::invalid_argument("RepetitionSet: one due and one ok count per histogram");
    std::vector<std::vector<LatencyHistogram::Bucket>> buckets;
    for (const LatencyHistogram* h : histograms) {
        buckets.push_back(h->nonEmptyBuckets());
        totals_.push_back(h->count());
        min_.push_back(h->min());
        max_.push_back(h->max());
        for (const auto& b : buckets.back())
            valuesUs_.push_back(b.highestUs);
    }
    std::sort(valuesUs_.begin(), valuesUs_.end(), std::greater<>());
    valuesUs_.erase(std::unique(valuesUs_.begin(), valuesUs_.end()), valuesUs_.end());
    counts_.assign(valuesUs_.size() * n, 0);
    for (std::size_t r = 0; r < n; ++r) {
        for (const auto& b : buckets[r]) {
            const auto it = std::lower_bound(valuesUs_.begin(), valuesUs_.end(), b.highestUs, std::greater<>());
            counts_[static_cast<std::size_t>(it - valuesUs_.begin()) * n + r] += b.count;
        }
    }
}

double RepetitionSet::percentileMs(const std::vector<int>& weights, double percentile) const {
    const std::size_t n = size();
    std::int64_t total = 0, low = 0, high = 0;
    bool any = false;
    for (std::size_t r = 0; r < n; ++r) {
        if (weights[r] == 0 || totals_[r] == 0)
            continue;
        total += weights[r] * totals_[r];
        low = any ? std::min(low, min_[r]) : min_[r];
        high = any ? std::max(high, max_[r]) : max_[r];
        any = true;
    }
    if (total == 0)
        return 0;
    if (!(percentile > 0.0))
        return static_cast<double>(low) / 1000.0;
    if (percentile >= 100.0)
        return static_cast<double>(high) / 1000.0;
    // The same rank as LatencyHistogram::valueAtPercentile, found from the top: a tail percentile reads few counters.
    const auto rank = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(std::ceil(percentile / 100.0 * static_cast<double>(total) - 1e-9)));
    std::int64_t above = 0;
    for (std::size_t v = 0; v < valuesUs_.size(); ++v) {
        std::int64_t count = 0;
        for (std::size_t r = 0; r < n; ++r)
            count += weights[r] * counts_[v * n + r];
        if (count == 0)
            continue;
        if (total - above - count < rank)
            return static_cast<double>(std::clamp(valuesUs_[v], low, high)) / 1000.0;
        above += count;
    }
    return static_cast<double>(high) / 1000.0;
}

double RepetitionSet::failureRate(const std::vector<int>& weights) const {
    std::int64_t due = 0, ok = 0;
    for (std::size_t r = 0; r < size(); ++r) {
        due += weights[r] * due_[r];
        ok += weights[r] * ok_[r];
    }
    return loadscope::failureRate(due, ok);
}

BootstrapResult bootstrapP99(const RepetitionSet& repetitions, const std::optional<SloLimits>& limits, int resamples,
                             std::uint64_t seed) {
    BootstrapResult result;
    int held = 0;
    for (const auto& weights : bootstrapDraws(repetitions.size(), resamples, seed)) {
        const double p99 = repetitions.percentileMs(weights, 99);
        result.p99SamplesMs.push_back(p99);
        if (limits && p99 <= limits->p99Ms &&
            !failureRateBreaks(repetitions.failureRate(weights), limits->maxErrorRate))
            ++held;
    }
    result.p99Ms = percentileInterval(result.p99SamplesMs);
    if (limits && !result.p99SamplesMs.empty())
        result.holdProbability = static_cast<double>(held) / static_cast<double>(result.p99SamplesMs.size());
    return result;
}

Interval bootstrapP99Ratio(const RepetitionSet& a, const RepetitionSet& b, int resamples, std::uint64_t seed) {
    const auto drawsA = bootstrapDraws(a.size(), resamples, seed);
    const auto drawsB = bootstrapDraws(b.size(), resamples, seed ^ 0x9e3779b97f4a7c15ull);
    std::vector<double> ratios;
    for (std::size_t i = 0; i < drawsA.size(); ++i) {
        const double denominator = b.percentileMs(drawsB[i], 99);
        if (denominator > 0)
            ratios.push_back(a.percentileMs(drawsA[i], 99) / denominator);
    }
    return percentileInterval(std::move(ratios));
}

} // namespace loadscope
