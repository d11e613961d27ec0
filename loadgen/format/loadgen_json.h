#pragma once
// The generator's two JSON outputs (docs/loadgen.md) as plain records, each with one field table (key, member, unit):
// the final --json document (LoadgenDocument) and the --progress line (LoadgenProgress). loadscope-loadgen writes
// them with toJson (loadgen/load_result.cpp) and the runner reads them with fromJson (runner/loadgen_result.cpp):
// both directions walk the same table, so a key is spelled once, and the reader refuses a key the writer never writes
// (the runner only ever reads its own build's generator: remote hosts get a byte-identical copy).
// Header-only on nlohmann/json: the generator links neither db/ nor Qt.

#include "record_fields.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope::loadgen_json {

inline constexpr std::string_view kSchema = "loadscope-loadgen/1";

struct Requests {
    std::int64_t due = 0;
    std::int64_t sent = 0;
    std::int64_t completed = 0;
    std::int64_t ok = 0;
    std::int64_t waited = 0;
    std::int64_t peakInFlight = 0;
    std::int64_t retried = 0;
    std::int64_t unsent = 0;
    std::int64_t abandoned = 0;
    std::int64_t connectionsOpened = 0;
    bool operator==(const Requests&) const = default;
};
inline const auto& fieldsOf(const Requests*) {
    using R = Requests;
    static const std::array fields{
        field<&R::due>("due", "requests"),
        field<&R::sent>("sent", "requests"),
        field<&R::completed>("completed", "requests"),
        field<&R::ok>("ok", "requests"),
        field<&R::waited>("waited", "requests"),
        field<&R::peakInFlight>("peak_in_flight", "requests"),
        field<&R::retried>("retried", "requests"),
        field<&R::unsent>("unsent", "requests"),
        field<&R::abandoned>("abandoned", "requests"),
        field<&R::connectionsOpened>("connections_opened", "connections"),
    };
    return fields;
}

struct Errors {
    std::int64_t connect = 0;
    std::int64_t read = 0;
    std::int64_t timeout = 0;
    std::map<std::string, std::int64_t> status; // "503" -> count, statuses >= 400
    std::int64_t total = 0;
    std::map<std::string, std::string> first; // kind -> the first message of that kind
    bool operator==(const Errors&) const = default;
};
inline const auto& fieldsOf(const Errors*) {
    using R = Errors;
    static const std::array fields{
        field<&R::connect>("connect", "requests"), field<&R::read>("read", "requests"),
        field<&R::timeout>("timeout", "requests"), field<&R::status>("status", "requests"),
        field<&R::total>("total", "requests"),     field<&R::first>("first", ""),
    };
    return fields;
}

struct Percentiles {
    double p50 = 0, p75 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, p9999 = 0, max = 0, mean = 0;
    bool operator==(const Percentiles&) const = default;
};
inline const auto& fieldsOf(const Percentiles*) {
    using R = Percentiles;
    static const std::array fields{
        field<&R::p50>("p50", "ms"),     field<&R::p75>("p75", "ms"), field<&R::p90>("p90", "ms"),
        field<&R::p95>("p95", "ms"),     field<&R::p99>("p99", "ms"), field<&R::p999>("p999", "ms"),
        field<&R::p9999>("p9999", "ms"), field<&R::max>("max", "ms"), field<&R::mean>("mean", "ms"),
    };
    return fields;
}

struct Lateness {
    double p50 = 0, p99 = 0, max = 0;
    bool operator==(const Lateness&) const = default;
};
inline const auto& fieldsOf(const Lateness*) {
    using R = Lateness;
    static const std::array fields{field<&R::p50>("p50", "ms"), field<&R::p99>("p99", "ms"),
                                   field<&R::max>("max", "ms")};
    return fields;
}

struct GeneratorCpu {
    double userS = 0, systemS = 0, wallS = 0;
    bool operator==(const GeneratorCpu&) const = default;
};
inline const auto& fieldsOf(const GeneratorCpu*) {
    using R = GeneratorCpu;
    static const std::array fields{field<&R::userS>("user_s", "s"), field<&R::systemS>("system_s", "s"),
                                   field<&R::wallS>("wall_s", "s")};
    return fields;
}

