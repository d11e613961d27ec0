// The plan's text and JSON forms, presets and estimates (no catalog needed; validation is in test_plan_validation).
#include "benchmark_plan.h"
#include "connection_sizing.h"
#include "step_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <string>

using namespace loadscope;

namespace {
// The message of the PlanError `f` throws ("" when it throws nothing).
template <typename F> std::string errorOf(F&& f) {
    try {
        f();
    } catch (const PlanError& e) {
        return e.what();
    }
    return {};
}
} // namespace

TEST(PlanText, RatesAsListOrInclusiveRange) {
    EXPECT_EQ(parseRates("500,1000,1500"), (std::vector<double>{500, 1000, 1500}));
    EXPECT_EQ(parseRates("500:3000:500"), (std::vector<double>{500, 1000, 1500, 2000, 2500, 3000}));
    EXPECT_EQ(parseRates("500:1200:500"), (std::vector<double>{500, 1000}));
    // Mixed, unsorted, duplicated: sorted and distinct, since the stop rule walks rates upwards.
    EXPECT_EQ(parseRates(" 1500, 250 ,500:1000:250,500"), (std::vector<double>{250, 500, 750, 1000, 1500}));
    EXPECT_EQ(parseRates("2.5"), (std::vector<double>{2.5}));
}

TEST(PlanText, BadRatesNameWhatIsWrong) {
    EXPECT_NE(errorOf([] { parseRates(""); }).find("expected a list"), std::string::npos);
    EXPECT_NE(errorOf([] { parseRates("500,abc"); }).find("'abc' is not a rate"), std::string::npos);
    EXPECT_NE(errorOf([] { parseRates("0"); }).find("above 0"), std::string::npos);
    EXPECT_NE(errorOf([] { parseRates("-5"); }).find("above 0"), std::string::npos);
    EXPECT_NE(errorOf([] { parseRates("500:100:50"); }).find("stop must be"), std::string::npos);
    EXPECT_NE(errorOf([] { parseRates("500:1000:0"); }).find("step must be"), std::string::npos);
    EXPECT_NE(errorOf([] { parseRates("500:1000"); }).find("start:stop:step"), std::string::npos);
    EXPECT_NE(errorOf([] { parseRates("1:100000:1"); }).find("more than 1000"), std::string::npos);
}

TEST(PlanText, Durations) {
    EXPECT_DOUBLE_EQ(parseDurationS("500ms"), 0.5);
    EXPECT_DOUBLE_EQ(parseDurationS("20s"), 20);
    EXPECT_DOUBLE_EQ(parseDurationS("1.5s"), 1.5);
    EXPECT_DOUBLE_EQ(parseDurationS("2m"), 120);
    EXPECT_DOUBLE_EQ(parseDurationS("1h"), 3600);
    EXPECT_DOUBLE_EQ(parseDurationS("7"), 7);
    EXPECT_DOUBLE_EQ(parseDurationS(" 3 s "), 3);
    EXPECT_NE(errorOf([] { parseDurationS("20x", "--duration"); }).find("--duration: unknown unit 'x'"),
              std::string::npos);
    EXPECT_NE(errorOf([] { parseDurationS("fast", "warmup"); }).find("warmup: expected a duration"), std::string::npos);
    EXPECT_NE(errorOf([] { parseDurationS("-1s", "--warmup"); }).find("--warmup: expected a duration of 0 or more"),
              std::string::npos);
    // A step cannot be 0 s long either: the message must not suggest that 0 would do.
    EXPECT_NE(errorOf([] { parseDurationS("-3s", "--duration"); }).find("--duration: expected a duration above 0 s"),
              std::string::npos);
    EXPECT_EQ(formatDuration(0.5), "500ms");
    EXPECT_EQ(formatDuration(20), "20s");
    EXPECT_EQ(formatDuration(150), "2m30s");
    EXPECT_EQ(formatDuration(3600), "1h");
    EXPECT_EQ(formatDuration(150.0004), "2m30s"); // to the millisecond
    EXPECT_DOUBLE_EQ(parseDurationS(formatDuration(150)), 150);
}

