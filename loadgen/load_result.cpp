#include "load_result.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace loadscope::loadgen {
namespace {

double ms(std::int64_t us) {
    return static_cast<double>(us) / 1000.0;
}

// Three decimals (microseconds) are all a latency in milliseconds carries; keeps the JSON readable.
double round3(double value) {
    return std::round(value * 1000.0) / 1000.0;
}

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

} // namespace

void assessGenerator(LoadResult& result) {
    const auto& counters = result.measured.counters;
    std::vector<std::string> reasons;
    const double latenessP99Ms = ms(result.measured.lateness.valueAtPercentile(99));
    if (latenessP99Ms > 1.0) {
        reasons.push_back("lateness p99 " + fixed(latenessP99Ms, 3) +
                          " ms > 1 ms: the generator could not keep its schedule (give it a core of its own, or "
                          "--threads)");
    }
    if (counters.due > 0 && static_cast<double>(counters.sent) < 0.99 * static_cast<double>(counters.due)) {
        std::string reason = "only " +
                             fixed(100.0 * static_cast<double>(counters.sent) / static_cast<double>(counters.due), 1) +
                             " % of the " + std::to_string(counters.due) + " due requests were sent";
        if (counters.waited > 0)
            reason += " (" + std::to_string(counters.waited) + " waited for one of the " +
                      std::to_string(result.connections) + " connections: raise --connections)";
        if (counters.unsent > 0)
            reason += " (" + std::to_string(counters.unsent) + " never reached before the deadline)";
        if (counters.connectErrors > 0)
            reason += " (" + std::to_string(counters.connectErrors) + " could not connect)";
        reasons.push_back(reason);
    }
    result.generatorLimited = !reasons.empty();
    result.generatorLimitedReason.clear();
    for (const auto& reason : reasons) {
        if (!result.generatorLimitedReason.empty())
            result.generatorLimitedReason += "; ";
        result.generatorLimitedReason += reason;
    }
    result.connectionLimited = counters.waited > 0;
}

nlohmann::json percentilesJson(const LatencyHistogram& h) {
    const LatencySummary s = summarize(h);
    return {{"p50", round3(s.p50Ms)},     {"p75", round3(s.p75Ms)}, {"p90", round3(s.p90Ms)},
            {"p95", round3(s.p95Ms)},     {"p99", round3(s.p99Ms)}, {"p999", round3(s.p999Ms)},
            {"p9999", round3(s.p9999Ms)}, {"max", round3(s.maxMs)}, {"mean", round3(s.meanMs)}};
}

nlohmann::json resultToJson(const LoadResult& r) {
    const auto& c = r.measured.counters;
    nlohmann::json status = nlohmann::json::object();
    for (int code = 400; code < RequestCounters::kStatusCodes; ++code) {
        if (const auto n = c.statusCounts[static_cast<std::size_t>(code)])
            status[std::to_string(code)] = n;
    }
    nlohmann::json timeline = nlohmann::json::array();
    for (const auto& e : r.timeline) {
        timeline.push_back({{"t", e.second},
                            {"scheduled", round3(e.scheduled)},
                            {"sent", e.sent},
                            {"completed", e.completed},
                            {"errors", e.errors},
                            {"p50_ms", round3(e.p50Ms)},
                            {"p99_ms", round3(e.p99Ms)}});
    }
    nlohmann::json firstErrors = nlohmann::json::object();
    for (const auto& [kind, message] : r.firstErrors)
        firstErrors[kind] = message;
    nlohmann::json doc = {
        {"schema", "loadscope-loadgen/1"},
        {"url", r.url},
        {"method", r.method},
        {"schedule", r.schedule},
        {"arrivals", r.arrivals},
        {"connections", r.connections},
        {"threads", r.threads},
        {"realtime", r.realtime},
        {"busy_poll", r.busyPoll},
        {"batch_window_ms", round3(r.batchWindowMs)},
        {"timeout_s", r.timeoutS},
        {"warmup_s", r.warmupS},
        {"seed", r.seed},
        {"target_rps", round3(r.targetRps)},
        {"achieved_rps", round3(r.achievedRps)},
        {"duration_s", round3(r.durationS)},
        {"partial", r.partial},
        {"requests",
         {{"due", c.due},
          {"sent", c.sent},
          {"completed", c.completed},
          {"ok", c.ok},
          {"waited", c.waited},
          {"peak_in_flight", r.peakInFlight},
          {"retried", c.retried},
          {"unsent", c.unsent},
          {"abandoned", c.abandoned},
          {"connections_opened", r.connectionsOpened}}},
        {"errors",
         {{"connect", c.connectErrors},
          {"read", c.readErrors},
          {"timeout", c.timeouts},
          {"status", status},
          {"total", c.errors()},
          {"first", firstErrors}}},
        {"latency_ms", percentilesJson(r.measured.latency)},
        {"service_time_ms", percentilesJson(r.measured.service)},
        {"lateness_ms",
         {{"p50", round3(ms(r.measured.lateness.valueAtPercentile(50)))},
          {"p99", round3(ms(r.measured.lateness.valueAtPercentile(99)))},
          {"max", round3(ms(r.measured.lateness.max()))}}},
        {"generator_limited", r.generatorLimited},
        {"generator_limited_reason", r.generatorLimitedReason},
        {"connection_limited", r.connectionLimited},
        {"generator_cpu",
         {{"user_s", round3(r.cpuUserS)}, {"system_s", round3(r.cpuSystemS)}, {"wall_s", round3(r.wallS)}}},
        {"timeline", timeline},
        {"histogram", r.measured.latency.toBase64()},
        {"service_histogram", r.measured.service.toBase64()},
    };
    if (!r.fatalError.empty())
        doc["error"] = r.fatalError;
    return doc;
}

