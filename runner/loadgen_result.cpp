#include "loadgen_result.h"

#include "loadgen_json.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>

namespace loadscope {

using nlohmann::json;

namespace {

// Parses one of the generator's records; FieldError and JSON syntax errors become LoadgenOutputError.
template <typename Record> Record parseLoadgenRecord(std::string_view text) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw LoadgenOutputError(std::string("loadgen JSON: not valid JSON: ") + e.what());
    }
    Record record;
    try {
        loadgen_json::fromJson(doc, record);
    } catch (const loadgen_json::FieldError& e) {
        throw LoadgenOutputError(std::string("loadgen JSON: ") + e.what());
    }
    return record;
}

[[noreturn]] void failAt(const std::string& field, const std::string& message) {
    throw LoadgenOutputError("loadgen JSON: " + field + ": " + message);
}

LatencyHistogram decodeHistogram(const std::string& base64, const std::string& key) {
    std::string error;
    auto h = LatencyHistogram::fromBase64(base64, &error);
    if (!h)
        failAt(key, "not a serialised LatencyHistogram: " + error);
    return std::move(*h);
}

LatencySummary summaryOf(const loadgen_json::Percentiles& p) {
    LatencySummary s;
    s.p50Ms = p.p50;
    s.p75Ms = p.p75;
    s.p90Ms = p.p90;
    s.p95Ms = p.p95;
    s.p99Ms = p.p99;
    s.p999Ms = p.p999;
    s.p9999Ms = p.p9999;
    s.maxMs = p.max;
    s.meanMs = p.mean;
    return s;
}

ErrorCounts errorCountsOf(const loadgen_json::Errors& errors) {
    ErrorCounts counts{errors.connect, errors.read, errors.timeout, {}};
    for (const auto& [code, n] : errors.status) {
        int status = 0;
        const auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
        if (ec != std::errc() || ptr != code.data() + code.size() || status < 100 || status > 999)
            failAt("errors.status." + code, "expected an HTTP status code as the key");
        counts.status[status] = n;
    }
    return counts;
}

std::vector<TimelinePoint> timelineOf(const std::vector<loadgen_json::TimelineSecond>& seconds) {
    std::vector<TimelinePoint> points;
    for (const auto& s : seconds)
        points.push_back({s.t, s.sent, s.completed, s.errors, s.p50Ms, s.p99Ms});
    return points;
}

void applyMeasurements(const loadgen_json::LoadgenDocument& doc, Step& step) {
    step.achievedRps = doc.achievedRps;
    step.durationS = doc.durationS;
    step.due = doc.requests.due;
    step.sent = doc.requests.sent;
    step.completed = doc.requests.completed;
    step.ok = doc.requests.ok;
    step.waited = doc.requests.waited;
    step.peakInFlight = doc.requests.peakInFlight;
    step.errors = errorCountsOf(doc.errors);
    step.latenessP50Ms = doc.latenessMs.p50;
    step.latenessP99Ms = doc.latenessMs.p99;
    step.latenessMaxMs = doc.latenessMs.max;
    // The histograms are the truth; the summaries are derived from them the same way everywhere in Loadscope.
    step.latencyHistogram = decodeHistogram(doc.histogram, "histogram");
    step.serviceTimeHistogram = decodeHistogram(doc.serviceHistogram, "service_histogram");
    step.latency = summarize(*step.latencyHistogram);
    step.serviceTime = summarize(*step.serviceTimeHistogram);
    if (step.latency.count == 0) // an empty histogram: keep what the generator printed
        step.latency = summaryOf(doc.latencyMs);
    if (step.serviceTime.count == 0)
        step.serviceTime = summaryOf(doc.serviceTimeMs);
    step.timeline = timelineOf(doc.timeline);
}

} // namespace

LoadgenReport applyLoadgenJson(std::string_view text, Step& step) {
    const auto doc = parseLoadgenRecord<loadgen_json::LoadgenDocument>(text);
    if (doc.schema != loadgen_json::kSchema)
        failAt("schema", "expected \"" + std::string(loadgen_json::kSchema) + "\", found \"" + doc.schema + "\"");
    applyMeasurements(doc, step);
    LoadgenReport report;
    report.targetRps = doc.targetRps;
    report.partial = doc.partial;
    report.generatorLimited = doc.generatorLimited;
    report.generatorLimitedReason = doc.generatorLimitedReason;
    report.connectionLimited = doc.connectionLimited || step.waited > 0;
    report.unsent = doc.requests.unsent;
    report.abandoned = doc.requests.abandoned;
    report.fatalError = doc.error.value_or("");
    const auto& cpu = doc.generatorCpu;
    if (cpu.wallS > 0)
        report.generatorCpuPercent = (cpu.userS + cpu.systemS) / cpu.wallS * 100.0;
    return report;
}

// Only lines that are whole progress records count: the generator's other stderr lines (warnings, errors) are not.
std::optional<StepProgress> parseProgressLine(std::string_view line) {
    if (line.empty() || line.front() != '{')
        return std::nullopt;
    const json doc = json::parse(line, nullptr, false);
    if (doc.is_discarded())
        return std::nullopt;
    loadgen_json::LoadgenProgress record;
    try {
        loadgen_json::fromJson(doc, record);
    } catch (const loadgen_json::FieldError&) {
        return std::nullopt;
    }
    StepProgress p;
    p.elapsedS = record.elapsedS;
    p.durationS = record.durationS;
    p.sent = record.sent;
    p.completed = record.completed;
    p.errors = record.errors;
    p.p50Ms = record.p50Ms;
    p.p99Ms = record.p99Ms;
    return p;
}

} // namespace loadscope
