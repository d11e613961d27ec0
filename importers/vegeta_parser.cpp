// vegeta's results as `vegeta encode --to csv` or `--to json` writes them. CSV has no header; its columns are
//   timestamp (Unix ns, when the request was sent), code, latency (ns), bytes out, bytes in, error, body (base64),
//   attack name, seq, method, URL, headers
// (older vegeta versions stop after error, body and attack name). JSON has one object per line with the same
// fields by name: "timestamp" (RFC 3339), "code", "latency" (ns), "error", "url", ...
// vegeta's binary (gob) stream is not read: convert it with `vegeta encode --to csv`.
#include "format_parsers.h"
#include "request_accumulator.h"
#include "text_fields.h"

#include <nlohmann/json.hpp>

namespace loadscope::importers {

namespace {

RequestOutcome outcomeOf(std::int64_t code, std::string_view error) {
    if (code > 0)
        return RequestOutcome::Response;
    if (error.find("timeout") != std::string_view::npos || error.find("deadline") != std::string_view::npos)
        return RequestOutcome::Timeout;
    if (error.find("connection refused") != std::string_view::npos || error.find("dial") != std::string_view::npos)
        return RequestOutcome::ConnectError;
    return RequestOutcome::OtherError;
}

ImportedStep finish(RequestAccumulator& accumulator, InputFile& file, const char* format, std::string url) {
    if (accumulator.requests() == 0)
        file.fail(std::string("no requests: expected vegeta results (") + format + "), one request per line");
    ImportedStep imported;
    imported.step = accumulator.finish(imported.measuredRps);
    imported.provenance.tool = "vegeta";
    imported.provenance.format = format;
    imported.provenance.fidelity = Fidelity::Exact;
    imported.provenance.detail = "every request; code 0 counted as an error by its message";
    imported.provenance.url = std::move(url);
    return imported;
}

} // namespace

std::vector<ImportedStep> parseVegetaCsv(InputFile& file) {
    RequestAccumulator accumulator;
    CsvSplitter splitter;
    std::string url;
    std::string_view line;
    std::string_view f[11];
    while (file.nextLine(line)) {
        if (line.empty())
            continue;
        const auto n = splitter.split(line, f, 11);
        if (!n)
            file.failAt(file.lineNumber(), "a quoted field is not closed (the line is cut short?)");
        if (*n < 6)
            file.failAt(file.lineNumber(), "expected vegeta CSV columns (timestamp, code, latency, bytes out, bytes "
                                           "in, error, ...), found " +
                                               std::to_string(*n) + " columns");
        const auto timestampNs = parseInt(f[0]);
        if (!timestampNs || *timestampNs < 0)
            file.failAt(file.lineNumber(), "column 1 (timestamp): expected Unix nanoseconds, found " + excerpt(f[0]));
        const auto code = parseInt(f[1]);
        if (!code || *code < 0 || *code > 999)
            file.failAt(file.lineNumber(), "column 2 (code): expected an HTTP status or 0, found " + excerpt(f[1]));
        const auto latencyNs = parseInt(f[2]);
        if (!latencyNs || *latencyNs < 0 || *latencyNs / 1000 > RequestAccumulator::kMaxLatencyUs)
            file.failAt(file.lineNumber(), "column 3 (latency): expected nanoseconds, 0 to 3600000000000 (one hour), "
                                           "found " +
                                               excerpt(f[2]));
        if (url.empty() && *n >= 11)
            url = std::string(f[10]);
        accumulator.add(*timestampNs / 1000, *latencyNs / 1000, outcomeOf(*code, f[5]), static_cast<int>(*code));
    }
    return {finish(accumulator, file, "csv", url)};
}

std::vector<ImportedStep> parseVegetaJson(InputFile& file) {
    RequestAccumulator accumulator;
    std::string url;
    std::string_view line;
    while (file.nextLine(line)) {
        if (trim(line).empty())
            continue;
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            file.failAt(file.lineNumber(),
                        "expected one JSON object per line (vegeta encode --to json), found " + excerpt(line));
        auto need = [&](const char* key, bool (nlohmann::json::*is)() const noexcept, const char* what) {
            const auto it = j.find(key);
            if (it == j.end() || !((*it).*is)())
                file.failAt(file.lineNumber(), std::string("field \"") + key + "\": expected " + what);
            return *it;
        };
        const auto timestamp = need("timestamp", &nlohmann::json::is_string, "an RFC 3339 time");
        const auto startUs = parseRfc3339Micros(timestamp.get<std::string>());
        if (!startUs)
            file.failAt(file.lineNumber(), "field \"timestamp\": expected an RFC 3339 time, found " +
                                               excerpt(timestamp.get<std::string>()));
        const auto latency = need("latency", &nlohmann::json::is_number_integer, "nanoseconds as an integer");
        const auto code = need("code", &nlohmann::json::is_number_integer, "an HTTP status or 0");
        std::string error;
        if (const auto it = j.find("error"); it != j.end() && it->is_string())
            error = it->get<std::string>();
        if (url.empty())
            if (const auto it = j.find("url"); it != j.end() && it->is_string())
                url = it->get<std::string>();
        const auto latencyNs = latency.get<std::int64_t>();
        const auto status = code.get<std::int64_t>();
        if (latencyNs < 0 || latencyNs / 1000 > RequestAccumulator::kMaxLatencyUs)
            file.failAt(file.lineNumber(), "field \"latency\": expected nanoseconds, 0 to 3600000000000 (one hour), "
                                           "found " +
                                               std::to_string(latencyNs));
        if (status < 0 || status > 999)
            file.failAt(file.lineNumber(),
                        "field \"code\": expected an HTTP status or 0, found " + std::to_string(status));
        accumulator.add(*startUs, latencyNs / 1000, outcomeOf(status, error), static_cast<int>(status));
    }
    return {finish(accumulator, file, "json", url)};
}

} // namespace loadscope::importers