std::string resultToText(const LoadResult& r) {
    const auto& c = r.measured.counters;
    std::ostringstream out;
    out << (r.partial ? "PARTIAL result (stopped by a signal)\n" : "");
    out << r.method << " " << r.url << "  schedule " << r.schedule << " (" << r.arrivals << ")";
    if (r.warmupS > 0)
        out << " after " << fixed(r.warmupS, 1) << " s warm-up";
    out << "\n";
    if (!r.fatalError.empty() && c.due == 0) {
        // Nothing was sent (no connection could be made before the schedule started): a table of zeros would only
        // bury the reason.
        out << "  nothing sent: " << r.fatalError << "\n";
        return out.str();
    }
    out << "  rate      target " << fixed(r.targetRps, 1) << " rps, achieved " << fixed(r.achievedRps, 1)
        << " rps over " << fixed(r.durationS, 2) << " s\n";
    out << "  requests  due " << c.due << ", sent " << c.sent << ", completed " << c.completed << ", ok " << c.ok
        << ", waited " << c.waited << ", peak in flight " << r.peakInFlight << " (of " << r.connections
        << " connections)\n";
    out << "  errors    connect " << c.connectErrors << ", read " << c.readErrors << ", timeout " << c.timeouts;
    for (int code = 400; code < RequestCounters::kStatusCodes; ++code) {
        if (const auto n = c.statusCounts[static_cast<std::size_t>(code)])
            out << ", HTTP " << code << ": " << n;
    }
    out << "\n";
    for (const auto& [kind, message] : r.firstErrors)
        out << "            first " << kind << " error: " << message << "\n";
    auto row = [&](const char* name, const LatencyHistogram& h) {
        const auto s = summarize(h);
        out << "  " << name << "  p50 " << fixed(s.p50Ms, 3) << "  p90 " << fixed(s.p90Ms, 3) << "  p99 "
            << fixed(s.p99Ms, 3) << "  p99.9 " << fixed(s.p999Ms, 3) << "  p99.99 " << fixed(s.p9999Ms, 3) << "  max "
            << fixed(s.maxMs, 3) << "  mean " << fixed(s.meanMs, 3) << " ms\n";
    };
    row("latency  ", r.measured.latency);
    row("service  ", r.measured.service);
    out << "  lateness  p50 " << fixed(ms(r.measured.lateness.valueAtPercentile(50)), 3) << "  p99 "
        << fixed(ms(r.measured.lateness.valueAtPercentile(99)), 3) << "  max "
        << fixed(ms(r.measured.lateness.max()), 3) << " ms (the generator's own delay)\n";
    out << "  generator cpu " << fixed(r.cpuUserS + r.cpuSystemS, 2) << " s (user " << fixed(r.cpuUserS, 2)
        << ", system " << fixed(r.cpuSystemS, 2) << ") in " << fixed(r.wallS, 2) << " s\n";
    if (r.generatorLimited)
        out << "  GENERATOR LIMITED: " << r.generatorLimitedReason << "\n";
    if (r.connectionLimited)
        out << "  connection limited: " << c.waited << " requests waited for a free connection\n";
    if (!r.fatalError.empty())
        out << "  error: " << r.fatalError << "\n";
    return out.str();
}

std::string progressLineJson(const ProgressLine& p) {
    const nlohmann::json line = {{"elapsed_s", round3(p.elapsedS)},
                                 {"duration_s", round3(p.durationS)},
                                 {"phase", p.phase},
                                 {"due", p.due},
                                 {"sent", p.sent},
                                 {"completed", p.completed},
                                 {"errors", p.errors},
                                 {"in_flight", p.inFlight},
                                 {"p50_ms", round3(p.p50Ms)},
                                 {"p99_ms", round3(p.p99Ms)}};
    return line.dump();
}

} // namespace loadscope::loadgen
