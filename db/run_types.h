#pragma once
// The data model of Loadscope: plain value types, no Qt, no SQLite. Produced by the runner, kept by RunStore,
// shown by the GUI and the CLI. Times are milliseconds since the Unix epoch (UTC); latencies are milliseconds.

#include "latency_histogram.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope {

enum class RunStatus { Running, Completed, CompletedWithFailures, Failed, Cancelled, Interrupted };
// "running", "completed", "completed-with-failures", "failed", "cancelled", "interrupted"
std::string_view toString(RunStatus status);
std::optional<RunStatus> runStatusFromString(std::string_view text);

enum class StepStatus { Ok, Failed, Skipped, Cancelled };
// "ok", "failed", "skipped" (the stop rule left it out), "cancelled"
std::string_view toString(StepStatus status);
std::optional<StepStatus> stepStatusFromString(std::string_view text);

// One server under test as it was when the run started: enough to know, years later, what was measured.
struct TargetSnapshot {
    std::int64_t id = 0; // row id in the store (0 until stored)
    std::string name;    // "aiohttp-uvloop"
    std::string displayName;
    std::vector<std::string> argv; // the command line as started (placeholders expanded)
    std::map<std::string, std::string> env;
    std::string versions; // the version probe's line, e.g. "aiohttp 3.8.4 / Python 3.11.2"
    std::vector<std::string> tags;
    std::optional<double> kneeRps; // highest rate that met the SLO (set when the run finishes)
};

struct ErrorCounts {
    std::int64_t connect = 0;
    std::int64_t read = 0; // read errors and resets
    std::int64_t timeout = 0;
    std::map<int, std::int64_t> status; // HTTP status >= 400 -> count
    std::int64_t total() const {
        std::int64_t n = connect + read + timeout;
        for (const auto& [code, count] : status)
            n += count;
        return n;
    }
    bool operator==(const ErrorCounts&) const = default;
};

// One second of a step, as the load generator saw it.
struct TimelinePoint {
    int second = 0; // seconds since the measured part of the step began
    std::int64_t sent = 0;
    std::int64_t completed = 0;
    std::int64_t errors = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    bool operator==(const TimelinePoint&) const = default;
};

struct StepFlags {
    bool generatorLimited = false;  // the load generator could not keep its schedule: not the server's fault
    bool connectionLimited = false; // requests waited for a free connection
    bool sloViolated = false;       // p99 or error rate beyond the run's SLO
    bool serverRestarted = false;   // the server died before this step and was started again
    std::string reason;             // why, in words, for the flags that are set
    bool any() const { return generatorLimited || connectionLimited || sloViolated || serverRestarted; }
    bool operator==(const StepFlags&) const = default;
};

// The flags in words, as every table, export and message shows them: "SLO broken, connection-limited".
std::string flagWords(const StepFlags& flags);

// What the server process cost during the measured part of a step (sampled from /proc every 250 ms).
struct ServerResources {
    double cpuPercent = 0; // of one core
    std::int64_t peakRssBytes = 0;
    int threads = 0;
    std::int64_t voluntaryContextSwitches = 0;
    std::int64_t involuntaryContextSwitches = 0;
    bool operator==(const ServerResources&) const = default;
};

// A sampling profile of the server during a step's measured window (warm-up and cool-down excluded).
struct StepProfile {
    std::string profiler;    // "python" (resources/profilers/pysampler.py) or "perf"
    double sampleRateHz = 0; // what the profiler was asked for
    std::string folded;      // folded stacks (profiles/folded_profile.h); empty in a loaded run until loadProfile
    bool operator==(const StepProfile&) const = default;
};

// One (target, scenario, requested rate, repetition) measurement.
struct Step {
    std::int64_t id = 0;
    std::int64_t runId = 0;
    std::int64_t targetId = 0; // TargetSnapshot::id
    std::string targetName;
    std::string scenario;
    double requestedRps = 0;
    int repetition = 1; // 1-based
    int sequence = 0;   // position in the run's execution order
    StepStatus status = StepStatus::Ok;
    std::string statusMessage; // why it failed or was skipped

    std::int64_t startedMs = 0;
    std::int64_t finishedMs = 0;
    double durationS = 0; // measured seconds (warm-up excluded)
    double achievedRps = 0;

    std::int64_t due = 0;
    std::int64_t sent = 0;
    std::int64_t completed = 0;
    std::int64_t ok = 0;
    std::int64_t waited = 0; // requests that waited for a free connection
    std::int64_t peakInFlight = 0;
    ErrorCounts errors;

    double latenessP50Ms = 0; // the generator's own lateness (actual send - due time)
    double latenessP99Ms = 0;
    double latenessMaxMs = 0;

    ServerResources server;
    double generatorCpuPercent = 0;
    StepFlags flags;

    // Summaries of the two histograms, stored as columns so tables need no histogram.
    LatencySummary latency; // from each request's due time (corrected for coordinated omission)
    LatencySummary serviceTime;
    // The histograms themselves; loaded only when asked for (RunStore::loadHistograms).
    std::optional<LatencyHistogram> latencyHistogram;
    std::optional<LatencyHistogram> serviceTimeHistogram;

    std::vector<TimelinePoint> timeline;
    std::string serverLogTail;
    std::string generatorLogTail;

    // Set when the server was profiled during this step (a profiler costs CPU: the knee prefers unprofiled
    // repetitions). loadRun fills profiler and rate; the stacks come with RunStore::loadProfile.
    std::optional<StepProfile> profile;
    bool profiled() const { return profile.has_value(); }
};

struct Run {
    std::int64_t id = 0;
    std::string name;
    std::int64_t createdMs = 0;
    std::int64_t finishedMs = 0; // 0 while running
    RunStatus status = RunStatus::Running;
    std::string planJson;        // the BenchmarkPlan as JSON (runner/)
    std::string environmentJson; // host, CPU, kernel, versions... as JSON
    std::string notes;
    std::vector<std::string> tags;
    std::vector<TargetSnapshot> targets;
    std::vector<Step> steps; // in execution order
};

// One row of the run list: what History and `loadscope list` show without loading steps.
struct RunSummary {
    std::int64_t id = 0;
    std::string name;
    std::int64_t createdMs = 0;
    std::int64_t finishedMs = 0;
    RunStatus status = RunStatus::Running;
    std::string scenario;
    std::vector<std::string> tags;
    std::vector<std::string> targetNames;
    std::vector<double> rates;                            // distinct requested rates, ascending
    std::map<std::string, std::optional<double>> kneeRps; // target name -> knee
    int stepCount = 0;
    int failedStepCount = 0;
};

} // namespace loadscope
