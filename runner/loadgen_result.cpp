#include "loadgen_result.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>

namespace loadscope {

using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& field, const std::string& message) {
    throw LoadgenOutputError("loadgen JSON: " + field + ": " + message);
}

const json& member(const json& object, const std::string& key, const std::string& path) {
    const auto it = object.find(key);
    if (it == object.end())
        fail(path + key, "missing");
    return *it;
}

double number(const json& object, const std::string& key, const std::string& path) {
    const auto& v = member(object, key, path);
    if (!v.is_number())
        fail(path + key, "expected a number, got " + std::string(v.type_name()));
    return v.get<double>();
}

std::int64_t count(const json& object, const std::string& key, const std::string& path) {
    const double v = number(object, key, path);
    if (v < 0 || !std::isfinite(v))
        fail(path + key, "expected a count of 0 or more");
    return static_cast<std::int64_t>(std::llround(v));
}

const json& object(const json& parent, const std::string& key, const std::string& path) {
    const auto& v = member(parent, key, path);
    if (!v.is_object())
        fail(path + key, "expected an object, got " + std::string(v.type_name()));
    return v;
}

LatencyHistogram histogram(const json& doc, const std::string& key) {
    const auto& v = member(doc, key, "");
    if (!v.is_string())
        fail(key, "expected a base64 histogram string, got " + std::string(v.type_name()));
    std::string error;
    auto h = LatencyHistogram::fromBase64(v.get<std::string>(), &error);
    if (!h)
        fail(key, "not a serialised LatencyHistogram: " + error);
    return std::move(*h);
}

LatencySummary summaryFromJson(const json& o, const std::string& path) {
    LatencySummary s;
    s.p50Ms = number(o, "p50", path);
    s.p75Ms = number(o, "p75", path);
    s.p90Ms = number(o, "p90", path);
    s.p95Ms = number(o, "p95", path);
    s.p99Ms = number(o, "p99", path);
    s.p999Ms = number(o, "p999", path);
    s.p9999Ms = number(o, "p9999", path);
    s.maxMs = number(o, "max", path);
    s.meanMs = number(o, "mean", path);
    return s;
}

} // namespace

