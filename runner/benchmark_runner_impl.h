#pragma once
// The inside of BenchmarkRunner (internal to runner/): the state one run shares between its parts, split by job:
// benchmark_runner.cpp prepares and finishes a run, run_step.cpp measures one step (run_step_hosts.cpp with other
// hosts, run_profiling.cpp profiles it), run_sweep.cpp and run_search.cpp decide which steps to measure.

#include "benchmark_runner.h"
#include "distributed_step.h"
#include "host_set.h"
#include "measurement.h"
#include "remote_server.h"
#include "run_store.h"
#include "server_session.h"
#include "step_executor.h"
#include "step_profiler.h"
#include "target_definition.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace loadscope {

struct SearchProbe; // knee_search.h

// Wall-clock milliseconds since the epoch, for the times stored with runs and steps.
std::int64_t nowMs();

struct BenchmarkRunner::Impl {
    Impl(BenchmarkPlan p, const TargetCatalog& c, Options o, RunObserver* obs);

    BenchmarkPlan plan;
    TargetCatalog catalog; // a copy: callers often pass a temporary (TargetCatalog::loadDefault())
    Options options;
    RunObserver* observer;
    RunObserver silent;
    std::atomic<bool> cancel{false};
    std::atomic<RunStatus> status{RunStatus::Running};

    // Set by prepare().
    std::optional<RunStore> store;
    Run run;
    nlohmann::json environment;
    nlohmann::json children = nlohmann::json::array();
    std::vector<const TargetDefinition*> definitions;
    std::vector<const Scenario*> scenarios;
    std::optional<int> serverCore, generatorCore;
    int plannedSteps = 0;

    // A server lives for one session key: (target index, repetition) in a sweep, (target index, 0) in a search.
    using SessionKey = std::pair<int, int>;
    std::map<SessionKey, std::unique_ptr<ServerSession>> sessions;
    // Other hosts (run_step_hosts.cpp); remote servers go before the hosts whose connections they use.
    std::unique_ptr<HostSet> hosts;
    std::map<SessionKey, std::unique_ptr<RemoteServerSession>> remoteSessions;
    std::map<SessionKey, int> failedStarts;
    // Python targets with profiling on run under the sampler; one control pipe per session (run_profiling.cpp).
    std::map<SessionKey, std::unique_ptr<PythonSamplerChannel>> samplerChannels;
    StepEvents events;
    int sequence = 0, okSteps = 0, failedSteps = 0;

    // What a measured step says about the SLO, for the stop rule and the search.
    struct StepOutcome {
        bool met = false;
        Confidence confidence = Confidence::Uncertain;
    };

    std::int64_t execute();
    void prepare();
    void sweep();  // run_sweep.cpp
    void search(); // run_search.cpp
    struct TargetSearch;
    bool measureProbe(TargetSearch& ts, const SearchProbe& probe);
    void finish();

    // run_step.cpp
    Step newStep(int targetIndex, double rate, int repetition) const;
    // Starts the session's server when needed, runs the generator, classifies and stores the step.
    StepOutcome measure(Step& step, SessionKey key, double durationS);
    void storeStep(Step& step);
    // The same with the server or the generators on other hosts (run_step_hosts.cpp).
    StepOutcome measureOnHosts(Step& step, SessionKey key, double durationS);
    void prepareHosts();
    void closeHosts();
    SloLimits limitsOf(int targetIndex) const;

    void log(const std::string& line) { observer->logLine("runner", line); }
    void drain(const Step& step);
    // Waits `seconds`, waking for cancellation and forwarding server log lines.
    void pause(double seconds);

    // run_profiling.cpp: the sampler around a new session's server; a step's profiler (null when the step is not
    // profiled); the profile stored on the step (or a warning saying why there is none).
    void prepareProfiling(ServerSession& session, SessionKey key);
    std::unique_ptr<StepProfiler> startStepProfiler(const Step& step, SessionKey key, const ServerSession& session);
    void attachProfile(Step& step, StepProfiler& profiler);

private:
    // run_step.cpp: the session's server started when it is not running (false when it could not: the step is then
    // failed or cancelled), here bound to `bindAddress` or on the server host.
    bool ensureServer(Step& step, SessionKey key, const std::string& bindAddress);
    bool ensureRemoteServer(Step& step, SessionKey key);
    template <class Session>
    bool keepServerRunning(Step& step, SessionKey key, Session& session, const std::string& host);
    void recordServerStart(SessionKey key, const std::vector<std::string>& argv, const std::string& host);
    ServerSession& localSession(SessionKey key, const std::string& bindAddress);
    ServerSession::LineSink serverLogSink(const TargetDefinition& def);
    // run_step_hosts.cpp
    RemoteServerSession& remoteSession(SessionKey key);
    std::optional<std::pair<int, pid_t>> hostedServerFor(Step& step, SessionKey key);
    void recordGenerators(const Step& step, const std::vector<GeneratorOutcome>& outcomes);
    LoadRequest loadRequestFor(const Step& step, const std::string& address, int port, pid_t serverGroup,
                               double durationS, int connections) const;
    void classify(Step& step, const StepExecution& execution, bool serverDied, std::optional<ExitStatus> serverExit,
                  double durationS);
    // The connection count for a step (logs when the open-file limit caps it).
    int connectionsFor(const Step& step, int targetIndex);
    StepOutcome judge(Step& step) const;
    void recordTargets();
};

} // namespace loadscope
