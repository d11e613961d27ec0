// k6's raw samples: `k6 run --out json=FILE` writes one JSON object per line, {"type":"Point","metric":NAME,
// "data":{"time":RFC3339,"value":V,"tags":{"status":"200","url":...,"error_code":...}}} (and "Metric" lines that
// describe a metric); `--out csv=FILE` writes a header naming its columns (metric_name, timestamp, metric_value,
// ..., status, ..., url, ...) and one sample per line, timestamps in Unix seconds by default.
// Each http_req_duration sample (ms) is one request; its status tag says whether a response came (0: none, then
// error_code 1050 is a timeout and 1200-1299 a connect error). http_req_failed samples are counted for the
// provenance.
#include "format_parsers.h"
#include "request_accumulator.h"
#include "text_fields.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace loadscope::importers {

namespace {

void addSample(RequestAccumulator& accumulator, std::int64_t timeUs, double valueMs, std::int64_t status,
               std::int64_t errorCode) {
    RequestOutcome outcome = RequestOutcome::Response;
    if (status <= 0) {
        if (errorCode == 1050)
            outcome = RequestOutcome::Timeout;
        else if (errorCode >= 1200 && errorCode < 1300)
            outcome = RequestOutcome::ConnectError;
        else
            outcome = RequestOutcome::OtherError;
    }
    accumulator.add(timeUs, static_cast<std::int64_t>(std::llround(valueMs * 1000)), outcome, static_cast<int>(status));
}

ImportedStep finish(RequestAccumulator& accumulator, InputFile& file, const char* format, std::string url,
                    std::int64_t failed) {
    if (accumulator.requests() == 0)
        file.fail(std::string("no http_req_duration samples: expected k6 results written with --out ") + format);
    ImportedStep imported;
    imported.step = accumulator.finish(imported.measuredRps);
    imported.provenance.tool = "k6";
    imported.provenance.format = format;
    imported.provenance.fidelity = Fidelity::Exact;
    imported.provenance.detail = "every http_req_duration sample; http_req_failed: " + std::to_string(failed);
    imported.provenance.url = std::move(url);
    return imported;
}

// "1714557600" (s), or ms/us/ns by the number of digits, or RFC 3339.
std::optional<std::int64_t> parseK6Time(std::string_view text) {
    if (const auto v = parseInt(text)) {
        if (text.size() <= 11)
            return *v * 1'000'000;
        if (text.size() <= 14)
            return *v * 1000;
        if (text.size() <= 17)
            return *v;
        return *v / 1000;
    }
    return parseRfc3339Micros(text);
}

} // namespace

std::vector<ImportedStep> parseK6Json(InputFile& file) {
    RequestAccumulator accumulator;
    std::string url;
    std::int64_t failed = 0;
    std::string_view line;
    while (file.nextLine(line)) {
        if (const auto t = trim(line); !t.empty() && t.back() != '}')
            file.failAt(file.lineNumber(), "expected one JSON object per line (k6 --out json), found a line that "
                                           "does not end with '}' (cut short?)");
        const bool duration = line.find("\"http_req_duration\"") != std::string_view::npos;
        const bool failure = !duration && line.find("\"http_req_failed\"") != std::string_view::npos;
        if (trim(line).empty() || (!duration && !failure))
            continue;
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            file.failAt(file.lineNumber(), "expected one JSON object per line (k6 --out json), found " + excerpt(line));
        if (j.value("type", "") != "Point")
            continue;
        const auto data = j.find("data");
        if (data == j.end() || !data->is_object())
            file.failAt(file.lineNumber(), "field \"data\": expected an object with time, value and tags");
        const auto value = data->find("value");
        if (value == data->end() || !value->is_number())
            file.failAt(file.lineNumber(), "field \"data.value\": expected a number");
        if (failure) {
            failed += value->get<double>() != 0 ? 1 : 0;
            continue;
        }
        const auto time = data->find("time");
        const auto timeUs =
            time != data->end() && time->is_string() ? parseK6Time(time->get<std::string>()) : std::nullopt;
        if (!timeUs)
            file.failAt(file.lineNumber(), "field \"data.time\": expected an RFC 3339 time");
        std::int64_t status = 0, errorCode = 0;
        if (const auto tags = data->find("tags"); tags != data->end() && tags->is_object()) {
            if (const auto s = tags->find("status"); s != tags->end() && s->is_string())
                status = parseInt(s->get<std::string>()).value_or(0);
            if (const auto e = tags->find("error_code"); e != tags->end() && e->is_string())
                errorCode = parseInt(e->get<std::string>()).value_or(0);
            if (url.empty())
                if (const auto u = tags->find("url"); u != tags->end() && u->is_string())
                    url = u->get<std::string>();
        }
        if (value->get<double>() < 0 || value->get<double>() * 1000 > RequestAccumulator::kMaxLatencyUs)
            file.failAt(file.lineNumber(), "field \"data.value\": expected a duration in ms, 0 to 3600000 (one "
                                           "hour)");
        addSample(accumulator, *timeUs, value->get<double>(), status, errorCode);
    }
    return {finish(accumulator, file, "json", url, failed)};
}