LoadgenReport applyLoadgenJson(std::string_view text, Step& step) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw LoadgenOutputError(std::string("loadgen JSON: not valid JSON: ") + e.what());
    }
    if (!doc.is_object())
        fail("(document)", "expected an object");

    LoadgenReport report;
    report.targetRps = number(doc, "target_rps", "");
    step.achievedRps = number(doc, "achieved_rps", "");
    step.durationS = number(doc, "duration_s", "");

    const auto& requests = object(doc, "requests", "");
    step.due = count(requests, "due", "requests.");
    step.sent = count(requests, "sent", "requests.");
    step.completed = count(requests, "completed", "requests.");
    step.ok = count(requests, "ok", "requests.");
    step.waited = count(requests, "waited", "requests.");
    step.peakInFlight = count(requests, "peak_in_flight", "requests.");

    const auto& errors = object(doc, "errors", "");
    step.errors = {};
    step.errors.connect = count(errors, "connect", "errors.");
    step.errors.read = count(errors, "read", "errors.");
    step.errors.timeout = count(errors, "timeout", "errors.");
    for (const auto& [code, n] : object(errors, "status", "errors.").items()) {
        int status = 0;
        const auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
        if (ec != std::errc() || ptr != code.data() + code.size() || status < 100 || status > 999)
            fail("errors.status." + code, "expected an HTTP status code as the key");
        if (!n.is_number())
            fail("errors.status." + code, "expected a count");
        step.errors.status[status] = n.get<std::int64_t>();
    }

    const auto& lateness = object(doc, "lateness_ms", "");
    step.latenessP50Ms = number(lateness, "p50", "lateness_ms.");
    step.latenessP99Ms = number(lateness, "p99", "lateness_ms.");
    step.latenessMaxMs = number(lateness, "max", "lateness_ms.");

    // The histograms are the truth; the summaries are derived from them the same way everywhere in Loadscope.
    step.latencyHistogram = histogram(doc, "histogram");
    step.serviceTimeHistogram = histogram(doc, "service_histogram");
    step.latency = summarize(*step.latencyHistogram);
    step.serviceTime = summarize(*step.serviceTimeHistogram);
    if (step.latency.count == 0) // an empty histogram: keep what the generator printed, if anything
        step.latency = summaryFromJson(object(doc, "latency_ms", ""), "latency_ms.");
    if (step.serviceTime.count == 0)
        step.serviceTime = summaryFromJson(object(doc, "service_time_ms", ""), "service_time_ms.");

    step.timeline.clear();
    const auto& timeline = member(doc, "timeline", "");
    if (!timeline.is_array())
        fail("timeline", "expected an array");
    for (std::size_t i = 0; i < timeline.size(); ++i) {
        const auto& p = timeline[i];
        const auto path = "timeline[" + std::to_string(i) + "].";
        if (!p.is_object())
            fail(path.substr(0, path.size() - 1), "expected an object");
        TimelinePoint point;
        point.second = static_cast<int>(std::lround(number(p, "t", path)));
        point.sent = count(p, "sent", path);
        point.completed = count(p, "completed", path);
        point.errors = count(p, "errors", path);
        point.p50Ms = number(p, "p50_ms", path);
        point.p99Ms = number(p, "p99_ms", path);
        step.timeline.push_back(point);
    }

    const auto& limited = member(doc, "generator_limited", "");
    if (!limited.is_boolean())
        fail("generator_limited", "expected true or false");
    report.generatorLimited = limited.get<bool>();
    if (auto it = doc.find("generator_limited_reason"); it != doc.end() && it->is_string())
        report.generatorLimitedReason = it->get<std::string>();
    if (auto it = doc.find("partial"); it != doc.end() && it->is_boolean())
        report.partial = it->get<bool>();
    if (auto it = doc.find("connection_limited"); it != doc.end() && it->is_boolean())
        report.connectionLimited = it->get<bool>();
    report.connectionLimited = report.connectionLimited || step.waited > 0;
    if (auto it = requests.find("unsent"); it != requests.end() && it->is_number())
        report.unsent = it->get<std::int64_t>();
    if (auto it = requests.find("abandoned"); it != requests.end() && it->is_number())
        report.abandoned = it->get<std::int64_t>();
    if (auto it = doc.find("error"); it != doc.end() && it->is_string())
        report.fatalError = it->get<std::string>();
    if (auto it = doc.find("generator_cpu"); it != doc.end() && it->is_object()) {
        const double user = it->value("user_s", 0.0), system = it->value("system_s", 0.0),
                     wall = it->value("wall_s", 0.0);
        if (wall > 0)
            report.generatorCpuPercent = (user + system) / wall * 100.0;
    }
    return report;
}

std::optional<StepProgress> parseProgressLine(std::string_view line) {
    if (line.empty() || line.front() != '{')
        return std::nullopt;
    const json doc = json::parse(line, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return std::nullopt;
    auto get = [&](std::initializer_list<const char*> keys) -> std::optional<double> {
        for (const char* key : keys)
            if (auto it = doc.find(key); it != doc.end() && it->is_number())
                return it->get<double>();
        return std::nullopt;
    };
    const auto elapsed = get({"elapsed_s", "elapsed"});
    if (!elapsed)
        return std::nullopt;
    StepProgress p;
    p.elapsedS = *elapsed;
    p.durationS = get({"duration_s"}).value_or(0);
    p.sent = static_cast<std::int64_t>(get({"sent"}).value_or(0));
    p.completed = static_cast<std::int64_t>(get({"completed"}).value_or(0));
    p.errors = static_cast<std::int64_t>(get({"errors"}).value_or(0));
    p.p50Ms = get({"p50_ms", "p50"}).value_or(0);
    p.p99Ms = get({"p99_ms", "p99"}).value_or(0);
    return p;
}

} // namespace loadscope
