// The knee with its interval: a confident break caps it, a coin-toss break does not, an outlying repetition widens
// the interval without moving the knee, and the generator's lateness is a marker only when it could explain a break.
#include "analysis_test_support.h"
#include "knee.h"
#include "run_analysis.h"

#include <gtest/gtest.h>

using namespace loadscope;
using loadscope::test::lognormalStep;
using loadscope::test::measuredStep;

namespace {
const SloLookup kLimit75 = [](const std::string&) { return std::optional<SloLimits>(SloLimits{75, 0.001}); };

KneeEstimate kneeOf(const std::vector<Step>& steps) {
    return estimateKnee(mergeRepetitions(steps, kLimit75), "a");
}
} // namespace

TEST(Knee, NeverAboveARateBrokenWithConfidence) {
    // 1500 broke far beyond its limit; 2000 was lucky. The knee is 1000, not 2000.
    const auto knee = kneeOf(
        {measuredStep("a", 1000, 1, 40, 50), measuredStep("a", 1500, 1, 50, 300), measuredStep("a", 2000, 1, 40, 60)});
    EXPECT_EQ(knee.kneeRps, 1000);
    EXPECT_EQ(knee.brokenWithConfidence, 1500);
    EXPECT_FALSE(knee.heldEveryRate());
    EXPECT_EQ(knee.text(), "1000 (1000-1500)") << "held with confidence up to 1000, broken with confidence from 1500";
}

TEST(Knee, ACoinTossBreakIsNotConfidentAndDoesNotCapTheKnee) {
    // One repetition at 250 rps with p99 75.3 ms against 75 ms: broken, but not with confidence.
    std::vector<Step> steps{measuredStep("a", 100, 1, 40, 50), measuredStep("a", 200, 1, 40, 50),
                            measuredStep("a", 250, 1, 40, 75.7, 10000), measuredStep("a", 300, 1, 40, 50),
                            measuredStep("a", 400, 1, 50, 400)};
    const auto merged = mergeRepetitions(steps, kLimit75);
    EXPECT_FALSE(merged[2].verdict.met);
    EXPECT_EQ(merged[2].confidence, Confidence::Uncertain);
    const auto knee = estimateKnee(merged, "a");
    EXPECT_EQ(knee.kneeRps, 300);
    EXPECT_EQ(knee.heldWithConfidence, 300);
    EXPECT_EQ(knee.brokenWithConfidence, 400);
}

TEST(Knee, AnOutlyingRepetitionWidensTheIntervalButDoesNotMoveTheKnee) {
    std::vector<Step> steps;
    for (int r = 1; r <= 5; ++r) {
        steps.push_back(lognormalStep("a", 500, r, 40, 0.1, 10 + r));
        steps.push_back(lognormalStep("a", 1000, r, 45, 0.1, 20 + r));
        steps.push_back(lognormalStep("a", 1500, r, 200, 0.1, 30 + r));
    }
    const auto clean = kneeOf(steps);
    EXPECT_EQ(clean.kneeRps, 1000);
    EXPECT_EQ(clean.heldWithConfidence, 1000);
    EXPECT_EQ(clean.text(), "1000 (1000-1500)");

    steps[3 * 4 + 1] = lognormalStep("a", 1000, 5, 300, 0.1, 99); // repetition 5 at 1000 rps: a VM hiccup
    const auto merged = mergeRepetitions(steps, kLimit75);
    const auto& at1000 = merged[1];
    ASSERT_EQ(at1000.requestedRps, 1000);
    EXPECT_EQ(at1000.outliers(), 1);
    EXPECT_TRUE(at1000.repetitions[4].outlier);
    EXPECT_TRUE(at1000.verdict.met) << "the point verdict leaves the outlier out: " << at1000.verdictNote;
    EXPECT_NE(at1000.verdictNote.find("repetition 5"), std::string::npos);
    EXPECT_GT(at1000.latency.p99Ms, 75) << "the merged percentiles keep every repetition";
    EXPECT_EQ(at1000.confidence, Confidence::Uncertain);
    ASSERT_TRUE(at1000.p99Interval);
    EXPECT_GT(at1000.p99Interval->high, 75);
    const auto knee = estimateKnee(merged, "a");
    EXPECT_EQ(knee.kneeRps, 1000) << "the knee stays";
    EXPECT_EQ(knee.heldWithConfidence, 500) << "the interval widens";
    EXPECT_EQ(knee.text(), "1000 (500-1500)");
}

