// "Is the difference real?": the rank test and the effect size together, the repetitions needed, knees by their
// intervals, and the verdict line.
#include "analysis_test_support.h"
#include "comparison.h"
#include "number_text.h"
#include "run_analysis.h"

#include <gtest/gtest.h>

using namespace loadscope;
using loadscope::test::lognormalStep;

namespace {
const SloLookup kLimit75 = [](const std::string&) { return std::optional<SloLimits>(SloLimits{75, 0.001}); };

MergedMeasurement measurement(const std::string& target, int repetitions, double medianMs, std::uint64_t seed) {
    std::vector<Step> steps;
    for (int r = 1; r <= repetitions; ++r)
        steps.push_back(lognormalStep(target, 1000, r, medianMs, 0.15, seed + static_cast<std::uint64_t>(r)));
    return mergeRepetitions(steps, kLimit75).front();
}
} // namespace

TEST(Comparison, ARealDifferenceWithFourRepetitionsEach) {
    const auto fast = measurement("a", 4, 40, 100), slow = measurement("b", 4, 60, 200);
    const auto c = compareAtRate(fast, slow);
    EXPECT_EQ(c.ordering, Ordering::Better);
    ASSERT_TRUE(c.test);
    EXPECT_NEAR(c.test->pValue, 2.0 / 70.0, 1e-9);
    EXPECT_NEAR(c.ratio, 40.0 / 60.0, 0.05);
    ASSERT_TRUE(c.ratioInterval);
    EXPECT_LT(c.ratioInterval->high, 1.0);
    EXPECT_TRUE(c.ratioInterval->contains(c.ratio));
    EXPECT_EQ(compareAtRate(slow, fast).ordering, Ordering::Worse);
    EXPECT_EQ(symbolOf(c.ordering), ">");
}

TEST(Comparison, ThreeRepetitionsCannotShowSignificanceAndSaySo) {
    const auto c = compareAtRate(measurement("a", 3, 40, 1), measurement("b", 3, 60, 2));
    EXPECT_EQ(c.ordering, Ordering::Same);
    EXPECT_EQ(c.note, "3 repetitions each cannot show p < 0.05; use 4+");
}

TEST(Comparison, ASignificantButTinyDifferenceIsNotClaimed) {
    // Every repetition of b 2 % slower: the ranks separate fully, the effect is below 5 %.
    std::vector<Step> a, b;
    for (int r = 1; r <= 5; ++r) {
        a.push_back(test::measuredStep("a", 1000, r, 40, 50 + 0.01 * r));
        b.push_back(test::measuredStep("b", 1000, r, 40.8, 51 + 0.01 * r));
    }
    const auto c = compareAtRate(mergeRepetitions(a, kLimit75).front(), mergeRepetitions(b, kLimit75).front());
    EXPECT_LT(c.test->pValue, 0.05);
    EXPECT_EQ(c.ordering, Ordering::Same);
    EXPECT_EQ(c.note, "significant, but smaller than 5 %");
    DifferenceRules fine;
    fine.minEffect = 0.01;
    EXPECT_EQ(
        compareAtRate(mergeRepetitions(a, kLimit75).front(), mergeRepetitions(b, kLimit75).front(), fine).ordering,
        Ordering::Better);
}

TEST(Comparison, KneesDifferOnlyWhenTheirIntervalsDoNotOverlap) {
    const auto a = estimateKnee({{1000, true, Confidence::Held}, {2000, true, Confidence::Held}});
    const auto b = estimateKnee(
        {{1000, true, Confidence::Held}, {1500, true, Confidence::Uncertain}, {2000, false, Confidence::Broken}});
    const auto c = estimateKnee({{1000, true, Confidence::Uncertain}, {2000, false, Confidence::Broken}});
    EXPECT_EQ(a.text(), "2000+");
    EXPECT_EQ(b.text(), "1500 (1000-2000)");
    EXPECT_EQ(compareKnees(a, c).ordering, Ordering::Better) << "2000+ against at most 1000";
    EXPECT_EQ(compareKnees(a, b).ordering, Ordering::Better);
    EXPECT_EQ(compareKnees(b, c).ordering, Ordering::Same) << "b held 1000 with confidence, c may hold 1000 too";
    EXPECT_EQ(compareKnees(c, a).ordering, Ordering::Worse);
    EXPECT_NE(compareKnees(b, c).reason.find("overlap"), std::string::npos);
    const auto never = estimateKnee({{1000, false, Confidence::Broken}, {2000, false, Confidence::Broken}});
    EXPECT_EQ(never.text(), "never met the SLO");
    EXPECT_EQ(compareKnees(never, never).ordering, Ordering::Same);
    EXPECT_EQ(compareKnees(never, never).reason, "neither met the SLO at any rate measured");
    EXPECT_EQ(compareKnees(a, never).ordering, Ordering::Better);
}

