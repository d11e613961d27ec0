// Runs with other hosts, end to end on this machine: the lab's network namespaces (tests/runner/netns_lab.h) are the
// hosts, each running Debian's sshd; the server under test is loadscope-refserver, the load the real generator,
// copied to the generator hosts by the runner. Needs root; skipped with the reason otherwise.
#include "benchmark_runner.h"
#include "child_process.h"
#include "install_paths.h"
#include "lab_test.h"
#include "run_store.h"
#include "runner_test_support.h"
#include "ssh_host.h"
#include "target_definition.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

using namespace loadscope;
using namespace loadscope::test;
using namespace std::chrono_literals;

namespace {

using HostsRun = LabTest;

// A refserver that binds {host} (so it can run on any host), answering after `delayMs`.
void writeBindingRefserver(const TempHome& home, const std::string& name, int delayMs, const std::string& extra = "") {
    nlohmann::json argv = {"{bin}/loadscope-refserver", "--bind", "{host}", "--port", "{port}", "--delay-ms",
                           std::to_string(delayMs)};
    if (!extra.empty())
        for (const auto& part : nlohmann::json::parse(extra))
            argv.push_back(part);
    const nlohmann::json definition = {{"name", name},
                                       {"argv", argv},
                                       {"scenarios", {{"simple", {{"path", "/simple"}, {"ideal_ms", delayMs}}}}},
                                       {"readiness", {{"path", "/health"}, {"timeout_s", 5}}},
                                       {"version_probe", {"{bin}/loadscope-refserver", "--version"}}};
    home.writeTarget(name, definition.dump(2));
}

BenchmarkPlan planFor(const std::string& target, std::vector<double> rates, double durationS) {
    BenchmarkPlan plan;
    plan.name = "hosts test";
    plan.targets = {target};
    plan.rates = std::move(rates);
    plan.stepDurationS = durationS;
    plan.warmupS = 0.5;
    plan.cooldownS = 0.1;
    plan.stopRule = false;
    plan.pinning.enabled = false; // remote servers are not pinned: the local comparison must not be either
    return plan;
}

BenchmarkRunner::Options optionsFor(const TempHome& home, const NetnsLab& lab) {
    BenchmarkRunner::Options options;
    options.databasePath = home.database();
    options.ssh = LabTest::sshSettings(lab.sshConfig());
    return options;
}

std::string describe(const RecordingObserver& observer) {
    std::string out;
    for (const auto& line : observer.logs)
        out += line + "\n";
    return out;
}

} // namespace

