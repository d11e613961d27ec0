// The benchmark loop end to end: real servers (loadscope-refserver, sh), the real load generator, a temporary
// SQLite database. Steps are 1-2 s so each test stays well under 20 s.
#include "benchmark_runner.h"
#include "child_process.h"
#include "http_probe.h"
#include "install_paths.h"
#include "run_store.h"
#include "runner_test_support.h"
#include "target_definition.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>

#include <chrono>
#include <fstream>
#include <thread>

using namespace loadscope;
using namespace loadscope::test;
using namespace std::chrono_literals;

namespace {

BenchmarkPlan shortPlan(std::vector<std::string> targets, std::vector<double> rates, double durationS = 1.5) {
    BenchmarkPlan plan;
    plan.name = "runner test";
    plan.targets = std::move(targets);
    plan.scenario = "simple";
    plan.rates = std::move(rates);
    plan.stepDurationS = durationS;
    plan.warmupS = 0.3;
    plan.cooldownS = 0.1;
    plan.repetitions = 1;
    return plan;
}

BenchmarkRunner::Options inDatabase(const TempHome& home) {
    BenchmarkRunner::Options options;
    options.databasePath = home.database();
    return options;
}

} // namespace

TEST(Runner, TwoTargetsTwoRatesStoreFourInterleavedStepsWithHistogramsAndTimelines) {
    TempHome home;
    home.writeRefserverTarget("ref-a", R"("--delay-ms", "2")", 2);
    home.writeRefserverTarget("ref-b", R"("--delay-ms", "5")", 5);
    const auto catalog = TargetCatalog::loadDefault();
    ASSERT_TRUE(catalog.find("ref-a")) << "user targets folder not read";

    RecordingObserver observer;
    BenchmarkRunner runner(shortPlan({"ref-a", "ref-b"}, {200, 400}), catalog, inDatabase(home), &observer);
    const auto id = runner.run();
    EXPECT_EQ(runner.finalStatus(), RunStatus::Completed);

    const auto run = loadStoredRun(home, id);
    EXPECT_EQ(run.status, RunStatus::Completed);
    EXPECT_EQ(run.name, "runner test");
    ASSERT_EQ(run.steps.size(), 4u);
    // Interleaved: every target at a rate before the next rate.
    const std::vector<std::pair<std::string, double>> order{
        {"ref-a", 200}, {"ref-b", 200}, {"ref-a", 400}, {"ref-b", 400}};
    for (std::size_t i = 0; i < 4; ++i) {
        const auto& s = run.steps[i];
        SCOPED_TRACE(s.targetName + " @ " + std::to_string(s.requestedRps));
        EXPECT_EQ(std::make_pair(s.targetName, s.requestedRps), order[i]);
        EXPECT_EQ(s.sequence, static_cast<int>(i) + 1);
        EXPECT_EQ(s.status, StepStatus::Ok) << s.statusMessage;
        ASSERT_TRUE(s.latencyHistogram);
        ASSERT_TRUE(s.serviceTimeHistogram);
        EXPECT_NEAR(static_cast<double>(s.latencyHistogram->count()), s.requestedRps * 1.5, s.requestedRps * 0.05);
        EXPECT_EQ(s.latencyHistogram->count(), s.serviceTimeHistogram->count());
        EXPECT_GE(s.timeline.size(), 1u);
        EXPECT_NEAR(s.achievedRps, s.requestedRps, s.requestedRps * 0.05);
        EXPECT_EQ(s.errors.total(), 0);
        const double delay = s.targetName == "ref-a" ? 2 : 5;
        EXPECT_GE(s.latency.p50Ms, delay);
        EXPECT_LT(s.latency.p50Ms, delay + 20);
        EXPECT_GT(s.server.peakRssBytes, 0) << "the server's /proc stats were sampled";
        EXPECT_GE(s.server.threads, 1);
        EXPECT_GT(s.durationS, 1.0);
    }
    // One server per target and repetition, reused across its rates.
    ASSERT_EQ(run.targets.size(), 2u);
    for (const auto& t : run.targets) {
        EXPECT_FALSE(t.argv.empty());
        EXPECT_NE(t.argv.front().find("loadscope-refserver"), std::string::npos);
        EXPECT_FALSE(t.versions.empty()) << "version probe";
    }
    const auto env = nlohmann::json::parse(run.environmentJson);
    EXPECT_TRUE(env.contains("cpu_model"));
    EXPECT_TRUE(env.contains("kernel"));
    EXPECT_TRUE(env.contains("loadscope_commit"));
    int servers = 0, generators = 0;
    for (const auto& child : env["children"]) {
        servers += child["role"] == "server";
        generators += child["role"] == "loadgen";
        EXPECT_FALSE(child["argv"].empty());
    }
    EXPECT_EQ(servers, 2) << "a server is started once per target and repetition";
    EXPECT_EQ(generators, 4);
    // The plan is stored with the run and loads back.
    EXPECT_EQ(planFromJson(run.planJson).rates, (std::vector<double>{200, 400}));

    std::lock_guard lock(observer.mutex);
    EXPECT_EQ(observer.runsStarted, 1);
    EXPECT_EQ(observer.totalSteps, 4);
    EXPECT_EQ(observer.started.size(), 4u);
    EXPECT_EQ(observer.finished.size(), 4u);
    EXPECT_GT(observer.progressCalls, 4) << "live progress every 250 ms";
    EXPECT_EQ(observer.runsFinished, 1);
    EXPECT_EQ(observer.finalStatus, RunStatus::Completed);
    EXPECT_TRUE(childProcessesOfThisProcess().empty()) << "every child stopped";
}

