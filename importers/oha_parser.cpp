// oha's summary as `oha --output-format json` (older: -j) writes it: one JSON document with "summary" (times in
// seconds: total, slowest, fastest, average; requestsPerSec, successRate), "latencyPercentiles" (p10 ... p99.99, in
// seconds), "responseTimeHistogram" (11 coarse buckets), "statusCodeDistribution" ({"200": n}) and
// "errorDistribution" ({"message": n}). oha keeps no per-request data in it: the histogram is rebuilt from its
// percentiles, fastest and slowest.
#include "format_parsers.h"
#include "percentile_rebuild.h"
#include "text_fields.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace loadscope::importers {

namespace {
using Json = nlohmann::json;

std::int64_t secondsToUs(double seconds) {
    return static_cast<std::int64_t>(std::llround(seconds * 1e6));
}

// oha's document, its fields read with messages that name them.
struct OhaDocument {
    InputFile& file;
    Json j;

    const Json& object(const char* key) const {
        const auto it = j.find(key);
        if (it == j.end() || !it->is_object())
            file.fail(std::string("field \"") + key + "\": expected an object (is this oha's JSON output?)");
        return *it;
    }
    // summary.<key> in seconds or per second; nothing when absent or null.
    std::optional<double> summaryNumber(const char* key) const {
        const Json& summary = object("summary");
        const auto it = summary.find(key);
        if (it == summary.end() || it->is_null())
            return std::nullopt;
        if (!it->is_number() || it->get<double>() < 0)
            file.fail(std::string("field \"summary.") + key + "\": expected a number >= 0");
        return it->get<double>();
    }
};

// The responses by status code (those of 400 and above counted as errors on the step); returns how many in all.
std::int64_t readOhaStatusCodes(const OhaDocument& doc, Step& step) {
    std::int64_t responses = 0;
    for (const auto& [code, count] : doc.object("statusCodeDistribution").items()) {
        const auto status = parseInt(code);
        if (!status || !count.is_number_integer() || count.get<std::int64_t>() < 0)
            doc.file.fail("field \"statusCodeDistribution\": expected {\"200\": count, ...}, found \"" + code + "\"");
        responses += count.get<std::int64_t>();
        if (*status >= 400)
            step.errors.status[static_cast<int>(*status)] += count.get<std::int64_t>();
    }
    return responses;
}

// oha's error messages sorted into timeouts, connection errors and read errors by their words.
void readOhaErrors(const OhaDocument& doc, Step& step) {
    const auto it = doc.j.find("errorDistribution");
    if (it == doc.j.end() || !it->is_object())
        return;
    for (const auto& [message, count] : it->items()) {
        if (!count.is_number_integer())
            doc.file.fail("field \"errorDistribution\": expected {\"message\": count, ...}");
        const auto n = count.get<std::int64_t>();
        if (message.find("timeout") != std::string::npos || message.find("timed out") != std::string::npos ||
            message.find("deadline") != std::string::npos)
            step.errors.timeout += n;
        else if (message.find("refused") != std::string::npos || message.find("to connect") != std::string::npos)
            step.errors.connect += n;
        else
            step.errors.read += n;
    }
}

// The printed percentiles ("p99": seconds), and their names for the provenance.
std::vector<PrintedPercentile> readOhaPercentiles(const OhaDocument& doc, std::string& printed) {
    std::vector<PrintedPercentile> points;
    const auto it = doc.j.find("latencyPercentiles");
    if (it == doc.j.end() || !it->is_object())
        return points;
    for (const auto& [key, value] : it->items()) {
        const auto percent = key.size() > 1 && key[0] == 'p' ? parseDouble(key.substr(1)) : std::nullopt;
        if (!percent || *percent > 100)
            doc.file.fail("field \"latencyPercentiles\": expected keys like \"p99\", found \"" + key + "\"");
        if (value.is_null())
            continue;
        if (!value.is_number() || value.get<double>() < 0)
            doc.file.fail("field \"latencyPercentiles." + key + "\": expected seconds");
        points.push_back({*percent, secondsToUs(value.get<double>())});
        printed += (printed.empty() ? "" : ", ") + key;
    }
    return points;
}

std::optional<std::int64_t> optionalUs(std::optional<double> seconds) {
    return seconds ? std::optional(secondsToUs(*seconds)) : std::nullopt;
}

} // namespace

std::vector<ImportedStep> parseOhaJson(InputFile& file) {
    const std::string text = file.readAll(std::size_t{64} << 20);
    const OhaDocument doc{file, Json::parse(text, nullptr, false)};
    if (doc.j.is_discarded() || !doc.j.is_object())
        file.fail("expected one JSON document (oha --output-format json); it is not valid JSON (cut short?)");
    const auto total = doc.summaryNumber("total");
    if (!total)
        file.fail("field \"summary.total\": expected the run's duration in seconds");

    ImportedStep imported;
    Step& step = imported.step;
    const std::int64_t responses = readOhaStatusCodes(doc, step);
    readOhaErrors(doc, step);
    std::string printed;
    const auto points = readOhaPercentiles(doc, printed);
    const auto fastest = doc.summaryNumber("fastest");
    const auto slowest = doc.summaryNumber("slowest");
    step.status = StepStatus::Ok;
    step.durationS = *total;
    step.completed = responses;
    step.ok = responses;
    for (const auto& [code, n] : step.errors.status)
        step.ok -= n;
    step.sent = step.due = responses + step.errors.connect + step.errors.timeout + step.errors.read;
    const auto rps = doc.summaryNumber("requestsPerSec");
    step.achievedRps = rps ? *rps : (*total > 0 ? static_cast<double>(responses) / *total : 0);
    imported.measuredRps = step.achievedRps;
    LatencyHistogram h = histogramFromPercentiles(points, responses, optionalUs(fastest), optionalUs(slowest));
    step.latencyHistogram = h;
    step.serviceTimeHistogram = h;
    step.latency = step.serviceTime = summarize(h);
    auto& p = imported.provenance;
    p.tool = "oha";
    p.format = "json";
    p.fidelity = Fidelity::PrintedPercentiles;
    p.detail = "closed loop unless run with -q; histogram rebuilt from oha's percentiles (" +
               (printed.empty() ? std::string("none") : printed) +
               "), fastest and slowest; other percentiles read as the next printed one";
    return {imported};
}

} // namespace loadscope::importers
