#pragma once
// BenchmarkRunner: runs a plan end to end. For each step: the server running and ready, the load generator with
// --json --progress, the server's /proc stats sampled, the result stored in one transaction, next step. Blocking;
// the GUI calls run() on a worker thread, the CLI on its main thread.

#include "benchmark_plan.h"
#include "run_observer.h"
#include "run_types.h"
#include "ssh_host.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace loadscope {

class TargetCatalog;

class BenchmarkRunner {
public:
    struct Options {
        std::filesystem::path databasePath; // the runner opens its own writer connection
        std::filesystem::path loadgenPath;  // default: binDir()/loadscope-loadgen
        std::string python = "/usr/bin/python3";
        std::vector<std::string> commandLine; // recorded in the run's environment
        double stepStopGraceS = 1.0;          // how long a cancelled generator may take to print its partial result
        SshSettings ssh;                      // for the plan's other hosts: the user's ssh setup unless set
    };

    // The runner keeps a copy of `catalog`; `observer` (may be null) must outlive run().
    BenchmarkRunner(BenchmarkPlan plan, const TargetCatalog& catalog, Options options, RunObserver* observer);
    ~BenchmarkRunner();
    BenchmarkRunner(const BenchmarkRunner&) = delete;
    BenchmarkRunner& operator=(const BenchmarkRunner&) = delete;

    // Runs the whole plan and returns the stored run's id. Throws PlanError for an invalid plan before anything
    // starts. Failures of servers or the generator do not throw: they are recorded on their steps.
    std::int64_t run();
    // Thread-safe and async-signal-safe (one atomic store, so a SIGINT handler may call it): the current step stops
    // within 1 s, every child stops, the run is marked cancelled. The step cut short is stored with status
    // `cancelled` and its partial numbers; steps that never started are not stored.
    void requestCancel();
    RunStatus finalStatus() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace loadscope