struct TimelineSecond {
    int t = 0;            // second since the measured part began
    double scheduled = 0; // requests the schedule made due in this second
    std::int64_t sent = 0;
    std::int64_t completed = 0;
    std::int64_t errors = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    bool operator==(const TimelineSecond&) const = default;
};
inline const auto& fieldsOf(const TimelineSecond*) {
    using R = TimelineSecond;
    static const std::array fields{
        field<&R::t>("t", "s"),
        field<&R::scheduled>("scheduled", "requests"),
        field<&R::sent>("sent", "requests"),
        field<&R::completed>("completed", "requests"),
        field<&R::errors>("errors", "requests"),
        field<&R::p50Ms>("p50_ms", "ms"),
        field<&R::p99Ms>("p99_ms", "ms"),
    };
    return fields;
}

// The --json document.
struct LoadgenDocument {
    std::string schema{kSchema};
    std::string url;
    std::string method;
    std::string schedule;
    std::string arrivals;
    int connections = 0;
    int threads = 0;
    bool realtime = false;
    bool busyPoll = false;
    double batchWindowMs = 0;
    double timeoutS = 0;
    double warmupS = 0;
    std::uint64_t seed = 0;
    double targetRps = 0;
    double achievedRps = 0;
    double durationS = 0;
    bool partial = false;
    Requests requests;
    Errors errors;
    Percentiles latencyMs;
    Percentiles serviceTimeMs;
    Lateness latenessMs;
    bool generatorLimited = false;
    std::string generatorLimitedReason;
    bool connectionLimited = false;
    GeneratorCpu generatorCpu;
    std::vector<TimelineSecond> timeline;
    std::string histogram;            // base64 of LatencyHistogram::serialize(), corrected latencies in microseconds
    std::string serviceHistogram;     // the same for service times
    std::optional<std::string> error; // only when nothing could connect (exit code 3)
    bool operator==(const LoadgenDocument&) const = default;
};
inline const auto& fieldsOf(const LoadgenDocument*) {
    using R = LoadgenDocument;
    static const std::array fields{
        field<&R::schema>("schema", ""),
        field<&R::url>("url", ""),
        field<&R::method>("method", ""),
        field<&R::schedule>("schedule", ""),
        field<&R::arrivals>("arrivals", ""),
        field<&R::connections>("connections", "connections"),
        field<&R::threads>("threads", "threads"),
        field<&R::realtime>("realtime", ""),
        field<&R::busyPoll>("busy_poll", ""),
        field<&R::batchWindowMs>("batch_window_ms", "ms"),
        field<&R::timeoutS>("timeout_s", "s"),
        field<&R::warmupS>("warmup_s", "s"),
        field<&R::seed>("seed", ""),
        field<&R::targetRps>("target_rps", "rps"),
        field<&R::achievedRps>("achieved_rps", "rps"),
        field<&R::durationS>("duration_s", "s"),
        field<&R::partial>("partial", ""),
        field<&R::requests>("requests", ""),
        field<&R::errors>("errors", ""),
        field<&R::latencyMs>("latency_ms", "ms"),
        field<&R::serviceTimeMs>("service_time_ms", "ms"),
        field<&R::latenessMs>("lateness_ms", "ms"),
        field<&R::generatorLimited>("generator_limited", ""),
        field<&R::generatorLimitedReason>("generator_limited_reason", ""),
        field<&R::connectionLimited>("connection_limited", ""),
        field<&R::generatorCpu>("generator_cpu", "s"),
        field<&R::timeline>("timeline", ""),
        field<&R::histogram>("histogram", "us"),
        field<&R::serviceHistogram>("service_histogram", "us"),
        field<&R::error>("error", ""),
    };
    return fields;
}

// One --progress line.
struct LoadgenProgress {
    double elapsedS = 0; // since the measured part began; negative during the warm-up
    double durationS = 0;
    std::string phase; // "warmup", "measure", "drain"
    std::int64_t due = 0;
    std::int64_t sent = 0;
    std::int64_t completed = 0;
    std::int64_t errors = 0;
    std::int64_t inFlight = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    bool operator==(const LoadgenProgress&) const = default;
};
inline const auto& fieldsOf(const LoadgenProgress*) {
    using R = LoadgenProgress;
    static const std::array fields{
        field<&R::elapsedS>("elapsed_s", "s"),   field<&R::durationS>("duration_s", "s"),
        field<&R::phase>("phase", ""),           field<&R::due>("due", "requests"),
        field<&R::sent>("sent", "requests"),     field<&R::completed>("completed", "requests"),
        field<&R::errors>("errors", "requests"), field<&R::inFlight>("in_flight", "requests"),
        field<&R::p50Ms>("p50_ms", "ms"),        field<&R::p99Ms>("p99_ms", "ms"),
    };
    return fields;
}

} // namespace loadscope::loadgen_json