TEST_F(HostsRun, ServerAndTwoGeneratorsOnHostsMatchALocalRunAndTheCountsAdd) {
    NetnsLab lab(3);
    TempHome home;
    writeBindingRefserver(home, "ref-hosts", 10);
    auto plan = planFor("ref-hosts", {300}, 3);
    plan.serverHost = "root@h1";
    plan.generatorHosts = {"root@h2", "root@h3"};
    RecordingObserver observer;
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), optionsFor(home, lab), &observer);
    const auto id = runner.run();
    const loadscope::Run remote = loadStoredRun(home, id);
    ASSERT_EQ(remote.steps.size(), 1u);
    const Step& step = remote.steps[0];
    ASSERT_EQ(step.status, StepStatus::Ok) << step.statusMessage << "\n" << describe(observer);

    // The environment names every host, and which generators took part in the step with how many requests.
    const auto environment = nlohmann::json::parse(remote.environmentJson);
    ASSERT_EQ(environment["hosts"].size(), 3u) << environment.dump(2);
    for (const auto& host : environment["hosts"]) {
        EXPECT_FALSE(host["kernel"].get<std::string>().empty());
        EXPECT_LT(std::abs(host["clock_offset_ms"].get<double>()), 5.0) << "one machine, one clock";
    }
    // The target's version as the server host reports it.
    EXPECT_EQ(environment["targets"]["ref-hosts"]["versions_from"], "root@h1");
    ChildProcessOptions probe;
    probe.argv = {(binDir() / "loadscope-refserver").string(), "--version"};
    const auto here = runCommand(probe, 10s).out;
    EXPECT_EQ(environment["targets"]["ref-hosts"]["versions"].get<std::string>() + "\n", here);
    const auto& took = environment["steps"][std::to_string(step.sequence)]["generators"];
    ASSERT_EQ(took.size(), 2u);
    std::int64_t sum = 0;
    for (const auto& generator : took) {
        EXPECT_FALSE(generator["failed"].get<bool>()) << generator.dump();
        EXPECT_GT(generator["requests"].get<std::int64_t>(), 300 * 3 / 2 * 8 / 10) << "each sends half the load";
        sum += generator["requests"].get<std::int64_t>();
    }
    EXPECT_EQ(step.completed, sum) << "the merged step's count is the sum of the generators'";
    ASSERT_TRUE(step.latencyHistogram);
    EXPECT_EQ(step.latencyHistogram->count(), step.completed - step.errors.total());
    EXPECT_NEAR(step.achievedRps, 300, 30);
    // The server's resources were sampled on its host.
    EXPECT_GT(step.server.peakRssBytes, 0);
    EXPECT_GT(step.server.threads, 0);

    // The same plan locally.
    TempHome localHome;
    writeBindingRefserver(localHome, "ref-hosts", 10);
    BenchmarkRunner::Options localOptions;
    localOptions.databasePath = localHome.database();
    BenchmarkRunner local(planFor("ref-hosts", {300}, 3), TargetCatalog::loadDefault(), localOptions, nullptr);
    const loadscope::Run localRun = loadStoredRun(localHome, local.run());
    ASSERT_EQ(localRun.steps.size(), 1u);
    ASSERT_EQ(localRun.steps[0].status, StepStatus::Ok) << localRun.steps[0].statusMessage;
    EXPECT_NEAR(step.latency.p50Ms, localRun.steps[0].latency.p50Ms, 3.0);
    EXPECT_NEAR(step.latency.p99Ms, localRun.steps[0].latency.p99Ms, 0.5 * localRun.steps[0].latency.p99Ms + 2.0);
    // Nothing left on any host.
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(lab.strayProcessesIn(i).empty()) << lab.alias(i);
}

TEST_F(HostsRun, ArrivalsAtTheServerStayEvenlySpacedWithTwoGenerators) {
    NetnsLab lab(3);
    TempHome home;
    // The hosts share this machine's files: the server's arrivals log is readable here.
    const auto log = lab.dir() / "arrivals.log";
    writeBindingRefserver(home, "ref-arrivals", 2, "[\"--arrivals-log\", \"" + log.string() + "\"]");
    auto plan = planFor("ref-arrivals", {500}, 3);
    plan.warmupS = 0;
    plan.serverHost = "root@h1";
    plan.generatorHosts = {"root@h2", "root@h3"};
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), optionsFor(home, lab), nullptr);
    const loadscope::Run run = loadStoredRun(home, runner.run());
    ASSERT_EQ(run.steps.size(), 1u);
    ASSERT_EQ(run.steps[0].status, StepStatus::Ok) << run.steps[0].statusMessage;
    std::ifstream in(log);
    std::vector<double> arrivalsUs;
    for (double us = 0; in >> us;)
        arrivalsUs.push_back(us);
    ASSERT_GT(arrivalsUs.size(), 1200u);
    std::sort(arrivalsUs.begin(), arrivalsUs.end());
    // The middle of the step (away from the readiness probe and the start): gaps of 2 ms, not pairs 0 and 4 ms
    // (two generators in phase) or any other phase than the half period.
    std::vector<double> gapsMs;
    for (std::size_t i = arrivalsUs.size() / 4; i + 1 < arrivalsUs.size() * 3 / 4; ++i)
        gapsMs.push_back((arrivalsUs[i + 1] - arrivalsUs[i]) / 1000.0);
    std::sort(gapsMs.begin(), gapsMs.end());
    const double median = gapsMs[gapsMs.size() / 2];
    EXPECT_NEAR(median, 2.0, 0.3);
    // Two generators in phase would arrive in pairs: half the gaps near 0. A stall of this busy machine bunches a
    // few sends as well, so the bound leaves room for that.
    const auto close = std::count_if(gapsMs.begin(), gapsMs.end(), [](double gap) { return gap < 0.5; });
    EXPECT_LT(static_cast<double>(close) / static_cast<double>(gapsMs.size()), 0.2)
        << "arrivals bunch up: the generators' schedules are not offset";
}

