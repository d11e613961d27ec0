#include "latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

using loadscope::LatencyHistogram;

namespace {
// The exact percentile by the same definition as the histogram: the smallest value with rank >= p% of n.
std::int64_t exactPercentile(const std::vector<std::int64_t>& sorted, double p) {
    const auto n = static_cast<double>(sorted.size());
    auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(p / 100.0 * n - 1e-9)));
    return sorted[rank - 1];
}
} // namespace

TEST(LatencyHistogram, EmptyHistogramReportsZeros) {
    LatencyHistogram h;
    EXPECT_EQ(h.count(), 0);
    EXPECT_EQ(h.valueAtPercentile(99), 0);
    EXPECT_EQ(h.min(), 0);
    EXPECT_EQ(h.max(), 0);
    EXPECT_EQ(h.mean(), 0.0);
}

TEST(LatencyHistogram, EveryPercentileOfAMillionRandomValuesIsWithinThreeDigits) {
    std::mt19937_64 rng(42);
    // Log-uniform from 1 us to 10 s, the spread of real latencies.
    std::uniform_real_distribution<double> exponent(0.0, 7.0);
    std::vector<std::int64_t> values(1'000'000);
    LatencyHistogram h;
    for (auto& v : values) {
        v = static_cast<std::int64_t>(std::pow(10.0, exponent(rng)));
        h.record(v);
    }
    std::sort(values.begin(), values.end());
    ASSERT_EQ(h.count(), 1'000'000);
    EXPECT_EQ(h.min(), values.front());
    EXPECT_EQ(h.max(), values.back());
    for (double p = 0.1; p < 100.0; p += 0.1) {
        const auto exact = exactPercentile(values, p);
        const auto reported = h.valueAtPercentile(p);
        EXPECT_LE(std::abs(reported - exact), std::max<std::int64_t>(1, exact / 1000)) << "p" << p;
    }
    for (double p : {99.9, 99.99, 99.999, 99.9999}) {
        const auto exact = exactPercentile(values, p);
        EXPECT_LE(std::abs(h.valueAtPercentile(p) - exact), std::max<std::int64_t>(1, exact / 1000)) << "p" << p;
    }
    long double sum = 0;
    for (auto v : values)
        sum += static_cast<long double>(v);
    EXPECT_NEAR(h.mean(), static_cast<double>(sum / values.size()), 1e-6);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverything) {
    std::mt19937_64 rng(7);
    std::exponential_distribution<double> latency(1.0 / 20'000.0);
    LatencyHistogram a, b, all;
    for (int i = 0; i < 200'000; ++i) {
        const auto v = static_cast<std::int64_t>(latency(rng));
        (i % 3 ? a : b).record(v);
        all.record(v);
    }
    LatencyHistogram merged;
    merged.merge(a);
    merged.merge(b);
    EXPECT_EQ(merged, all);
    for (double p : {50.0, 90.0, 99.0, 99.9})
        EXPECT_EQ(merged.valueAtPercentile(p), all.valueAtPercentile(p));
}

TEST(LatencyHistogram, SerialisationRoundTripsExactlyAndIsCompact) {
    std::mt19937_64 rng(3);
    std::lognormal_distribution<double> latency(std::log(50'000.0), 0.3);
    LatencyHistogram h;
    for (int i = 0; i < 60'000; ++i)
        h.record(static_cast<std::int64_t>(latency(rng)));
    h.record(3'600'000'000);
    const auto blob = h.serialize();
    EXPECT_LT(blob.size(), 2048u) << "two histograms per step must fit in 4 KiB";
    std::printf("serialised: %zu bytes for %lld values\n", blob.size(), static_cast<long long>(h.count()));
    auto back = LatencyHistogram::deserialize(blob);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, h);
    EXPECT_EQ(back->mean(), h.mean());
    auto fromText = LatencyHistogram::fromBase64(h.toBase64());
    ASSERT_TRUE(fromText.has_value());
    EXPECT_EQ(*fromText, h);
}

TEST(LatencyHistogram, GarbageIsRefusedWithAMessage) {
    std::string error;
    EXPECT_FALSE(LatencyHistogram::deserialize("hello", &error).has_value());
    EXPECT_NE(error.find("LSH1"), std::string::npos);
    auto blob = LatencyHistogram().serialize();
    blob.pop_back();
    EXPECT_FALSE(LatencyHistogram::deserialize(blob.substr(0, 6), &error).has_value());
    EXPECT_FALSE(LatencyHistogram::fromBase64("not base64!", &error).has_value());
    LatencyHistogram h;
    h.record(10);
    auto good = h.serialize();
    good.back() ^= 0x55; // corrupt the deflated counters
    EXPECT_FALSE(LatencyHistogram::deserialize(good, &error).has_value());
    EXPECT_FALSE(LatencyHistogram::deserialize(good.substr(0, good.size() - 3), &error).has_value());
}

TEST(LatencyHistogram, OutOfRangeValuesAreClamped) {
    LatencyHistogram h;
    h.record(-5);
    h.record(10'000'000'000);
    EXPECT_EQ(h.min(), 0);
    EXPECT_EQ(h.max(), LatencyHistogram::kHighestTrackableUs);
    EXPECT_EQ(h.count(), 2);
}
