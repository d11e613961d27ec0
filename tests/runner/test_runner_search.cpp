// The knee search end to end against a server whose capacity is known: loadscope-refserver burning U microseconds of
// CPU per request, pinned to one core, can answer about 1e6 / (U + overhead) requests per second. The overhead (what
// the server costs per request beyond its busy loop) is measured in the same test, from a short run at --cpu-us 0, and
// the share of its core the server was given (all of it on a quiet machine) from its CPU use when overloaded.
#include "benchmark_runner.h"
#include "run_analysis.h"
#include "run_store.h"
#include "runner_test_support.h"
#include "target_definition.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace loadscope;
using namespace loadscope::test;

namespace {

constexpr double kBusyUs = 1000;

BenchmarkPlan searchPlan(const std::string& target) {
    BenchmarkPlan plan;
    plan.name = "search test";
    plan.targets = {target};
    plan.scenario = "simple";
    plan.mode = PlanMode::Search;
    plan.stepDurationS = 3;
    plan.warmupS = 0.3;
    plan.cooldownS = 0.2;
    plan.slo.p99MaxMs = 20;
    plan.search.startRps = 200;
    plan.search.probeDurationS = 1.5;
    plan.search.maxProbesPerRate = 3;
    plan.search.maxTimeS = 120;
    return plan;
}

// Server CPU seconds per request beyond the busy loop: a short sweep at --cpu-us 0.
double overheadUs(const TempHome& home) {
    BenchmarkPlan plan;
    plan.name = "overhead";
    plan.targets = {"ref-idle"};
    plan.rates = {2000};
    plan.stepDurationS = 2;
    plan.warmupS = 0.3;
    plan.slo.p99MaxMs = 20;
    BenchmarkRunner::Options options;
    options.databasePath = home.database();
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), options, nullptr);
    const auto id = runner.run();
    const auto run = *RunStore::open(home.database(), RunStore::OpenMode::ReadOnly).loadRun(id);
    const Step& step = run.steps.front();
    return step.server.cpuPercent / 100.0 / std::max(1.0, step.achievedRps) * 1e6;
}

} // namespace

TEST(RunnerSearch, FindsTheKneeOfAServerWhoseCapacityIsKnownInFewerStepsThanASweep) {
    TempHome home;
    home.writeRefserverTarget("ref-idle", R"("--delay-ms", "0", "--cpu-us", "0")", 0);
    home.writeRefserverTarget("ref-busy", R"("--delay-ms", "0", "--cpu-us", ")" + std::to_string(int(kBusyUs)) + "\"",
                              0);
    const double overhead = overheadUs(home);
    const double capacity = 1e6 / (kBusyUs + overhead);
    ASSERT_GT(overhead, 0);
    ASSERT_LT(overhead, 500) << "the server's own cost per request should be far below its busy loop";

    RecordingObserver observer;
    BenchmarkRunner::Options options;
    options.databasePath = home.database();
    BenchmarkRunner runner(searchPlan("ref-busy"), TargetCatalog::loadDefault(), options, &observer);
    const auto id = runner.run();
    EXPECT_EQ(runner.finalStatus(), RunStatus::Completed);

    auto store = RunStore::open(home.database(), RunStore::OpenMode::ReadOnly);
    auto run = *store.loadRun(id);
    store.loadHistograms(run.steps);
    const auto analysis = analyzeRun(run);
    const TargetAnalysis& target = *analysis.find("ref-busy");
    ASSERT_TRUE(target.knee.kneeRps) << target.knee.text();
    const double knee = *target.knee.kneeRps;
    // A saturated server uses all the CPU it is given: on a quiet machine a whole core, while another process shares
    // its core (a build, a VM neighbour) less. The capacity it could reach is what it was given, seen as the most CPU
    // it used in any probe (the overloaded ones), times the requests per CPU second measured above.
    double cpuShare = 0;
    for (const Step& s : run.steps)
        if (s.status == StepStatus::Ok)
            cpuShare = std::max(cpuShare, std::min(1.0, s.server.cpuPercent / 100.0));
    const double available = capacity * cpuShare;
    std::cout << "overhead " << overhead << " us/request, capacity " << capacity << " req/s on a whole core, "
              << 100 * cpuShare << " % of a core given, " << available << " req/s available; knee " << knee << " ("
              << target.knee.text() << ") after " << run.steps.size() << " probes\n";
    ASSERT_GT(cpuShare, 0.3) << "the server was given less than a third of its core: the machine is too busy to tell";
    EXPECT_NEAR(knee, available, available * 0.10) << target.knee.text();
    EXPECT_EQ(run.targets.front().kneeRps, knee) << "the runner stores the analysis's knee";

    // Every probe is an ordinary step: the highest held rate was measured at the full step duration.
    bool confirmed = false;
    for (const Step& s : run.steps)
        confirmed |= std::abs(s.requestedRps - knee) < 1e-9 && s.durationS > 2.5;
    EXPECT_TRUE(confirmed) << "the knee is confirmed at the plan's step duration";
    // A sweep from the start rate to the capacity at the search's resolution (5 %).
    const double sweepSteps = std::log(capacity / 200) / std::log(1.05) + 1;
    EXPECT_LT(static_cast<double>(run.steps.size()), sweepSteps);
    EXPECT_NE(run.environmentJson.find("\"search\""), std::string::npos) << "the search's bracket is recorded";
}
