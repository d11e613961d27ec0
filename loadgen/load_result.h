#pragma once
// LoadResult: everything one run of the generator measured, merged over its workers, and its two renderings: the
// JSON document of --json (the record and its field table in format/loadgen_json.h, shared with the runner's reader;
// schema in docs/loadgen.md) and the readable summary.

#include "loadgen_json.h"
#include "loadgen_options.h"
#include "request_stats.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace loadscope::loadgen {

struct LoadResult {
    // What was asked for.
    std::string url;
    std::string method;
    std::string schedule; // canonical phases of the measured part
    std::string arrivals;
    int connections = 0;
    int threads = 1;
    bool realtime = false;    // ran under SCHED_FIFO
    bool busyPoll = false;    // the event loop never slept
    double batchWindowMs = 0; // the schedule's wake-ups were at least this far apart (0: one per request)
    double timeoutS = 0;
    double warmupS = 0;
    std::uint64_t seed = 0;

    // What happened.
    double targetRps = 0;   // the constant rate, or the schedule's mean rate over the measured part
    double durationS = 0;   // measured seconds (less than planned when stopped by a signal)
    double achievedRps = 0; // responses completed inside the measured window / durationS
    bool partial = false;   // stopped by SIGINT / SIGTERM
    PartStats measured;
    std::int64_t peakInFlight = 0;
    std::int64_t connectionsOpened = 0;
    std::vector<TimelineEntry> timeline;
    std::map<std::string, std::string> firstErrors; // kind -> the first message of that kind

    bool generatorLimited = false;
    std::string generatorLimitedReason;
    bool connectionLimited = false; // some request waited for a free connection

    double cpuUserS = 0; // the generator's own CPU time over the whole process life
    double cpuSystemS = 0;
    double wallS = 0;
    std::string fatalError; // set when nothing could connect (exit code 3)
};

// Sets generatorLimited / reason: lateness p99 above 1 ms, or fewer than 99 % of the due requests sent.
void assessGenerator(LoadResult& result);

// The --json document: the record (latencies rounded to microseconds) and its JSON form.
loadgen_json::LoadgenDocument resultDocument(const LoadResult& result);
nlohmann::json resultToJson(const LoadResult& result);
std::string resultToText(const LoadResult& result);

// {"p50":..,"p75":..,...,"max":..,"mean":..} in milliseconds.
nlohmann::json percentilesJson(const LatencyHistogram& histogram);

// One --progress line (without the newline), written as format/loadgen_json.h's LoadgenProgress.
struct ProgressLine {
    double elapsedS = 0; // since the measured part began; negative during the warm-up
    double durationS = 0;
    const char* phase = "measure"; // "warmup", "measure", "drain"
    std::int64_t due = 0, sent = 0, completed = 0, errors = 0, inFlight = 0;
    double p50Ms = 0, p99Ms = 0;
};
std::string progressLineJson(const ProgressLine& line);

} // namespace loadscope::loadgen