TEST(PlanText, SloForms) {
    auto slo = parseSlo("p99<75ms");
    ASSERT_TRUE(slo.p99MaxMs);
    EXPECT_DOUBLE_EQ(*slo.p99MaxMs, 75);
    EXPECT_DOUBLE_EQ(slo.maxErrorRate, 0.001);
    slo = parseSlo("p99<=2x, errors<0.5%");
    EXPECT_FALSE(slo.p99MaxMs);
    EXPECT_DOUBLE_EQ(slo.p99FactorOfIdeal, 2);
    EXPECT_DOUBLE_EQ(slo.p99LimitMs(50), 100);
    EXPECT_DOUBLE_EQ(slo.maxErrorRate, 0.005);
    slo = parseSlo("p99<0.1s,errors<0.01");
    EXPECT_DOUBLE_EQ(*slo.p99MaxMs, 100);
    EXPECT_DOUBLE_EQ(slo.maxErrorRate, 0.01);
    EXPECT_NE(errorOf([] { parseSlo("p50<10ms"); }).find("unknown metric 'p50'"), std::string::npos);
    EXPECT_NE(errorOf([] { parseSlo("p99>10ms"); }).find("no '<'"), std::string::npos);
    EXPECT_NE(errorOf([] { parseSlo("p99<10"); }).find("expected a unit"), std::string::npos);
    EXPECT_NE(errorOf([] { parseSlo("errors<100%"); }).find("below 100"), std::string::npos);
    EXPECT_NE(errorOf([] { parseSlo("p99<0.5x"); }).find("1 or more"), std::string::npos);
    EXPECT_EQ(describeSlo(parseSlo("p99<75ms")), "p99 <= 75 ms, errors < 0.1 %");
}

TEST(PlanJson, RoundTripKeepsEveryField) {
    BenchmarkPlan plan;
    plan.name = "drift check";
    plan.preset = "";
    plan.targets = {"aiohttp", "tornado-gen"};
    plan.scenario = "complex";
    plan.rates = {100, 200.5};
    plan.stepDurationS = 7;
    plan.warmupS = 0.5;
    plan.cooldownS = 0;
    plan.repetitions = 3;
    plan.connections = 900;
    plan.requestTimeoutS = 2;
    plan.order = StepOrder::Sequential;
    plan.stopRule = false;
    plan.slo.p99MaxMs = 80;
    plan.slo.maxErrorRate = 0.02;
    plan.pinning = {false, 1, 0};
    plan.arrivals = "poisson";
    const auto back = planFromJson(planToJson(plan), "test");
    EXPECT_EQ(back.name, plan.name);
    EXPECT_EQ(back.targets, plan.targets);
    EXPECT_EQ(back.scenario, plan.scenario);
    EXPECT_EQ(back.rates, plan.rates);
    EXPECT_EQ(back.stepDurationS, 7);
    EXPECT_EQ(back.warmupS, 0.5);
    EXPECT_EQ(back.cooldownS, 0);
    EXPECT_EQ(back.repetitions, 3);
    EXPECT_EQ(back.connections, 900);
    EXPECT_EQ(back.requestTimeoutS, 2);
    EXPECT_EQ(back.order, StepOrder::Sequential);
    EXPECT_FALSE(back.stopRule);
    EXPECT_EQ(back.slo.p99MaxMs, 80);
    EXPECT_EQ(back.slo.maxErrorRate, 0.02);
    EXPECT_FALSE(back.pinning.enabled);
    EXPECT_EQ(back.pinning.serverCore, 1);
    EXPECT_EQ(back.pinning.generatorCore, 0);
    EXPECT_EQ(back.arrivals, "poisson");

    plan.connections.reset();
    EXPECT_FALSE(planFromJson(planToJson(plan)).connections);
}

TEST(PlanJson, FriendlyFormsAndPresetBase) {
    const auto plan = planFromJson(R"({"preset": "quick", "rates": "100:300:100", "step_duration": "2s",
                                       "warmup": "500ms", "targets": "aiohttp, tornado-gen", "slo": "p99<60ms",
                                       "pinning": false, "connections": "auto"})",
                                   "my.json");
    EXPECT_EQ(plan.preset, "quick");
    EXPECT_EQ(plan.scenario, "simple"); // from the preset
    EXPECT_EQ(plan.rates, (std::vector<double>{100, 200, 300}));
    EXPECT_EQ(plan.stepDurationS, 2);
    EXPECT_EQ(plan.warmupS, 0.5);
    EXPECT_EQ(plan.targets, (std::vector<std::string>{"aiohttp", "tornado-gen"}));
    EXPECT_EQ(plan.slo.p99MaxMs, 60);
    EXPECT_FALSE(plan.pinning.enabled);
    EXPECT_EQ(defaultRunName(plan), "quick: aiohttp vs tornado-gen");
}