namespace {

constexpr int kK6MaxColumns = 32;

// Where the columns k6's CSV output needs are (-1: absent, allowed for error_code and url only).
struct K6CsvColumns {
    int count = 0; // in the header
    int name = -1, time = -1, value = -1, status = -1, errorCode = -1, url = -1;
    int needed() const { return std::max({name, time, value, status, errorCode, url}) + 1; }
};

K6CsvColumns readK6CsvHeader(InputFile& file, CsvSplitter& splitter) {
    std::string_view line;
    if (!file.nextLine(line))
        file.fail("empty: expected k6 CSV output with a header line");
    std::string_view f[kK6MaxColumns];
    const auto columns = splitter.split(line, f, kK6MaxColumns);
    K6CsvColumns c;
    c.count = columns.value_or(0);
    for (int i = 0; columns && i < std::min(*columns, kK6MaxColumns); ++i) {
        const auto h = f[i];
        if (h == "metric_name")
            c.name = i;
        else if (h == "timestamp")
            c.time = i;
        else if (h == "metric_value")
            c.value = i;
        else if (h == "status")
            c.status = i;
        else if (h == "error_code")
            c.errorCode = i;
        else if (h == "url")
            c.url = i;
    }
    if (c.name < 0 || c.time < 0 || c.value < 0 || c.status < 0)
        file.failAt(1, "expected a k6 CSV header with metric_name, timestamp, metric_value and status, found " +
                           excerpt(line));
    return c;
}

// One http_req_duration row: a request's latency, its time and status.
void addK6CsvDuration(InputFile& file, const std::string_view* f, const K6CsvColumns& c, double valueMs,
                      RequestAccumulator& accumulator) {
    const auto timeUs = parseK6Time(f[c.time]);
    if (!timeUs)
        file.failAt(file.lineNumber(),
                    "column timestamp: expected Unix seconds or an RFC 3339 time, found " + excerpt(f[c.time]));
    const auto s = f[c.status].empty() ? std::optional<std::int64_t>(0) : parseInt(f[c.status]);
    if (!s)
        file.failAt(file.lineNumber(), "column status: expected an HTTP status, found " + excerpt(f[c.status]));
    const std::int64_t code = c.errorCode >= 0 ? parseInt(f[c.errorCode]).value_or(0) : 0;
    addSample(accumulator, *timeUs, valueMs, *s, code);
}

} // namespace

std::vector<ImportedStep> parseK6Csv(InputFile& file) {
    RequestAccumulator accumulator;
    CsvSplitter splitter;
    const K6CsvColumns c = readK6CsvHeader(file, splitter);
    std::string_view line;
    std::string_view f[kK6MaxColumns];
    std::string url;
    std::int64_t failed = 0;
    while (file.nextLine(line)) {
        if (line.empty())
            continue;
        const bool duration = startsWith(line, "http_req_duration,");
        const bool failure = startsWith(line, "http_req_failed,");
        if (!duration && !failure && line.find("http_req_") == std::string_view::npos)
            continue; // k6's other metrics (checks, iterations, data sent...)
        const auto n = splitter.split(line, f, kK6MaxColumns);
        if (!n || *n < c.needed())
            file.failAt(file.lineNumber(), "expected " + std::to_string(c.count) + " columns as in the header, found " +
                                               (n ? std::to_string(*n) : std::string("an unclosed quote")));
        if (f[c.name] != "http_req_duration" && f[c.name] != "http_req_failed")
            continue;
        const auto v = parseDouble(f[c.value]);
        if (!v || *v < 0 || (f[c.name] == "http_req_duration" && *v * 1000 > RequestAccumulator::kMaxLatencyUs))
            file.failAt(file.lineNumber(), "column metric_value: expected a duration in ms, 0 to 3600000 (one hour), "
                                           "found " +
                                               excerpt(f[c.value]));
        if (f[c.name] == "http_req_failed") {
            failed += *v != 0 ? 1 : 0;
            continue;
        }
        if (url.empty() && c.url >= 0)
            url = std::string(f[c.url]);
        addK6CsvDuration(file, f, c, *v, accumulator);
    }
    return {finish(accumulator, file, "csv", url, failed)};
}

} // namespace loadscope::importers
