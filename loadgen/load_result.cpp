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

namespace {

loadgen_json::Percentiles percentilesOf(const LatencyHistogram& h) {
    const LatencySummary s = summarize(h);
    return {round3(s.p50Ms),  round3(s.p75Ms),   round3(s.p90Ms), round3(s.p95Ms), round3(s.p99Ms),
            round3(s.p999Ms), round3(s.p9999Ms), round3(s.maxMs), round3(s.meanMs)};
}

loadgen_json::Requests requestsOf(const LoadResult& r) {
    const auto& c = r.measured.counters;
    return {c.due,          c.sent,    c.completed, c.ok,        c.waited,
            r.peakInFlight, c.retried, c.unsent,    c.abandoned, r.connectionsOpened};
}

loadgen_json::Errors errorsOf(const LoadResult& r) {
    const auto& c = r.measured.counters;
    loadgen_json::Errors errors{c.connectErrors, c.readErrors, c.timeouts, {}, c.errors(), r.firstErrors};
    for (int code = 400; code < RequestCounters::kStatusCodes; ++code) {
        if (const auto n = c.statusCounts[static_cast<std::size_t>(code)])
            errors.status[std::to_string(code)] = n;
    }
    return errors;
}

std::vector<loadgen_json::TimelineSecond> timelineOf(const LoadResult& r) {
    std::vector<loadgen_json::TimelineSecond> timeline;
    for (const auto& e : r.timeline)
        timeline.push_back(
            {e.second, round3(e.scheduled), e.sent, e.completed, e.errors, round3(e.p50Ms), round3(e.p99Ms)});
    return timeline;
}

} // namespace

nlohmann::json percentilesJson(const LatencyHistogram& h) {
    return loadgen_json::toJson(percentilesOf(h));
}

loadgen_json::LoadgenDocument resultDocument(const LoadResult& r) {
    loadgen_json::LoadgenDocument d;
    d.url = r.url;
    d.method = r.method;
    d.schedule = r.schedule;
    d.arrivals = r.arrivals;
    d.connections = r.connections;
    d.threads = r.threads;
    d.realtime = r.realtime;
    d.busyPoll = r.busyPoll;
    d.batchWindowMs = round3(r.batchWindowMs);
    d.timeoutS = r.timeoutS;
    d.warmupS = r.warmupS;
    d.seed = r.seed;
    d.targetRps = round3(r.targetRps);
    d.achievedRps = round3(r.achievedRps);
    d.durationS = round3(r.durationS);
    d.partial = r.partial;
    d.requests = requestsOf(r);
    d.errors = errorsOf(r);
    d.latencyMs = percentilesOf(r.measured.latency);
    d.serviceTimeMs = percentilesOf(r.measured.service);
    d.latenessMs = {round3(ms(r.measured.lateness.valueAtPercentile(50))),
                    round3(ms(r.measured.lateness.valueAtPercentile(99))), round3(ms(r.measured.lateness.max()))};
    d.generatorLimited = r.generatorLimited;
    d.generatorLimitedReason = r.generatorLimitedReason;
    d.connectionLimited = r.connectionLimited;
    d.generatorCpu = {round3(r.cpuUserS), round3(r.cpuSystemS), round3(r.wallS)};
    d.timeline = timelineOf(r);
    d.histogram = r.measured.latency.toBase64();
    d.serviceHistogram = r.measured.service.toBase64();
    if (!r.fatalError.empty())
        d.error = r.fatalError;
    return d;
}

nlohmann::json resultToJson(const LoadResult& r) {
    return loadgen_json::toJson(resultDocument(r));
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
    const loadgen_json::LoadgenProgress line{
        round3(p.elapsedS), round3(p.durationS), p.phase,         p.due,          p.sent, p.completed,
        p.errors,           p.inFlight,          round3(p.p50Ms), round3(p.p99Ms)};
    return loadgen_json::toJson(line).dump();
}

} // namespace loadscope::loadgen
