// Profiling during runs, end to end with real servers and the real load generator: a Python server with a known hot
// function (tests/profilers/hot_http_server.py) under the shipped sampler, the built-in tornado-async with its
// handler coroutines by name, and loadscope-refserver --cpu-us under perf. Shares are of busy samples ("within a
// few points"); the window excludes warm-up. Each run is a few seconds at 200 req/s.
#include "benchmark_runner.h"
#include "folded_profile.h"
#include "function_totals.h"
#include "run_store.h"
#include "runner_test_support.h"
#include "step_profiler.h"
#include "target_definition.h"

#include <gtest/gtest.h>

#include <iostream>

using namespace loadscope;
using loadscope::test::TempHome;

namespace {

BenchmarkPlan profiledPlan(const std::string& target) {
    BenchmarkPlan plan;
    plan.name = "profile test";
    plan.targets = {target};
    plan.scenario = "simple";
    plan.rates = {200};
    plan.stepDurationS = 4;
    plan.warmupS = 1.5;
    plan.cooldownS = 0.2;
    plan.slo.p99MaxMs = 1000;
    plan.pinning.enabled = false;
    plan.profile.enabled = true;
    return plan;
}

// Runs the plan and returns its steps with their profiles; the runner's warnings go to `log`.
std::vector<Step> runProfiled(const TempHome& home, const BenchmarkPlan& plan, std::string* log = nullptr) {
    BenchmarkRunner::Options options;
    options.databasePath = home.database();
    loadscope::test::RecordingObserver observer;
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), options, &observer);
    const auto id = runner.run();
    auto store = RunStore::open(home.database(), RunStore::OpenMode::ReadOnly);
    auto steps = store.loadRun(id)->steps;
    store.loadProfiles(steps);
    if (log)
        for (const auto& line : observer.logs)
            if (line.find("warning") != std::string::npos)
                *log += line + "\n";
    return steps;
}

double busyShare(const FoldedProfile& profile, const std::string& function) {
    for (const auto& total : functionTotals(profile))
        if (total.name == function)
            return total.totalShare;
    return 0;
}

} // namespace

TEST(RunnerProfile, APythonServersHotFunctionHasItsShareAndWarmUpIsNotCounted) {
    TempHome home;
    home.writeTarget("hot-python", R"({
        "name": "hot-python",
        "argv": ["{python}", ")" + std::string(PROFILER_TESTS_DIR) +
                                       R"(/hot_http_server.py", "--port", "{port}"],
        "scenarios": {"simple": {"path": "/work", "ideal_ms": 2}},
        "profiler": "python"
    })");
    auto plan = profiledPlan("hot-python");
    plan.profile.sampleRateHz = 250; // ~400 busy samples: a sampling error of ~2 points on a 30 % share
    const auto steps = runProfiled(home, plan);
    ASSERT_EQ(steps.size(), 1u);
    ASSERT_EQ(steps[0].status, StepStatus::Ok) << steps[0].statusMessage;
    ASSERT_TRUE(steps[0].profiled());
    EXPECT_EQ(steps[0].profile->profiler, "python");
    const auto parsed = parseFolded(steps[0].profile->folded);
    ASSERT_TRUE(parsed.ok()) << parsed.error;
    const auto& profile = parsed.profile;
    // About 4 s at 250 Hz: busy samples by the wall-clock timer, idle ones the window's time off CPU (their sum
    // exceeds the window when the server waited for a core).
    EXPECT_GT(profile.totalSamples(), 500u);
    EXPECT_LT(profile.totalSamples(), 1800u);
    // 200 req/s x 2 ms of burns: about 40 % busy, the rest waiting in epoll.
    EXPECT_GT(profile.idleShare(), 0.3) << formatFolded(profile);
    const double hot = busyShare(profile, "hot_http_server:hot_function");
    const double cold = busyShare(profile, "hot_http_server:cold_function");
    EXPECT_NEAR(hot / (hot + cold), 0.30, 0.07) << "hot " << hot << ", cold " << cold << "\n" << formatFolded(profile);
    EXPECT_GT(hot + cold, 0.6) << "the burns are most of the busy samples";
    EXPECT_GT(busyShare(profile, "hot_http_server:handle_request"), 0.8); // the handler coroutine, by name
    EXPECT_EQ(busyShare(profile, "hot_http_server:warmup_only"), 0.0) << "warm-up samples were counted";
}

