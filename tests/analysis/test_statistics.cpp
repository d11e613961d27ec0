// The bootstrap over repetitions (checked against merging the real histograms), the rank test (against values
// worked out by hand) and the outlier score.
#include "analysis_test_support.h"
#include "bootstrap.h"
#include "outliers.h"
#include "rank_test.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace loadscope;
using loadscope::test::lognormalStep;

TEST(Bootstrap, FastPercentileEqualsMergingTheHistograms) {
    std::vector<Step> reps;
    for (int r = 0; r < 5; ++r)
        reps.push_back(lognormalStep("a", 100, r + 1, 40 + 5 * r, 0.3 + 0.05 * r, 1000 + r, 3000));
    std::vector<const LatencyHistogram*> histograms;
    std::vector<std::int64_t> due, ok;
    for (const auto& s : reps) {
        histograms.push_back(&*s.latencyHistogram);
        due.push_back(s.due);
        ok.push_back(s.ok);
    }
    const RepetitionSet set(histograms, due, ok);
    const auto draws = bootstrapDraws(reps.size(), 300);
    for (const auto& weights : draws) {
        LatencyHistogram merged; // brute force: merge each drawn repetition as often as it was drawn
        for (std::size_t r = 0; r < reps.size(); ++r)
            for (int k = 0; k < weights[r]; ++k)
                merged.merge(*reps[r].latencyHistogram);
        for (double p : {50.0, 90.0, 99.0, 99.9, 100.0})
            ASSERT_DOUBLE_EQ(set.percentileMs(weights, p), static_cast<double>(merged.valueAtPercentile(p)) / 1000.0)
                << "percentile " << p;
    }
}

TEST(Bootstrap, IntervalIsTheBruteForceIntervalAndReproducible) {
    std::vector<Step> reps;
    for (int r = 0; r < 4; ++r)
        reps.push_back(lognormalStep("a", 100, r + 1, 50, 0.4, 77 + r));
    std::vector<const LatencyHistogram*> histograms;
    for (const auto& s : reps)
        histograms.push_back(&*s.latencyHistogram);
    const RepetitionSet set(histograms, {5000, 5000, 5000, 5000}, {5000, 5000, 5000, 5000});
    const auto result = bootstrapP99(set, SloLimits{1e9, 0.001});
    std::vector<double> brute;
    for (const auto& weights : bootstrapDraws(4, kBootstrapResamples)) {
        LatencyHistogram merged;
        for (std::size_t r = 0; r < 4; ++r)
            for (int k = 0; k < weights[r]; ++k)
                merged.merge(*reps[r].latencyHistogram);
        brute.push_back(static_cast<double>(merged.valueAtPercentile(99)) / 1000.0);
    }
    EXPECT_EQ(result.p99Ms, percentileInterval(brute));
    EXPECT_EQ(result.holdProbability, 1.0);
    EXPECT_EQ(bootstrapP99(set, std::nullopt).p99Ms, result.p99Ms) << "seeded: the same interval every time";
    // The true p99 of the log-normal (50 ms x e^(2.326 x 0.4)) lies inside, the interval is not degenerate.
    const double trueP99 = 50 * std::exp(2.3263 * 0.4);
    EXPECT_LT(result.p99Ms.low, trueP99 * 1.02);
    EXPECT_GT(result.p99Ms.high, trueP99 * 0.98);
    EXPECT_LT(result.p99Ms.low, result.p99Ms.high);
}

TEST(Bootstrap, HoldProbabilityCountsResamplesMeetingTheSlo) {
    // Two fast repetitions and one slow: the slow one breaks a resample whenever it is drawn at least twice or, with
    // these numbers, at all.
    std::vector<Step> reps{lognormalStep("a", 1, 1, 40, 0.05, 1), lognormalStep("a", 1, 2, 40, 0.05, 2),
                           lognormalStep("a", 1, 3, 400, 0.05, 3)};
    std::vector<const LatencyHistogram*> histograms;
    for (const auto& s : reps)
        histograms.push_back(&*s.latencyHistogram);
    const RepetitionSet set(histograms, {5000, 5000, 5000}, {5000, 5000, 5000});
    const auto result = bootstrapP99(set, SloLimits{75, 0.001});
    // P(the slow repetition is never drawn in 3 draws) = (2/3)^3 = 0.296.
    ASSERT_TRUE(result.holdProbability);
    EXPECT_NEAR(*result.holdProbability, 8.0 / 27.0, 0.03);
}

TEST(Bootstrap, PercentileIntervalPicksTheCentralRanks) {
    std::vector<double> values;
    for (int i = 1; i <= 1001; ++i)
        values.push_back(i);
    const auto interval = percentileInterval(values);
    EXPECT_EQ(interval.low, 26);
    EXPECT_EQ(interval.high, 976);
}

TEST(RankTest, ExactPValuesWorkedOutByHand) {
    // Fully separated samples: the only splits as extreme are the observed one and its mirror.
    EXPECT_NEAR(mannWhitneyU({1, 2, 3, 4}, {5, 6, 7, 8}).pValue, 2.0 / 70.0, 1e-12);
    EXPECT_NEAR(mannWhitneyU({1, 2, 3}, {4, 5, 6}).pValue, 2.0 / 20.0, 1e-12);
    EXPECT_EQ(mannWhitneyU({1, 2, 3}, {4, 5, 6}).u, 0);
    EXPECT_EQ(mannWhitneyU({4, 5, 6}, {1, 2, 3}).u, 9);
    // Interleaved samples: no evidence at all.
    EXPECT_NEAR(mannWhitneyU({1, 4, 5, 8}, {2, 3, 6, 7}).pValue, 1.0, 1e-12);
    // Ties count one half.
    EXPECT_EQ(mannWhitneyU({1, 2}, {2, 3}).u, 0.5);
    EXPECT_TRUE(mannWhitneyU({1, 2, 3}, {4, 5, 6}).exact);
}

TEST(RankTest, NormalApproximationForLargeSamples) {
    std::vector<double> a, b;
    for (int i = 0; i < 15; ++i) {
        a.push_back(i);
        b.push_back(i + 10);
    }
    const auto result = mannWhitneyU(a, b);
    EXPECT_FALSE(result.exact);
    EXPECT_LT(result.pValue, 0.001);
    EXPECT_GT(mannWhitneyU(a, a).pValue, 0.9);
}

TEST(RankTest, HowManyRepetitionsCanReachSignificance) {
    EXPECT_NEAR(smallestPossiblePValue(3, 3), 0.1, 1e-12);
    EXPECT_NEAR(smallestPossiblePValue(4, 4), 2.0 / 70.0, 1e-12);
    EXPECT_EQ(repetitionsNeededFor(0.05), 4);
    EXPECT_EQ(repetitionsNeededFor(0.01), 5);
    EXPECT_EQ(smallestPossiblePValue(0, 3), 1);
}

TEST(Outliers, APlantedOutlierIsFlaggedAndNoiseIsNot) {
    const std::vector<double> p99s{51, 53, 52, 50, 210};
    const auto flags = outlierFlags(p99s);
    EXPECT_EQ(flags, (std::vector<bool>{false, false, false, false, true}));
    EXPECT_GT(modifiedZScores(p99s)[4], 3.5);
    // Three close values, one a little further: MAD collapses, but 6 % from the median is not an outlier.
    EXPECT_EQ(outlierFlags({50, 50.1, 53}), (std::vector<bool>{false, false, false}));
    EXPECT_EQ(outlierFlags({50, 51}), (std::vector<bool>{false, false})) << "too few to tell";
}