TEST_F(HostsRun, AGeneratorHostThatDiesFailsItsStepWithTheHostNamedAndTheRunGoesOn) {
    NetnsLab lab(3);
    TempHome home;
    writeBindingRefserver(home, "ref-dies", 5);
    auto plan = planFor("ref-dies", {100, 150}, 4);
    plan.serverHost = "root@h1";
    plan.generatorHosts = {"root@h2", "root@h3"};

    class KillOnProgress : public RecordingObserver {
    public:
        explicit KillOnProgress(NetnsLab& lab)
            : lab_(lab) {}
        void stepProgress(const Step& step, const StepProgress& progress) override {
            RecordingObserver::stepProgress(step, progress);
            if (!killed_ && progress.elapsedS >= 1.0) {
                killed_ = true;
                lab_.killHost(2); // h3
            }
        }

    private:
        NetnsLab& lab_;
        bool killed_ = false;
    } observer(lab);
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), optionsFor(home, lab), &observer);
    const loadscope::Run run = loadStoredRun(home, runner.run());
    ASSERT_EQ(run.steps.size(), 2u) << "the run goes on after the failed step";
    EXPECT_EQ(run.steps[0].status, StepStatus::Failed);
    EXPECT_NE(run.steps[0].statusMessage.find("root@h3"), std::string::npos) << run.steps[0].statusMessage;
    EXPECT_NE(run.status, RunStatus::Running);
}

TEST_F(HostsRun, CancelStopsRemoteGeneratorsWithTheirPartialResults) {
    NetnsLab lab(3);
    TempHome home;
    writeBindingRefserver(home, "ref-cancel", 5);
    auto plan = planFor("ref-cancel", {200}, 20);
    plan.serverHost = "root@h1";
    plan.generatorHosts = {"root@h2", "root@h3"};

    class CancelOnProgress : public RecordingObserver {
    public:
        BenchmarkRunner* runner = nullptr;
        std::chrono::steady_clock::time_point cancelledAt;
        void stepProgress(const Step& step, const StepProgress& progress) override {
            RecordingObserver::stepProgress(step, progress);
            if (runner && progress.elapsedS >= 1.0) {
                cancelledAt = std::chrono::steady_clock::now();
                runner->requestCancel();
                runner = nullptr;
            }
        }
    } observer;
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), optionsFor(home, lab), &observer);
    observer.runner = &runner;
    const loadscope::Run run = loadStoredRun(home, runner.run());
    const double stopS = std::chrono::duration<double>(std::chrono::steady_clock::now() - observer.cancelledAt).count();
    EXPECT_LT(stopS, 8.0) << "the run stops soon after the cancel (servers and hosts closed included)";
    ASSERT_EQ(run.steps.size(), 1u);
    EXPECT_EQ(run.steps[0].status, StepStatus::Cancelled) << run.steps[0].statusMessage;
    // SIGINT through the watchdogs: both generators printed what they had measured.
    const auto environment = nlohmann::json::parse(run.environmentJson);
    const auto& took = environment["steps"][std::to_string(run.steps[0].sequence)]["generators"];
    ASSERT_EQ(took.size(), 2u);
    for (const auto& generator : took)
        EXPECT_GT(generator["requests"].get<std::int64_t>(), 50) << "partial numbers of both generators";
    EXPECT_LT(run.steps[0].completed, 200 * 20 / 2);
    EXPECT_EQ(run.status, RunStatus::Cancelled);
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(lab.strayProcessesIn(i).empty()) << lab.alias(i);
}