TEST(RunnerProfile, TornadoAsyncHandlersAppearByName) {
    TempHome home;
    auto plan = profiledPlan("tornado-async");
    plan.profile.sampleRateHz = 250; // the handlers' own frames are small: more samples to catch them
    std::string log;
    const auto steps = runProfiled(home, plan, &log);
    ASSERT_EQ(steps.size(), 1u);
    ASSERT_TRUE(steps[0].profiled()) << steps[0].statusMessage << "\n" << log << steps[0].serverLogTail;
    const auto parsed = parseFolded(steps[0].profile->folded);
    ASSERT_TRUE(parsed.ok());
    // The native coroutine handler, by name (its own work is tiny: present is what counts).
    EXPECT_GT(busyShare(parsed.profile, "tornado_server:make_async_handlers.<locals>.SimpleHandler.get"), 0.0)
        << formatFolded(parsed.profile).substr(0, 3000);
    EXPECT_GT(busyShare(parsed.profile, "tornado.web:RequestHandler._execute"), 0.05);
    EXPECT_GT(parsed.profile.idleShare(), 0.2);
}

TEST(RunnerProfile, PerfFindsTheRefserversBusyWork) {
    if (const auto problem = perfAccessProblem(); !problem.empty())
        GTEST_SKIP() << problem;
    TempHome home;
    home.writeTarget("ref-perf", R"({
        "name": "ref-perf",
        "argv": ["{bin}/loadscope-refserver", "--bind", "127.0.0.1", "--port", "{port}", "--delay-ms", "0",
                 "--cpu-us", "1500"],
        "scenarios": {"simple": {"path": "/simple", "ideal_ms": 2}},
        "readiness": {"path": "/health", "timeout_s": 5},
        "profiler": "perf"
    })");
    std::string log;
    const auto steps = runProfiled(home, profiledPlan("ref-perf"), &log);
    ASSERT_EQ(steps.size(), 1u);
    ASSERT_EQ(steps[0].status, StepStatus::Ok) << steps[0].statusMessage;
    ASSERT_TRUE(steps[0].profiled()) << log;
    EXPECT_EQ(steps[0].profile->profiler, "perf");
    const auto parsed = parseFolded(steps[0].profile->folded);
    ASSERT_TRUE(parsed.ok()) << parsed.error;
    // 200 req/s x 1.5 ms: 30 % of a core, nearly all of it in the busy loop; 499 Hz over ~4 s of which 30 % on CPU.
    EXPECT_GT(parsed.profile.totalSamples(), 200u);
    double busyWork = 0;
    for (const auto& total : functionTotals(parsed.profile))
        // busyWork, or ServerSession::work when the optimiser inlined it there.
        if (total.name.find("busyWork") != std::string::npos ||
            total.name.find("ServerSession::work") != std::string::npos)
            busyWork = std::max(busyWork, total.totalShare);
    EXPECT_GT(busyWork, 0.6) << formatFolded(parsed.profile).substr(0, 2000);
}

TEST(RunnerProfile, PreflightSaysHowToAllowPerf) {
    EXPECT_EQ(perfAccessProblem("/usr/bin/perf", 2, false), "");
    EXPECT_EQ(perfAccessProblem("/usr/bin/perf", 3, true), "");
    const auto forbidden = perfAccessProblem("/usr/bin/perf", 3, false);
    EXPECT_NE(forbidden.find("kernel.perf_event_paranoid is 3"), std::string::npos) << forbidden;
    EXPECT_NE(forbidden.find("sudo sysctl kernel.perf_event_paranoid=2"), std::string::npos) << forbidden;
    EXPECT_EQ(perfAccessProblem("", 1, true), "perf is not installed: apt-get install linux-perf");
    // The plan's preflight names the target.
    TempHome home;
    home.writeTarget("no-profiler", R"({
        "name": "no-profiler",
        "argv": ["{bin}/loadscope-refserver", "--port", "{port}"],
        "scenarios": {"simple": {"path": "/simple", "ideal_ms": 50}}
    })");
    auto plan = profiledPlan("no-profiler");
    const auto problems = profilingProblems(plan, TargetCatalog::loadDefault());
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find("no-profiler: --profile: the target has no profiler"), std::string::npos) << problems[0];
    plan.profile.enabled = false;
    EXPECT_TRUE(profilingProblems(plan, TargetCatalog::loadDefault()).empty());
}
