// The SLO verdict, merged repetitions (histograms merged, never percentiles averaged), the knee and the stop rule.
#include "knee.h"

#include <gtest/gtest.h>

using namespace loadscope;

namespace {
// A step whose latencies are `n` values spread evenly from loMs to hiMs.
Step measuredStep(const std::string& target, double rate, int rep, double loMs, double hiMs, std::int64_t n = 1000,
                  std::int64_t failures = 0) {
    Step s;
    s.targetName = target;
    s.requestedRps = rate;
    s.repetition = rep;
    s.status = StepStatus::Ok;
    LatencyHistogram h;
    for (std::int64_t i = 0; i < n; ++i)
        h.record(static_cast<std::int64_t>((loMs + (hiMs - loMs) * static_cast<double>(i) / (n - 1)) * 1000));
    s.latencyHistogram = h;
    s.serviceTimeHistogram = h;
    s.latency = summarize(h);
    s.serviceTime = s.latency;
    s.due = n + failures;
    s.ok = n;
    s.durationS = 1;
    s.achievedRps = static_cast<double>(n);
    return s;
}
} // namespace

TEST(Slo, P99AndErrorLimits) {
    ServiceLevelObjective slo; // p99 <= 1.5 x ideal, errors < 0.1 %
    EXPECT_TRUE(evaluateSlo(74.9, 10000, 10000, slo, 50).met);
    auto v = evaluateSlo(75.1, 10000, 10000, slo, 50);
    EXPECT_FALSE(v.met);
    EXPECT_NE(v.reason.find("p99 75.1 ms > 75 ms"), std::string::npos);
    v = evaluateSlo(60, 10000, 9990, slo, 50); // 0.1 % is not below 0.1 %
    EXPECT_FALSE(v.met);
    EXPECT_NEAR(v.errorRate, 0.001, 1e-12);
    EXPECT_TRUE(evaluateSlo(60, 10000, 9991, slo, 50).met);
    EXPECT_FALSE(evaluateSlo(1, 0, 0, slo, 50).met) << "no request due is no measurement";
    slo.p99MaxMs = 10;
    EXPECT_FALSE(evaluateSlo(11, 100, 100, slo, 50).met);
    slo.maxErrorRate = 0;
    EXPECT_FALSE(evaluateSlo(5, 100, 99, slo, 50).met) << "a zero limit means no errors at all";
    EXPECT_TRUE(evaluateSlo(5, 100, 100, slo, 50).met);
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
    ServiceLevelObjective slo;
    slo.p99MaxMs = 75;
    std::vector<Step> steps{measuredStep("a", 250, 1, 50, 52), measuredStep("a", 500, 1, 50, 60),
                            measuredStep("a", 1000, 1, 50, 200), measuredStep("b", 250, 1, 50, 300)};
    const auto merged = mergeRepetitions(steps);
    EXPECT_EQ(kneeRps(merged, "a", slo, 50), 500);
    EXPECT_FALSE(kneeRps(merged, "b", slo, 50));
    EXPECT_FALSE(kneeRps(merged, "c", slo, 50));
    // Errors break the SLO as much as latency does.
    std::vector<Step> erroring{measuredStep("a", 250, 1, 50, 52, 1000, 0), measuredStep("a", 500, 1, 50, 52, 1000, 5)};
    EXPECT_EQ(kneeRps(mergeRepetitions(erroring), "a", slo, 50), 250);
}

TEST(StopRule, TwoBrokenRatesInARowGiveUpPerTargetAndRepetition) {
    StopRule rule(true);
    rule.record("a", 1, 250, true);
    rule.record("a", 1, 500, false);
    EXPECT_FALSE(rule.hasGivenUp("a", 1));
    rule.record("a", 1, 1000, true); // a recovered rate resets the count
    rule.record("a", 1, 1500, false);
    EXPECT_FALSE(rule.hasGivenUp("a", 1));
    rule.record("a", 1, 2000, false);
    EXPECT_TRUE(rule.hasGivenUp("a", 1));
    EXPECT_EQ(rule.reason("a", 1), "stop rule: the SLO was broken at 1500 and 2000 rps in a row");
    EXPECT_FALSE(rule.hasGivenUp("a", 2));
    EXPECT_FALSE(rule.hasGivenUp("b", 1));

    StopRule off(false);
    off.record("a", 1, 1, false);
    off.record("a", 1, 2, false);
    off.record("a", 1, 3, false);
    EXPECT_FALSE(off.hasGivenUp("a", 1));
}
