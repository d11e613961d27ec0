// The SLO verdict, merged repetitions (histograms merged, never percentiles averaged), the knee and the stop rule.
#include "analysis_test_support.h"
#include "knee.h"
#include "slo.h"
#include "stop_rule.h"

#include <gtest/gtest.h>

using namespace loadscope;

using loadscope::test::measuredStep;

TEST(Slo, P99AndErrorLimits) {
    SloLimits slo = resolveLimits(ServiceLevelObjective{}, 50); // p99 <= 1.5 x ideal, errors < 0.1 %
    EXPECT_EQ(slo.p99Ms, 75);
    EXPECT_TRUE(evaluateSlo(74.9, 10000, 10000, slo).met);
    auto v = evaluateSlo(75.1, 10000, 10000, slo);
    EXPECT_FALSE(v.met);
    EXPECT_NE(v.reason.find("p99 75.1 ms > 75 ms"), std::string::npos);
    v = evaluateSlo(60, 10000, 9990, slo); // 0.1 % is not below 0.1 %
    EXPECT_FALSE(v.met);
    EXPECT_NEAR(v.errorRate, 0.001, 1e-12);
    EXPECT_TRUE(evaluateSlo(60, 10000, 9991, slo).met);
    EXPECT_FALSE(evaluateSlo(1, 0, 0, slo).met) << "no request due is no measurement";
    slo.p99Ms = 10;
    EXPECT_FALSE(evaluateSlo(11, 100, 100, slo).met);
    slo.maxErrorRate = 0;
    EXPECT_FALSE(evaluateSlo(5, 100, 99, slo).met) << "a zero limit means no errors at all";
    EXPECT_TRUE(evaluateSlo(5, 100, 100, slo).met);
}

TEST(Merge, RepetitionsMergeHistogramsNotPercentiles) {
    // Repetition 1 fast, repetition 2 slow: the merged p99 comes from the union of all values. Averaging the two
    // p99s (~9.9 and ~99.9) would give ~55 ms; the merged distribution's p99 (its 1980th value) is ~99.8 ms.
    std::vector<Step> steps{measuredStep("a", 100, 1, 1, 10), measuredStep("a", 100, 2, 90, 100)};
    const auto merged = mergeRepetitions(steps);
    ASSERT_EQ(merged.size(), 1u);
    EXPECT_EQ(merged[0].steps, 2);
    EXPECT_EQ(merged[0].latency.count, 2000);
    EXPECT_NEAR(merged[0].latency.p99Ms, 99.8, 0.2);
    EXPECT_NEAR(merged[0].latency.p50Ms, 10.0, 0.1);
    EXPECT_EQ(merged[0].due, 2000);
}

TEST(Merge, FailedAndSkippedStepsAreCountedNotMerged) {
    std::vector<Step> steps{measuredStep("a", 100, 1, 1, 10), measuredStep("a", 100, 2, 1, 10)};
    steps[1].status = StepStatus::Failed;
    steps[1].statusMessage = "server not ready after 10 s";
    Step skipped;
    skipped.targetName = "a";
    skipped.requestedRps = 200;
    skipped.status = StepStatus::Skipped;
    skipped.statusMessage = "stop rule";
    steps.push_back(skipped);
    const auto merged = mergeRepetitions(steps);
    ASSERT_EQ(merged.size(), 2u);
    EXPECT_EQ(merged[0].steps, 1);
    EXPECT_EQ(merged[0].failed, 1);
    EXPECT_EQ(merged[0].latency.count, 1000);
    EXPECT_EQ(merged[1].steps, 0);
    EXPECT_EQ(merged[1].skipped, 1);
    EXPECT_EQ(merged[1].statusMessage, "stop rule");
}

TEST(Knee, HighestRateThatMetTheSlo) {
    const SloLookup slo = [](const std::string&) { return std::optional<SloLimits>(SloLimits{75, 0.001}); };
    std::vector<Step> steps{measuredStep("a", 250, 1, 50, 52), measuredStep("a", 500, 1, 50, 60),
                            measuredStep("a", 1000, 1, 50, 200), measuredStep("b", 250, 1, 50, 300)};
    const auto merged = mergeRepetitions(steps, slo);
    EXPECT_EQ(estimateKnee(merged, "a").kneeRps, 500);
    EXPECT_FALSE(estimateKnee(merged, "b").kneeRps);
    EXPECT_FALSE(estimateKnee(merged, "c").measuredAny);
    // Errors break the SLO as much as latency does.
    std::vector<Step> erroring{measuredStep("a", 250, 1, 50, 52, 1000, 0), measuredStep("a", 500, 1, 50, 52, 1000, 5)};
    EXPECT_EQ(estimateKnee(mergeRepetitions(erroring, slo), "a").kneeRps, 250);
}

TEST(StopRule, TwoConfidentBreaksInARowGiveUpPerTargetAndRepetition) {
    StopRule rule(true);
    rule.record("a", 1, 250, true, Confidence::Held);
    rule.record("a", 1, 500, false, Confidence::Broken);
    EXPECT_FALSE(rule.hasGivenUp("a", 1));
    rule.record("a", 1, 1000, true, Confidence::Held); // a recovered rate resets the count
    rule.record("a", 1, 1500, false, Confidence::Broken);
    EXPECT_FALSE(rule.hasGivenUp("a", 1));
    rule.record("a", 1, 2000, false, Confidence::Broken);
    EXPECT_TRUE(rule.hasGivenUp("a", 1));
    EXPECT_EQ(rule.reason("a", 1), "stop rule: the SLO was broken with confidence at 1500 and 2000 rps in a row");
    EXPECT_FALSE(rule.hasGivenUp("a", 2));
    EXPECT_FALSE(rule.hasGivenUp("b", 1));

    StopRule off(false);
    off.record("a", 1, 1, false, Confidence::Broken);
    off.record("a", 1, 2, false, Confidence::Broken);
    off.record("a", 1, 3, false, Confidence::Broken);
    EXPECT_FALSE(off.hasGivenUp("a", 1));
}

TEST(StopRule, BreaksThatAreNotConfidentNeitherCountNorReset) {
    StopRule rule(true);
    rule.record("a", 1, 500, false, Confidence::Broken);
    rule.record("a", 1, 750, false, Confidence::Uncertain); // 75.3 ms against 75 ms proves nothing
    EXPECT_FALSE(rule.hasGivenUp("a", 1));
    rule.record("a", 1, 1000, false, Confidence::Broken);
    EXPECT_TRUE(rule.hasGivenUp("a", 1));
    EXPECT_EQ(rule.reason("a", 1), "stop rule: the SLO was broken with confidence at 500 and 1000 rps in a row");
}