TEST(PlanJson, ErrorsNameTheSourceAndTheField) {
    auto err = [](const char* json) { return errorOf([&] { planFromJson(json, "plan.json"); }); };
    EXPECT_NE(err("{").find("plan.json: not valid JSON"), std::string::npos);
    EXPECT_NE(err("[1]").find("plan.json: (document): expected a JSON object"), std::string::npos);
    EXPECT_NE(err(R"({"rate": [1]})").find("plan.json: rate: unknown key (did you mean 'rates'?)"), std::string::npos);
    // Every problem of the file at once, each on its line.
    const auto all = err(R"({"bogus": 1, "duration": "abc", "rates": [100, "x"]})");
    EXPECT_NE(all.find("plan.json: bogus: unknown key (expected one of"), std::string::npos) << all;
    EXPECT_NE(all.find("plan.json: duration: unknown key (did you mean 'step_duration'?)"), std::string::npos) << all;
    EXPECT_NE(all.find("plan.json: rates[1]: expected a number"), std::string::npos) << all;
    EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 2) << all;
    EXPECT_NE(err(R"({"rates": [500, "x"]})").find("plan.json: rates[1]: expected a number"), std::string::npos);
    EXPECT_NE(err(R"({"rates": [500, -1]})").find("plan.json: rates[1]: expected a rate above 0"), std::string::npos);
    EXPECT_NE(err(R"({"rates": "500:abc:1"})").find("plan.json: rates: range"), std::string::npos);
    EXPECT_NE(err(R"({"step_duration": "5 parsecs"})").find("plan.json: step_duration: unknown unit"),
              std::string::npos);
    EXPECT_NE(err(R"({"step_duration": 0})").find("plan.json: step_duration: expected a duration above 0"),
              std::string::npos);
    EXPECT_NE(err(R"({"repetitions": 1.5})").find("plan.json: repetitions: expected a whole number"),
              std::string::npos);
    EXPECT_NE(err(R"({"repetitions": 0})").find("plan.json: repetitions: expected 1 or more"), std::string::npos);
    EXPECT_NE(err(R"({"order": "random"})").find("plan.json: order: expected \"interleaved\" or \"sequential\""),
              std::string::npos);
    EXPECT_NE(err(R"({"slo": {"p99_max": 5}})").find("plan.json: slo.p99_max: unknown key"), std::string::npos);
    EXPECT_NE(err(R"({"slo": "p99<fast"})").find("plan.json: slo:"), std::string::npos);
    EXPECT_NE(err(R"({"pinning": {"server_core": -2}})").find("plan.json: pinning.server_core"), std::string::npos);
    EXPECT_NE(err(R"({"targets": [1]})").find("plan.json: targets[0]: expected a string"), std::string::npos);
    EXPECT_NE(err(R"({"preset": "slow"})").find("plan.json: preset: unknown preset 'slow'"), std::string::npos);
    EXPECT_NE(err(R"({"connections": "many"})").find("plan.json: connections: expected a number"), std::string::npos);
    EXPECT_NE(err(R"({"arrivals": "bursty"})").find("plan.json: arrivals"), std::string::npos);
}