TEST(Runner, SequentialOrderRunsOneTargetAfterTheOther) {
    TempHome home;
    home.writeRefserverTarget("ref-a", "", 1);
    home.writeRefserverTarget("ref-b", "", 1);
    auto plan = shortPlan({"ref-a", "ref-b"}, {100, 200}, 1);
    plan.order = StepOrder::Sequential;
    plan.repetitions = 2;
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), inDatabase(home), nullptr);
    const auto run = loadStoredRun(home, runner.run());
    ASSERT_EQ(run.steps.size(), 8u);
    const std::vector<std::tuple<std::string, double, int>> expected{
        {"ref-a", 100, 1}, {"ref-a", 200, 1}, {"ref-a", 100, 2}, {"ref-a", 200, 2},
        {"ref-b", 100, 1}, {"ref-b", 200, 1}, {"ref-b", 100, 2}, {"ref-b", 200, 2}};
    for (std::size_t i = 0; i < expected.size(); ++i)
        EXPECT_EQ(std::make_tuple(run.steps[i].targetName, run.steps[i].requestedRps, run.steps[i].repetition),
                  expected[i])
            << i;
    const auto env = nlohmann::json::parse(run.environmentJson);
    int servers = 0;
    for (const auto& child : env["children"])
        servers += child["role"] == "server";
    EXPECT_EQ(servers, 4) << "a fresh server per target and repetition";
}

TEST(Runner, StopRuleSkipsTheRatesAfterTwoBrokenInARow) {
    TempHome home;
    // 2 ms of busy work per request: one core serves at most ~500 rps, so 1000 rps and up break a 100 ms p99, while
    // 50 rps (10 % of a core) meets it even on a busy machine.
    home.writeRefserverTarget("ref-cpu", R"("--cpu-us", "2000")", 2);
    auto plan = shortPlan({"ref-cpu"}, {50, 1000, 1500, 2000}, 1.5);
    plan.slo.p99MaxMs = 100;
    plan.requestTimeoutS = 1; // a saturated step drains its backlog for at most this long
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), inDatabase(home), nullptr);
    const auto run = loadStoredRun(home, runner.run());
    ASSERT_EQ(run.steps.size(), 4u);
    EXPECT_EQ(run.steps[0].status, StepStatus::Ok);
    EXPECT_FALSE(run.steps[0].flags.sloViolated) << run.steps[0].latency.p99Ms;
    for (int i : {1, 2}) {
        EXPECT_EQ(run.steps[i].status, StepStatus::Ok);
        EXPECT_TRUE(run.steps[i].flags.sloViolated) << run.steps[i].latency.p99Ms;
        EXPECT_NE(run.steps[i].flags.reason.find("SLO"), std::string::npos);
    }
    EXPECT_EQ(run.steps[3].status, StepStatus::Skipped);
    EXPECT_NE(run.steps[3].statusMessage.find("1000 and 1500 rps"), std::string::npos) << run.steps[3].statusMessage;
    EXPECT_FALSE(run.steps[3].latencyHistogram && run.steps[3].latencyHistogram->count() > 0);
    ASSERT_TRUE(run.targets[0].kneeRps);
    EXPECT_EQ(*run.targets[0].kneeRps, 50);
    EXPECT_EQ(run.status, RunStatus::Completed) << "broken SLOs and skipped rates are results, not failures";
}

