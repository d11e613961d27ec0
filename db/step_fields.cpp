#include "step_fields.h"

#include <array>
#include <functional>
#include <type_traits>

namespace loadscope {
namespace {

// One entry: the accessor's return type picks the StepMemberRef alternative.
template <typename Get>
constexpr StepField stepField(std::string_view column, std::string_view json, std::string_view unit, Get get) {
    using T = std::remove_reference_t<std::invoke_result_t<Get, Step&>>;
    return {column, json, unit, StepMember<T>(get)};
}

// clang-format off
#define LOADSCOPE_STEP_MEMBER(path) [](Step& s) -> auto& { return s.path; }
// clang-format on

// One field a line reads better than the formatter's wrapping.
// clang-format off
const std::array kFields{
    stepField("run_id", "", "", LOADSCOPE_STEP_MEMBER(runId)),
    stepField("target_id", "", "", LOADSCOPE_STEP_MEMBER(targetId)),
    stepField("", "target", "", LOADSCOPE_STEP_MEMBER(targetName)),
    stepField("scenario", "scenario", "", LOADSCOPE_STEP_MEMBER(scenario)),
    stepField("requested_rps", "requested_rps", "rps", LOADSCOPE_STEP_MEMBER(requestedRps)),
    stepField("repetition", "repetition", "", LOADSCOPE_STEP_MEMBER(repetition)),
    stepField("sequence", "sequence", "", LOADSCOPE_STEP_MEMBER(sequence)),
    stepField("status", "status", "", LOADSCOPE_STEP_MEMBER(status)),
    stepField("status_message", "status_message", "", LOADSCOPE_STEP_MEMBER(statusMessage)),
    stepField("started_ms", "started_ms", "ms since epoch", LOADSCOPE_STEP_MEMBER(startedMs)),
    stepField("finished_ms", "finished_ms", "ms since epoch", LOADSCOPE_STEP_MEMBER(finishedMs)),
    stepField("duration_s", "duration_s", "s", LOADSCOPE_STEP_MEMBER(durationS)),
    stepField("achieved_rps", "achieved_rps", "rps", LOADSCOPE_STEP_MEMBER(achievedRps)),
    stepField("due", "counts.due", "requests", LOADSCOPE_STEP_MEMBER(due)),
    stepField("sent", "counts.sent", "requests", LOADSCOPE_STEP_MEMBER(sent)),
    stepField("completed", "counts.completed", "requests", LOADSCOPE_STEP_MEMBER(completed)),
    stepField("ok", "counts.ok", "requests", LOADSCOPE_STEP_MEMBER(ok)),
    stepField("waited", "counts.waited", "requests", LOADSCOPE_STEP_MEMBER(waited)),
    stepField("peak_in_flight", "counts.peak_in_flight", "requests", LOADSCOPE_STEP_MEMBER(peakInFlight)),
    stepField("errors_connect", "errors.connect", "requests", LOADSCOPE_STEP_MEMBER(errors.connect)),
    stepField("errors_read", "errors.read", "requests", LOADSCOPE_STEP_MEMBER(errors.read)),
    stepField("errors_timeout", "errors.timeout", "requests", LOADSCOPE_STEP_MEMBER(errors.timeout)),
    stepField("errors_by_status", "errors.by_status", "requests", LOADSCOPE_STEP_MEMBER(errors.status)),
    stepField("lateness_p50_ms", "lateness.p50_ms", "ms", LOADSCOPE_STEP_MEMBER(latenessP50Ms)),
    stepField("lateness_p99_ms", "lateness.p99_ms", "ms", LOADSCOPE_STEP_MEMBER(latenessP99Ms)),
    stepField("lateness_max_ms", "lateness.max_ms", "ms", LOADSCOPE_STEP_MEMBER(latenessMaxMs)),
    stepField("server_cpu_percent", "server.cpu_percent", "%", LOADSCOPE_STEP_MEMBER(server.cpuPercent)),
    stepField("server_peak_rss_bytes", "server.peak_rss_bytes", "bytes", LOADSCOPE_STEP_MEMBER(server.peakRssBytes)),
    stepField("server_threads", "server.threads", "threads", LOADSCOPE_STEP_MEMBER(server.threads)),
    stepField("server_voluntary_cs", "server.voluntary_context_switches", "switches", LOADSCOPE_STEP_MEMBER(server.voluntaryContextSwitches)),
    stepField("server_involuntary_cs", "server.involuntary_context_switches", "switches", LOADSCOPE_STEP_MEMBER(server.involuntaryContextSwitches)),
    stepField("generator_cpu_percent", "generator_cpu_percent", "%", LOADSCOPE_STEP_MEMBER(generatorCpuPercent)),
    stepField("generator_limited", "flags.generator_limited", "", LOADSCOPE_STEP_MEMBER(flags.generatorLimited)),
    stepField("connection_limited", "flags.connection_limited", "", LOADSCOPE_STEP_MEMBER(flags.connectionLimited)),
    stepField("slo_violated", "flags.slo_violated", "", LOADSCOPE_STEP_MEMBER(flags.sloViolated)),
    stepField("server_restarted", "flags.server_restarted", "", LOADSCOPE_STEP_MEMBER(flags.serverRestarted)),
    stepField("flag_reason", "flags.reason", "", LOADSCOPE_STEP_MEMBER(flags.reason)),
    stepField("latency_count", "latency.count", "requests", LOADSCOPE_STEP_MEMBER(latency.count)),
    stepField("latency_min_ms", "latency.min_ms", "ms", LOADSCOPE_STEP_MEMBER(latency.minMs)),
    stepField("latency_mean_ms", "latency.mean_ms", "ms", LOADSCOPE_STEP_MEMBER(latency.meanMs)),
    stepField("latency_p50_ms", "latency.p50_ms", "ms", LOADSCOPE_STEP_MEMBER(latency.p50Ms)),
    stepField("latency_p75_ms", "latency.p75_ms", "ms", LOADSCOPE_STEP_MEMBER(latency.p75Ms)),
    stepField("latency_p90_ms", "latency.p90_ms", "ms", LOADSCOPE_STEP_MEMBER(latency.p90Ms)),
    stepField("latency_p95_ms", "latency.p95_ms", "ms", LOADSCOPE_STEP_MEMBER(latency.p95Ms)),
    stepField("latency_p99_ms", "latency.p99_ms", "ms", LOADSCOPE_STEP_MEMBER(latency.p99Ms)),
    stepField("latency_p999_ms", "latency.p999_ms", "ms", LOADSCOPE_STEP_MEMBER(latency.p999Ms)),
    stepField("latency_p9999_ms", "latency.p9999_ms", "ms", LOADSCOPE_STEP_MEMBER(latency.p9999Ms)),
    stepField("latency_max_ms", "latency.max_ms", "ms", LOADSCOPE_STEP_MEMBER(latency.maxMs)),
    stepField("service_count", "service_time.count", "requests", LOADSCOPE_STEP_MEMBER(serviceTime.count)),
    stepField("service_min_ms", "service_time.min_ms", "ms", LOADSCOPE_STEP_MEMBER(serviceTime.minMs)),
    stepField("service_mean_ms", "service_time.mean_ms", "ms", LOADSCOPE_STEP_MEMBER(serviceTime.meanMs)),
    stepField("service_p50_ms", "service_time.p50_ms", "ms", LOADSCOPE_STEP_MEMBER(serviceTime.p50Ms)),
    stepField("service_p75_ms", "service_time.p75_ms", "ms", LOADSCOPE_STEP_MEMBER(serviceTime.p75Ms)),
    stepField("service_p90_ms", "service_time.p90_ms", "ms", LOADSCOPE_STEP_MEMBER(serviceTime.p90Ms)),
    stepField("service_p95_ms", "service_time.p95_ms", "ms", LOADSCOPE_STEP_MEMBER(serviceTime.p95Ms)),
    stepField("service_p99_ms", "service_time.p99_ms", "ms", LOADSCOPE_STEP_MEMBER(serviceTime.p99Ms)),
    stepField("service_p999_ms", "service_time.p999_ms", "ms", LOADSCOPE_STEP_MEMBER(serviceTime.p999Ms)),
    stepField("service_p9999_ms", "service_time.p9999_ms", "ms", LOADSCOPE_STEP_MEMBER(serviceTime.p9999Ms)),
    stepField("service_max_ms", "service_time.max_ms", "ms", LOADSCOPE_STEP_MEMBER(serviceTime.maxMs)),
    stepField("", "latency_histogram", "", LOADSCOPE_STEP_MEMBER(latencyHistogram)),
    stepField("", "service_time_histogram", "", LOADSCOPE_STEP_MEMBER(serviceTimeHistogram)),
    stepField("timeline", "timeline", "", LOADSCOPE_STEP_MEMBER(timeline)),
    stepField("server_log_tail", "server_log_tail", "", LOADSCOPE_STEP_MEMBER(serverLogTail)),
    stepField("generator_log_tail", "generator_log_tail", "", LOADSCOPE_STEP_MEMBER(generatorLogTail)),
    stepField("", "profile", "", LOADSCOPE_STEP_MEMBER(profile)),
};

// The CSV's columns in their documented order (docs/cli.md): changing it changes every script that reads the export.
constexpr StepCsvColumn stepCsvField(std::string_view header, std::string_view field) {
    return {header, StepCsvSource::Field, field};
}
const std::array kCsvColumns{
    StepCsvColumn{"run_id", StepCsvSource::RunId, ""},
    StepCsvColumn{"run_name", StepCsvSource::RunName, ""},
    stepCsvField("sequence", "sequence"),
    stepCsvField("target", "target"),
    stepCsvField("scenario", "scenario"),
    stepCsvField("requested_rps", "requested_rps"),
    stepCsvField("repetition", "repetition"),
    stepCsvField("status", "status"),
    stepCsvField("status_message", "status_message"),
    stepCsvField("started", "started_ms"),
    stepCsvField("duration_s", "duration_s"),
    stepCsvField("achieved_rps", "achieved_rps"),
    stepCsvField("due", "counts.due"),
    stepCsvField("sent", "counts.sent"),
    stepCsvField("completed", "counts.completed"),
    stepCsvField("ok", "counts.ok"),
    stepCsvField("waited", "counts.waited"),
    stepCsvField("peak_in_flight", "counts.peak_in_flight"),
    StepCsvColumn{"errors_total", StepCsvSource::ErrorsTotal, ""},
    stepCsvField("errors_connect", "errors.connect"),
    stepCsvField("errors_read", "errors.read"),
    stepCsvField("errors_timeout", "errors.timeout"),
    stepCsvField("errors_status", "errors.by_status"),
    stepCsvField("p50_ms", "latency.p50_ms"),
    stepCsvField("p75_ms", "latency.p75_ms"),
    stepCsvField("p90_ms", "latency.p90_ms"),
    stepCsvField("p95_ms", "latency.p95_ms"),
    stepCsvField("p99_ms", "latency.p99_ms"),
    stepCsvField("p999_ms", "latency.p999_ms"),
    stepCsvField("p9999_ms", "latency.p9999_ms"),
    stepCsvField("max_ms", "latency.max_ms"),
    stepCsvField("mean_ms", "latency.mean_ms"),
    stepCsvField("service_p50_ms", "service_time.p50_ms"),
    stepCsvField("service_p99_ms", "service_time.p99_ms"),
    stepCsvField("service_max_ms", "service_time.max_ms"),
    stepCsvField("lateness_p50_ms", "lateness.p50_ms"),
    stepCsvField("lateness_p99_ms", "lateness.p99_ms"),
    stepCsvField("lateness_max_ms", "lateness.max_ms"),
    stepCsvField("server_cpu_percent", "server.cpu_percent"),
    stepCsvField("server_peak_rss_bytes", "server.peak_rss_bytes"),
    stepCsvField("server_threads", "server.threads"),
    stepCsvField("server_voluntary_ctx", "server.voluntary_context_switches"),
    stepCsvField("server_involuntary_ctx", "server.involuntary_context_switches"),
    stepCsvField("generator_cpu_percent", "generator_cpu_percent"),
    StepCsvColumn{"flags", StepCsvSource::FlagWords, ""},
    stepCsvField("flag_reason", "flags.reason"),
};
// clang-format on

#undef LOADSCOPE_STEP_MEMBER

} // namespace

std::span<const StepField> stepFields() {
    return kFields;
}

const StepField* stepFieldByJson(std::string_view path) {
    for (const auto& field : kFields)
        if (!path.empty() && field.json == path)
            return &field;
    return nullptr;
}

std::span<const StepCsvColumn> stepCsvColumns() {
    return kCsvColumns;
}

} // namespace loadscope