TEST(Comparison, TheVerdictLineRanksByKneeWithSymbols) {
    std::vector<Step> steps;
    for (int r = 1; r <= 3; ++r) {
        for (double rate : {1000.0, 2000.0, 3000.0}) {
            const auto seed = static_cast<std::uint64_t>(rate) * 10 + r;
            steps.push_back(lognormalStep("fast", rate, r, 30, 0.1, seed));
            steps.push_back(lognormalStep("slow", rate, r, rate < 2000 ? 30 : 300, 0.1, seed + 1));
        }
    }
    const auto analysis = analyzeSteps(steps, {"slow", "fast"}, kLimit75);
    EXPECT_EQ(kneeVerdictLine(analysis), "fast 3000+ > slow 1000 (1000-2000)");
}

TEST(Comparison, TheVerdictLineInPartsForOtherLabels) {
    std::vector<Step> steps;
    for (int r = 1; r <= 3; ++r)
        for (double rate : {1000.0, 2000.0, 3000.0}) {
            const auto seed = static_cast<std::uint64_t>(rate) * 10 + r;
            steps.push_back(lognormalStep("fast", rate, r, 30, 0.1, seed));
            steps.push_back(lognormalStep("slow", rate, r, rate < 2000 ? 30 : 300, 0.1, seed + 1));
        }
    const auto analysis = analyzeSteps(steps, {"slow", "fast"}, kLimit75);
    const KneeEstimate unmeasured; // a series without a step is left out, not ranked last
    const std::vector<LabelledKnee> series{{"slow (run 2)", &analysis.find("slow")->knee},
                                           {"idle (run 2)", &unmeasured},
                                           {"fast (run 2)", &analysis.find("fast")->knee}};
    const auto entries = kneeVerdictEntries(series);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].label, "fast (run 2)");
    EXPECT_EQ(entries[0].source, 2u);
    EXPECT_EQ(entries[0].symbolBefore, "");
    EXPECT_EQ(entries[1].symbolBefore, ">");
    EXPECT_EQ(entries[1].kneeText, "1000 (1000-2000)");
    EXPECT_EQ(joinVerdictEntries(entries), "fast (run 2) 3000+ > slow (run 2) 1000 (1000-2000)");
    EXPECT_EQ(joinVerdictEntries(kneeVerdictEntries({{"fast", series[2].knee}, {"slow", series[0].knee}})),
              kneeVerdictLine(analysis));
}

TEST(Comparison, TwoTargetsComparedAtTheRatesBothMeasuredAndByKnee) {
    std::vector<Step> steps;
    for (int r = 1; r <= 4; ++r) {
        for (double rate : {1000.0, 2000.0}) {
            const auto seed = static_cast<std::uint64_t>(rate) * 10 + r;
            steps.push_back(lognormalStep("fast", rate, r, 30, 0.1, seed));
            steps.push_back(lognormalStep("slow", rate, r, rate < 2000 ? 45 : 300, 0.1, seed + 1));
        }
        steps.push_back(lognormalStep("fast", 3000, r, 30, 0.1, 77 + r)); // slow never ran 3000
    }
    const auto analysis = analyzeSteps(steps, {"fast", "slow"}, kLimit75);
    const auto verdict = compareTargets(*analysis.find("fast"), *analysis.find("slow"));
    ASSERT_EQ(verdict.rates.size(), 2u);
    EXPECT_EQ(verdict.rates[0].rps, 1000);
    EXPECT_EQ(verdict.rates[0].ordering, Ordering::Better) << verdict.rates[0].numbers();
    EXPECT_EQ(verdict.rates[1].ordering, Ordering::Better);
    EXPECT_EQ(verdict.knee.ordering, Ordering::Better) << verdict.knee.reason;
    const auto reverse = compareTargets(*analysis.find("slow"), *analysis.find("fast"));
    EXPECT_EQ(reverse.rates[0].ordering, Ordering::Worse);
    EXPECT_EQ(reverse.knee.ordering, Ordering::Worse);
}

TEST(Comparison, TheVerdictInWordsAsTablesAndTooltipsSayIt) {
    const auto clear = measurement("a", 3, 30, 40);
    EXPECT_EQ(clear.verdictWord(), "held");
    ASSERT_TRUE(clear.holdProbability);
    EXPECT_EQ(clear.verdictText(), "held (" + formatNumber(*clear.holdProbability * 100, 0) + " %)");
    const auto broken = measurement("b", 2, 300, 50); // no bootstrap with 2: the margin rule, no share
    EXPECT_EQ(broken.verdictWord(), "broken");
    EXPECT_EQ(broken.verdictText(), "broken");
    MergedMeasurement nothing;
    EXPECT_EQ(nothing.verdictText(), "-");
}