TEST(Runner, BrokenServersFailTheirStepsWithReasonsAndTheRunGoesOn) {
    TempHome home;
    home.writeShellTarget("exits-at-once", "echo 'fatal: no configuration found' >&2; exit 4");
    home.writeShellTarget("never-ready", "exec sleep 30", 1.5);
    // A server told to bind a port another program holds.
    const int taken = findFreePort();
    home.writeTarget("port-taken",
                     nlohmann::json{{"name", "port-taken"},
                                    {"argv", {"{bin}/loadscope-refserver", "--port", std::to_string(taken)}},
                                    {"env", {{"UNUSED_PORT", "{port}"}}},
                                    {"scenarios", {{"simple", {{"path", "/simple"}, {"ideal_ms", 1}}}}}}
                         .dump());
    home.writeRefserverTarget("healthy", "", 1);
    // Hold the port (bound and listening) for the whole run.
    ChildProcessOptions holderOptions;
    holderOptions.argv = {(binDir() / "loadscope-refserver").string(), "--port", std::to_string(taken)};
    const ChildProcess holder(holderOptions);
    ASSERT_TRUE(waitUntilReady("127.0.0.1", taken, "/health", 5s).ready);

    auto plan = shortPlan({"exits-at-once", "never-ready", "port-taken", "healthy"}, {100}, 1);
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), inDatabase(home), nullptr);
    const auto started = std::chrono::steady_clock::now();
    const auto run = loadStoredRun(home, runner.run());
    EXPECT_LT(std::chrono::steady_clock::now() - started, 15s);
    ASSERT_EQ(run.steps.size(), 4u);

    const auto& exits = run.steps[0];
    EXPECT_EQ(exits.status, StepStatus::Failed);
    EXPECT_NE(exits.statusMessage.find("the server exited (exit code 4) before it was ready"), std::string::npos)
        << exits.statusMessage;
    EXPECT_NE(exits.statusMessage.find("fatal: no configuration found"), std::string::npos) << exits.statusMessage;
    EXPECT_NE(exits.serverLogTail.find("fatal: no configuration found"), std::string::npos);

    const auto& never = run.steps[1];
    EXPECT_EQ(never.status, StepStatus::Failed);
    EXPECT_EQ(never.statusMessage.rfind("server not ready after 1.5 s", 0), 0u) << never.statusMessage;

    const auto& port = run.steps[2];
    EXPECT_EQ(port.status, StepStatus::Failed);
    EXPECT_NE(port.statusMessage.find("could not bind its port (address already in use)"), std::string::npos)
        << port.statusMessage;
    EXPECT_NE(port.serverLogTail.find("Address already in use"), std::string::npos) << port.serverLogTail;

    EXPECT_EQ(run.steps[3].status, StepStatus::Ok) << run.steps[3].statusMessage;
    EXPECT_EQ(run.status, RunStatus::CompletedWithFailures);
    EXPECT_EQ(runner.finalStatus(), RunStatus::CompletedWithFailures);
}

TEST(Runner, AServerThatDiedIsRestartedAndItsNextStepFlagged) {
    TempHome home;
    // The server lives 1.8 s: through the first step, gone before the second (after a 1.5 s cool-down).
    const auto refserver = (std::filesystem::path(binDir()) / "loadscope-refserver").string();
    home.writeShellTarget("short-lived", "\"" + refserver + "\" --port \"$1\" & sleep 1.8; kill $!; wait");
    auto plan = shortPlan({"short-lived"}, {100, 200}, 1);
    plan.warmupS = 0;
    plan.cooldownS = 1.5;
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), inDatabase(home), nullptr);
    const auto run = loadStoredRun(home, runner.run());
    ASSERT_EQ(run.steps.size(), 2u);
    EXPECT_EQ(run.steps[0].status, StepStatus::Ok) << run.steps[0].statusMessage;
    EXPECT_FALSE(run.steps[0].flags.serverRestarted);
    EXPECT_EQ(run.steps[1].status, StepStatus::Ok) << run.steps[1].statusMessage;
    EXPECT_TRUE(run.steps[1].flags.serverRestarted);
    EXPECT_NE(run.steps[1].flags.reason.find("started again"), std::string::npos) << run.steps[1].flags.reason;
}