TEST_F(HostsRun, UnreachableHostWrongKeyAndMissingPackageFailBeforeAnythingIsStored) {
    NetnsLab lab(2);
    TempHome home;
    writeBindingRefserver(home, "ref-pre", 5);
    auto plan = planFor("ref-pre", {100}, 1);
    plan.serverHost = "root@h1";
    plan.generatorHosts = {"root@" + lab.unusedAddress()};
    BenchmarkRunner unreachable(plan, TargetCatalog::loadDefault(), optionsFor(home, lab), nullptr);
    try {
        unreachable.run();
        FAIL() << "expected a PlanError";
    } catch (const PlanError& e) {
        EXPECT_NE(std::string(e.what()).find("root@" + lab.unusedAddress() + " is unreachable"), std::string::npos)
            << e.what();
    }

    auto wrongKey = optionsFor(home, lab);
    wrongKey.ssh.configFile = lab.wrongKeyConfig();
    plan.generatorHosts = {"root@h2"};
    BenchmarkRunner refused(plan, TargetCatalog::loadDefault(), wrongKey, nullptr);
    try {
        refused.run();
        FAIL() << "expected a PlanError";
    } catch (const PlanError& e) {
        EXPECT_NE(std::string(e.what()).find("root@h1 refused the key"), std::string::npos) << e.what();
    }

    // A target needing a Python module no host has.
    const nlohmann::json needy = {
        {"name", "needs-module"},
        {"argv", {"{python}", "-c", "pass", "{host}", "{port}"}},
        {"scenarios", {{"simple", {{"path", "/simple"}, {"ideal_ms", 5}}}}},
        {"requirements", {{"python_modules", {{"loadscope_missing_mod", "python3-loadscope-missing"}}}}}};
    home.writeTarget("needs-module", needy.dump());
    auto needing = planFor("needs-module", {100}, 1);
    needing.serverHost = "root@h1";
    needing.generatorHosts = {"root@h2"};
    BenchmarkRunner missing(needing, TargetCatalog::loadDefault(), optionsFor(home, lab), nullptr);
    try {
        missing.run();
        FAIL() << "expected a PlanError";
    } catch (const PlanError& e) {
        EXPECT_NE(std::string(e.what()).find("root@h1: python3-loadscope-missing is not installed"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("apt-get install python3-loadscope-missing"), std::string::npos);
    }
    EXPECT_FALSE(std::filesystem::exists(home.database()) &&
                 !RunStore::open(home.database(), RunStore::OpenMode::ReadOnly).listRuns().empty())
        << "nothing is stored for a run whose hosts are not ready";
}

TEST_F(HostsRun, KillingLoadscopeMidStepLeavesNoProcessOnAnyHost) {
    NetnsLab lab(3);
    TempHome home;
    writeBindingRefserver(home, "ref-kill", 5);
    auto plan = planFor("ref-kill", {200}, 20);
    plan.serverHost = "root@h1";
    plan.generatorHosts = {"root@h2", "root@h3"};
    const auto planFile = home.dir() / "plan.json";
    std::ofstream(planFile) << planToJson(plan);

    ChildProcessOptions options;
    options.argv = {(binDir() / "test_hosts_run_helper").string(), planFile.string(), home.database().string(),
                    lab.sshConfig().string()};
    std::mutex mutex;
    std::condition_variable measuring;
    bool started = false;
    options.onLine = [&](OutputStream stream, std::string_view line) {
        if (stream == OutputStream::Stdout && line == "measuring") {
            std::lock_guard lock(mutex);
            started = true;
            measuring.notify_one();
        }
    };
    ChildProcess loadscope(options);
    {
        std::unique_lock lock(mutex);
        ASSERT_TRUE(measuring.wait_for(lock, 40s, [&] { return started; })) << loadscope.stderrTail();
    }
    for (int i = 0; i < 3; ++i)
        ASSERT_FALSE(lab.strayProcessesIn(i).empty()) << lab.alias(i) << ": the server and generators run there";
    ::kill(loadscope.pid(), SIGKILL);
    loadscope.wait();
    // The connections close with Loadscope's ssh processes, the watchdogs see end of file and stop their groups.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (int i = 0; i < 3; ++i) {
        while (!lab.strayProcessesIn(i).empty() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(100ms);
        EXPECT_TRUE(lab.strayProcessesIn(i).empty())
            << lab.alias(i) << " still runs " << lab.strayProcessesIn(i).size() << " process(es)";
    }
    // Its connection folders stay behind (nothing ran to remove them) until the next Loadscope connects.
    const std::string mine = "/tmp/loadscope-ssh-" + std::to_string(loadscope.pid()) + "-";
    auto leftovers = [&] {
        int count = 0;
        for (const auto& entry : std::filesystem::directory_iterator("/tmp"))
            count += entry.path().string().rfind(mine, 0) == 0 ? 1 : 0;
        return count;
    };
    EXPECT_EQ(leftovers(), 3);
    removeStaleControlFolders();
    EXPECT_EQ(leftovers(), 0);
}
