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
} // namespace

std::vector<ImportedStep> parseOhaJson(InputFile& file) {
    const std::string text = file.readAll(std::size_t{64} << 20);
    const auto j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        file.fail("expected one JSON document (oha --output-format json); it is not valid JSON (cut short?)");
    auto object = [&](const char* key) -> const Json& {
        const auto it = j.find(key);
        if (it == j.end() || !it->is_object())
            file.fail(std::string("field \"") + key + "\": expected an object (is this oha's JSON output?)");
        return *it;
    };
    const Json& summary = object("summary");
    auto number = [&](const Json& parent, const char* path, const char* key) -> std::optional<double> {
        const auto it = parent.find(key);
        if (it == parent.end() || it->is_null())
            return std::nullopt;
        if (!it->is_number() || it->get<double>() < 0)
            file.fail(std::string("field \"") + path + key + "\": expected a number >= 0");
        return it->get<double>();
    };
    const auto total = number(summary, "summary.", "total");
    if (!total)
        file.fail("field \"summary.total\": expected the run's duration in seconds");

    ImportedStep imported;
    Step& step = imported.step;
    std::int64_t responses = 0;
    for (const auto& [code, count] : object("statusCodeDistribution").items()) {
        const auto status = parseInt(code);
        if (!status || !count.is_number_integer() || count.get<std::int64_t>() < 0)
            file.fail("field \"statusCodeDistribution\": expected {\"200\": count, ...}, found \"" + code + "\"");
        responses += count.get<std::int64_t>();
        if (*status >= 400)
            step.errors.status[static_cast<int>(*status)] += count.get<std::int64_t>();
    }
    if (const auto it = j.find("errorDistribution"); it != j.end() && it->is_object()) {
        for (const auto& [message, count] : it->items()) {
            if (!count.is_number_integer())
                file.fail("field \"errorDistribution\": expected {\"message\": count, ...}");
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
    std::vector<PrintedPercentile> points;
    std::string printed;
    if (const auto it = j.find("latencyPercentiles"); it != j.end() && it->is_object()) {
        for (const auto& [key, value] : it->items()) {
            const auto percent = key.size() > 1 && key[0] == 'p' ? parseDouble(key.substr(1)) : std::nullopt;
            if (!percent || *percent > 100)
                file.fail("field \"latencyPercentiles\": expected keys like \"p99\", found \"" + key + "\"");
            if (value.is_null())
                continue;
            if (!value.is_number() || value.get<double>() < 0)
                file.fail("field \"latencyPercentiles." + key + "\": expected seconds");
            points.push_back({*percent, secondsToUs(value.get<double>())});
            printed += (printed.empty() ? "" : ", ") + key;
        }
    }
    const auto fastest = number(summary, "summary.", "fastest");
    const auto slowest = number(summary, "summary.", "slowest");
    step.status = StepStatus::Ok;
    step.durationS = *total;
    step.completed = responses;
    step.ok = responses;
    for (const auto& [code, n] : step.errors.status)
        step.ok -= n;
    step.sent = step.due = responses + step.errors.connect + step.errors.timeout + step.errors.read;
    const auto rps = number(summary, "summary.", "requestsPerSec");
    step.achievedRps = rps ? *rps : (*total > 0 ? static_cast<double>(responses) / *total : 0);
    imported.measuredRps = step.achievedRps;
    LatencyHistogram h =
        histogramFromPercentiles(points, responses, fastest ? std::optional(secondsToUs(*fastest)) : std::nullopt,
                                 slowest ? std::optional(secondsToUs(*slowest)) : std::nullopt);
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