TEST(Runner, CancelStopsTheCurrentStepWithinASecondAndKeepsFinishedSteps) {
    TempHome home;
    home.writeRefserverTarget("ref", "", 1);
    auto plan = shortPlan({"ref"}, {100, 200, 300}, 4);
    RecordingObserver observer;
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), inDatabase(home), &observer);
    std::int64_t id = 0;
    std::thread worker([&] { id = runner.run(); });
    // Cancel once the second step has measured for a second (its generator says so).
    const bool intoSecondStep =
        observer.waitFor([&] { return observer.lastProgressStep == 2 && observer.lastProgress.elapsedS >= 1.0; }, 30s);
    const auto cancelledAt = std::chrono::steady_clock::now();
    runner.requestCancel();
    worker.join();
    const auto stopTime = std::chrono::steady_clock::now() - cancelledAt;
    ASSERT_TRUE(intoSecondStep) << "the second step never reported a second of measuring";
    EXPECT_LT(stopTime, 1500ms) << "the step stops within 1 s (plus storing it)";

    EXPECT_EQ(runner.finalStatus(), RunStatus::Cancelled);
    const auto run = loadStoredRun(home, id);
    EXPECT_EQ(run.status, RunStatus::Cancelled);
    ASSERT_EQ(run.steps.size(), 2u) << "the third step never started and is not stored";
    EXPECT_EQ(run.steps[0].status, StepStatus::Ok);
    EXPECT_NEAR(run.steps[0].achievedRps, 100, 5);
    EXPECT_EQ(run.steps[1].status, StepStatus::Cancelled);
    EXPECT_NE(run.steps[1].statusMessage.find("cancelled after"), std::string::npos);
    EXPECT_LT(run.steps[1].durationS, 3.0) << "partial numbers of the cut step";
    EXPECT_FALSE(run.targets[0].kneeRps && *run.targets[0].kneeRps > 100) << "a cancelled step never counts";
    EXPECT_TRUE(childProcessesOfThisProcess().empty()) << "no child left";
}

TEST(Runner, InvalidPlanThrowsBeforeAnythingStarts) {
    TempHome home;
    BenchmarkRunner runner(shortPlan({"no-such-target"}, {100}), TargetCatalog::loadDefault(), inDatabase(home),
                           nullptr);
    try {
        runner.run();
        FAIL() << "expected PlanError";
    } catch (const PlanError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown target 'no-such-target'"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(home.database())) << "nothing was written";
}

TEST(Runner, TooFewConnectionsFlagTheStepConnectionLimited) {
    TempHome home;
    home.writeRefserverTarget("ref", R"("--delay-ms", "5")", 5);
    // One connection and a 5 ms reply: at most ~200 answers a second, so at 1000 rps requests queue for it.
    auto plan = shortPlan({"ref"}, {1000}, 1);
    plan.connections = 1;
    plan.requestTimeoutS = 1;
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), inDatabase(home), nullptr);
    const auto run = loadStoredRun(home, runner.run());
    ASSERT_EQ(run.steps.size(), 1u);
    const auto& step = run.steps[0];
    EXPECT_EQ(step.status, StepStatus::Ok) << step.statusMessage;
    EXPECT_TRUE(step.flags.connectionLimited);
    EXPECT_GT(step.waited, 100);
    EXPECT_NE(step.flags.reason.find("requests waited for one of 1 connections"), std::string::npos)
        << step.flags.reason;
    EXPECT_TRUE(step.flags.sloViolated) << "queueing behind one connection shows in the corrected latency";
}

TEST(Runner, AGeneratorThatCrashesFailsItsStepAndTheRunGoesOn) {
    TempHome home;
    home.writeRefserverTarget("ref", "", 1);
    auto plan = shortPlan({"ref"}, {100, 200}, 2);
    plan.warmupS = 0;
    RecordingObserver observer;
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), inDatabase(home), &observer);
    std::int64_t id = 0;
    std::thread worker([&] { id = runner.run(); });
    // Kill the first step's load generator (a child of this process) half-way through its step, as its own progress
    // reports say.
    const bool halfWay =
        observer.waitFor([&] { return observer.lastProgressStep == 1 && observer.lastProgress.elapsedS >= 0.8; }, 30s);
    pid_t generator = 0;
    for (pid_t child : childProcessesOfThisProcess()) {
        std::ifstream comm("/proc/" + std::to_string(child) + "/comm");
        std::string name;
        std::getline(comm, name);
        if (name.rfind("loadscope-loadg", 0) == 0) // comm is cut at 15 characters
            generator = child;
    }
    if (!halfWay || generator <= 0) {
        runner.requestCancel();
        worker.join();
        FAIL() << "no generator reported 0.8 s of its first step";
    }
    kill(generator, SIGKILL);
    worker.join();
    const auto run = loadStoredRun(home, id);
    ASSERT_EQ(run.steps.size(), 2u);
    EXPECT_EQ(run.steps[0].status, StepStatus::Failed);
    EXPECT_EQ(run.steps[0].statusMessage.rfind("the load generator crashed (killed by SIGKILL)", 0), 0u)
        << run.steps[0].statusMessage;
    EXPECT_EQ(run.steps[1].status, StepStatus::Ok) << run.steps[1].statusMessage;
    EXPECT_EQ(run.status, RunStatus::CompletedWithFailures);
}