TEST(Knee, OpenEndedWhenNothingBrokeWithConfidence) {
    std::vector<Step> all, uncertainTop;
    for (int r = 1; r <= 3; ++r)
        for (double rate : {1000.0, 2000.0, 3000.0})
            all.push_back(lognormalStep("a", rate, r, 30, 0.1, static_cast<std::uint64_t>(rate) + r));
    const auto held = kneeOf(all);
    EXPECT_TRUE(held.heldEveryRate());
    EXPECT_EQ(held.text(), "3000+");
    EXPECT_EQ(held.shortText(), ">= 3000");

    // The highest rate met the SLO by a hair with one repetition: the knee is there, but not for sure.
    const auto hair = kneeOf({measuredStep("a", 1000, 1, 30, 40), measuredStep("a", 2000, 1, 30, 74, 10000)});
    EXPECT_EQ(hair.kneeRps, 2000);
    EXPECT_EQ(hair.text(), "2000 (1000-2000+)");
    EXPECT_EQ(kneeOf({measuredStep("a", 1000, 1, 100, 300)}).text(), "never met the SLO");
}

TEST(Knee, FewerThanThreeRepetitionsGetNoInterval) {
    const auto merged =
        mergeRepetitions({measuredStep("a", 1000, 1, 30, 40), measuredStep("a", 1000, 2, 30, 41)}, kLimit75);
    EXPECT_FALSE(merged[0].p99Interval);
    EXPECT_EQ(merged[0].intervalNote(), "interval needs >= 3 repetitions");
    EXPECT_EQ(merged[0].confidence, Confidence::Held) << "far below the limit: the margin rule is sure";
}

TEST(Knee, GeneratorLatenessIsAMarkerOnlyWhenItCouldExplainTheBreak) {
    Step late = measuredStep("a", 1000, 1, 50, 100, 10000);
    late.flags.generatorLimited = true;
    late.latenessP99Ms = 30; // 100 - 30 = 70 ms <= 75 ms: the break may be the generator's
    auto merged = mergeRepetitions({late}, kLimit75);
    EXPECT_TRUE(merged[0].generatorMarker);
    EXPECT_EQ(merged[0].confidence, Confidence::Uncertain);

    late.latenessP99Ms = 1.2; // a VM hiccup of the generator's core: the server broke the SLO on its own
    merged = mergeRepetitions({late}, kLimit75);
    EXPECT_FALSE(merged[0].generatorMarker);
    EXPECT_EQ(merged[0].confidence, Confidence::Broken);

    Step heldButLate = measuredStep("a", 500, 1, 30, 40);
    heldButLate.flags.generatorLimited = true;
    heldButLate.latenessP99Ms = 1.2;
    EXPECT_FALSE(mergeRepetitions({heldButLate}, kLimit75)[0].generatorMarker) << "a note, not a marker";
}

TEST(Knee, StoredLimitsComeFromTheRunNotTodaysCatalog) {
    loadscope::Run run;
    run.planJson = R"({"slo": {"p99_max_ms": null, "p99_factor_of_ideal": 1.5, "max_error_rate": 0.002}})";
    run.environmentJson = R"({"targets": {"a": {"ideal_latency_ms": 50, "p99_limit_ms": 75},
                                          "b": {"ideal_latency_ms": 20}}})";
    EXPECT_EQ(storedSloLimits(run, "a"), (SloLimits{75, 0.002}));
    EXPECT_EQ(storedSloLimits(run, "b"), (SloLimits{30, 0.002})) << "older runs: factor x stored ideal";
    EXPECT_FALSE(storedSloLimits(run, "c"));
    run.planJson = R"({"slo": {"p99_max_ms": 10, "max_error_rate": 0}})";
    EXPECT_EQ(storedSloLimits(run, "b"), (SloLimits{10, 0}));
    run.planJson = "not json";
    run.environmentJson = "";
    EXPECT_FALSE(storedSloLimits(run, "a")) << "a damaged plan reads as no SLO, not a crash";
}

TEST(Knee, ProfiledRepetitionsAreLeftOutWhenUnprofiledOnesExist) {
    // At 1500 the profiled repetition broke (the profiler's cost); the unprofiled one held: the knee reaches 2000.
    auto profiled = [](Step step) {
        step.profile = StepProfile{"python", 100, ""};
        return step;
    };
    std::vector<Step> steps{measuredStep("a", 1000, 1, 40, 50), profiled(measuredStep("a", 1000, 2, 40, 52)),
                            measuredStep("a", 1500, 1, 40, 60), profiled(measuredStep("a", 1500, 2, 50, 300)),
                            measuredStep("a", 2000, 1, 40, 60), measuredStep("a", 2500, 1, 50, 300)};
    const auto merged = mergeRepetitions(steps, kLimit75);
    ASSERT_EQ(merged.size(), 4u);
    EXPECT_EQ(merged[1].steps, 1);
    EXPECT_EQ(merged[1].profiledLeftOut, 1);
    EXPECT_TRUE(merged[1].verdict.met);
    EXPECT_EQ(estimateKnee(merged, "a").kneeRps, 2000);
    // Where only profiled repetitions exist, they are what there is.
    const auto onlyProfiled = mergeRepetitions({profiled(measuredStep("a", 1000, 1, 40, 50))}, kLimit75);
    EXPECT_EQ(onlyProfiled[0].steps, 1);
    EXPECT_EQ(onlyProfiled[0].profiledLeftOut, 0);
}