TEST(Presets, QuickIsAKneeSearchOfAFewMinutesAndSeedPresetsCoverEveryVariant) {
    const auto names = presetNames();
    EXPECT_EQ(names, (std::vector<std::string>{"quick", "seed-simple", "seed-complex"}));
    const auto quick = presetPlan("quick");
    ASSERT_TRUE(quick);
    EXPECT_EQ(quick->targets, (std::vector<std::string>{"aiohttp", "tornado-async", "tornado-gen"}));
    EXPECT_EQ(quick->mode, PlanMode::Search);
    EXPECT_TRUE(quick->rates.empty()) << "the search needs no rates";
    EXPECT_EQ(quick->stepDurationS, 6);
    EXPECT_GE(quick->repetitions, 3) << "enough repetitions for an interval";
    EXPECT_EQ(quick->search.probeDuration(quick->stepDurationS), 3);
    EXPECT_GT(estimatedSeconds(*quick), 120);
    EXPECT_LE(estimatedSeconds(*quick), 250);
    EXPECT_EQ(planFromJson(planToJson(*quick)).mode, PlanMode::Search) << "the search survives the JSON round trip";
    EXPECT_EQ(planFromJson(planToJson(*quick)).search.maxTimeS, quick->search.maxTimeS);
    EXPECT_EQ(defaultRunName(*quick), "quick: aiohttp vs tornado-async vs tornado-gen");

    for (const char* name : {"seed-simple", "seed-complex"}) {
        const auto seed = presetPlan(name);
        ASSERT_TRUE(seed);
        EXPECT_EQ(seed->targets.size(), 6u);
        EXPECT_EQ(seed->rates.front(), 500);
        EXPECT_EQ(seed->rates.back(), 3000);
        EXPECT_EQ(seed->stepDurationS, 20);
        EXPECT_EQ(seed->repetitions, 3);
        const auto faithful = presetPlan(name, true);
        EXPECT_EQ(faithful->stepDurationS, 300);
        EXPECT_EQ(faithful->repetitions, 5);
        EXPECT_EQ(faithful->warmupS, 1);
    }
    EXPECT_EQ(presetPlan("seed-complex")->scenario, "complex");
    EXPECT_FALSE(presetPlan("nope"));
}

TEST(StepOrder, InterleavedRunsEveryTargetAtARateBeforeTheNextRate) {
    BenchmarkPlan plan;
    plan.targets = {"a", "b"};
    plan.rates = {100, 200};
    plan.repetitions = 2;
    const auto steps = orderSteps(plan);
    ASSERT_EQ(steps.size(), 8u);
    const std::vector<std::tuple<int, int, int>> expected{{0, 0, 1}, {1, 0, 1}, {0, 1, 1}, {1, 1, 1},
                                                          {0, 0, 2}, {1, 0, 2}, {0, 1, 2}, {1, 1, 2}};
    for (std::size_t i = 0; i < steps.size(); ++i)
        EXPECT_EQ(std::make_tuple(steps[i].targetIndex, steps[i].rateIndex, steps[i].repetition), expected[i]) << i;

    plan.order = StepOrder::Sequential;
    const auto sequential = orderSteps(plan);
    const std::vector<std::tuple<int, int, int>> expectedSeq{{0, 0, 1}, {0, 1, 1}, {0, 0, 2}, {0, 1, 2},
                                                             {1, 0, 1}, {1, 1, 1}, {1, 0, 2}, {1, 1, 2}};
    for (std::size_t i = 0; i < sequential.size(); ++i)
        EXPECT_EQ(std::make_tuple(sequential[i].targetIndex, sequential[i].rateIndex, sequential[i].repetition),
                  expectedSeq[i])
            << i;
}

TEST(ConnectionSizing, RateTimesIdealLatencyTimesFourAtLeast256WithinTheFileLimit) {
    auto s = sizeConnections(2000, 125, std::nullopt, 100000);
    EXPECT_EQ(s.connections, 1000); // 2000 x 0.125 s x 4
    EXPECT_FALSE(s.cappedByFileLimit);
    EXPECT_EQ(sizeConnections(250, 50, std::nullopt, 100000).connections, 256);
    EXPECT_EQ(sizeConnections(5000, 0, std::nullopt, 100000).connections, 256);
    s = sizeConnections(3000, 500, std::nullopt, 1024);
    EXPECT_TRUE(s.cappedByFileLimit);
    EXPECT_EQ(s.wanted, 6000);
    EXPECT_LT(s.connections, 1024);
    EXPECT_NE(s.note.find("open-file limit"), std::string::npos);
    EXPECT_EQ(sizeConnections(3000, 500, 64, 100000).connections, 64);
    EXPECT_GE(openFileHardLimit(), 256);
}
