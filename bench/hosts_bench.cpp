// One generator host vs two against a server on a third host (docs/benchmarks.md, "Generators on other hosts"): the
// hosts are network namespaces on this machine (tests/runner/netns_lab.h, needs root), the server nginx from Debian
// (one worker) or, without it, loadscope-refserver. Prints each rate's achieved rate, p99 and verdict per setup, the
// highest rate held, and what SSH costs per run (host preflight, and seconds from run() to the first measured
// request, against the same plan run locally).
//   sudo build/dev/bin/hosts_bench --rates 2000:16000:2000 --duration 3s
#include "benchmark_runner.h"
#include "netns_lab.h"
#include "run_store.h"
#include "runner_test_support.h"
#include "target_definition.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

using namespace loadscope;
using namespace loadscope::test;
using Clock = std::chrono::steady_clock;

namespace {

// Seconds from run() to the first progress line of a measured part.
class FirstMeasured : public RunObserver {
public:
    Clock::time_point started = Clock::now();
    std::optional<double> firstMeasuredS;
    void stepProgress(const Step&, const StepProgress& progress) override {
        if (!firstMeasuredS && progress.elapsedS >= 0)
            firstMeasuredS = std::chrono::duration<double>(Clock::now() - started).count();
    }
};

void writeNginxTarget(const TempHome& home, const NetnsLab& lab) {
    const auto conf = lab.dir() / "nginx.conf.in";
    std::ofstream(conf) << "worker_processes 1;\ndaemon off;\npid " << (lab.dir() / "nginx-@PORT@.pid").string()
                        << ";\nerror_log stderr;\nevents { worker_connections 4096; }\nhttp {\n  access_log off;\n"
                        << "  server {\n    listen @HOST@:@PORT@ reuseport;\n    location / { return 200 \"ok\\n\"; }\n"
                        << "  }\n}\n";
    const std::string script = "sed -e \"s/@HOST@/$1/\" -e \"s/@PORT@/$2/g\" " + conf.string() + " > " +
                               (lab.dir() / "nginx-$2.conf").string() + " && exec /usr/sbin/nginx -e stderr -c " +
                               (lab.dir() / "nginx-$2.conf").string();
    const nlohmann::json definition = {{"name", "bench-server"},
                                       {"argv", {"/bin/sh", "-c", script, "sh", "{host}", "{port}"}},
                                       {"scenarios", {{"simple", {{"path", "/simple"}, {"ideal_ms", 0.2}}}}},
                                       {"readiness", {{"path", "/health"}, {"timeout_s", 5}}}};
    home.writeTarget("bench-server", definition.dump(2));
}

void writeRefserverTarget(const TempHome& home) {
    const nlohmann::json definition = {
        {"name", "bench-server"},
        {"argv", {"{bin}/loadscope-refserver", "--bind", "{host}", "--port", "{port}", "--delay-ms", "0"}},
        {"scenarios", {{"simple", {{"path", "/simple"}, {"ideal_ms", 0.2}}}}},
        {"readiness", {{"path", "/health"}, {"timeout_s", 5}}}};
    home.writeTarget("bench-server", definition.dump(2));
}

struct Outcome {
    double setupS = 0;
    double firstMeasuredS = 0;
    double highestHeld = 0;
};

Outcome runSetup(const std::string& label, BenchmarkPlan plan, const BenchmarkRunner::Options& options,
                 const TempHome& home) {
    FirstMeasured observer;
    BenchmarkRunner runner(plan, TargetCatalog::loadDefault(), options, &observer);
    const auto id = runner.run();
    auto store = RunStore::open(home.database(), RunStore::OpenMode::ReadOnly);
    const auto run = store.loadRun(id);
    const auto environment = nlohmann::json::parse(run->environmentJson);
    Outcome outcome;
    outcome.setupS = environment.value("ssh_setup_s", 0.0);
    if (environment.contains("ssh_setup_phases"))
        std::printf("set-up phases: %s\n", environment["ssh_setup_phases"].dump().c_str());
    outcome.firstMeasuredS = observer.firstMeasuredS.value_or(0);
    std::printf("\n%s\n%10s %10s %9s %9s %8s  %s\n", label.c_str(), "rate", "achieved", "p50 ms", "p99 ms", "gen cpu",
                "verdict");
    for (const auto& step : run->steps) {
        const bool held = step.status == StepStatus::Ok && !step.flags.sloViolated && !step.flags.generatorLimited &&
                          step.achievedRps >= 0.98 * step.requestedRps;
        if (held)
            outcome.highestHeld = std::max(outcome.highestHeld, step.requestedRps);
        std::printf("%10.0f %10.0f %9.2f %9.2f %7.0f%%  %s%s\n", step.requestedRps, step.achievedRps,
                    step.latency.p50Ms, step.latency.p99Ms, step.generatorCpuPercent, held ? "held" : "not held",
                    step.status != StepStatus::Ok ? (" (" + step.statusMessage + ")").c_str()
                    : step.flags.reason.empty()   ? ""
                                                  : (" (" + step.flags.reason + ")").c_str());
    }
    std::printf("highest rate held: %.0f req/s; host preflight %.2f s; run() to the first measured request %.2f s\n",
                outcome.highestHeld, outcome.setupS, outcome.firstMeasuredS);
    return outcome;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app("Generators on other hosts: one vs two, against a server on a third (network namespaces)");
    std::string rates = "2000:16000:2000", duration = "3s", server = "nginx";
    int connections = 64;
    double p99Ms = 5;
    app.add_option("--rates", rates, "Rates to sweep")->capture_default_str();
    app.add_option("--duration", duration, "Measured time per step")->capture_default_str();
    app.add_option("--connections", connections, "Connections per generator")->capture_default_str();
    app.add_option("--p99-ms", p99Ms, "The SLO: p99 below this")->capture_default_str();
    app.add_option("--server", server, "nginx or refserver")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    if (const auto why = NetnsLab::unavailableReason(); !why.empty()) {
        std::cerr << "hosts_bench: " << why << "\n";
        return 2;
    }
    NetnsLab lab(3);
    TempHome home;
    if (server == "nginx" && std::filesystem::exists("/usr/sbin/nginx"))
        writeNginxTarget(home, lab);
    else {
        server = "refserver";
        writeRefserverTarget(home);
    }
    BenchmarkPlan plan;
    plan.name = "hosts bench";
    plan.targets = {"bench-server"};
    plan.rates = parseRates(rates);
    plan.stepDurationS = parseDurationS(duration);
    plan.warmupS = 1;
    plan.cooldownS = 0.5;
    plan.connections = connections;
    plan.stopRule = false;
    plan.pinning.enabled = false;
    plan.slo.p99MaxMs = p99Ms;
    BenchmarkRunner::Options options;
    options.databasePath = home.database();
    options.ssh.configFile = lab.sshConfig();
    std::printf("server: %s on root@h1 (%s); SLO p99 < %.1f ms; %s per step\n", server.c_str(), lab.address(0).c_str(),
                p99Ms, duration.c_str());

    auto one = plan;
    one.serverHost = "root@h1";
    one.generatorHosts = {"root@h2"};
    const auto single = runSetup("one generator (root@h2)", one, options, home);
    auto two = one;
    two.generatorHosts = {"root@h2", "root@h3"};
    const auto pair = runSetup("two generators (root@h2, root@h3)", two, options, home);
    // The generator here (root namespace), the server still on h1: what a generator in a namespace, reached over
    // SSH, costs compared with one started directly.
    auto direct = one;
    direct.generatorHosts = {"local"};
    runSetup("one generator here (local), server on root@h1", direct, options, home);
    auto local = plan;
    local.rates = {plan.rates.front()};
    const auto here =
        runSetup("local server and generator (first rate only, for the set-up cost)", local, options, home);
    std::printf("\nsummary: highest held %0.f (one) vs %0.f (two) req/s; SSH set-up %.2f / %.2f s; run() to first "
                "measured request %.2f / %.2f s with hosts vs %.2f s locally\n",
                single.highestHeld, pair.highestHeld, single.setupS, pair.setupS, single.firstMeasuredS,
                pair.firstMeasuredS, here.firstMeasuredS);
    return 0;
}
