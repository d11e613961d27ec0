// yandex-tank / phantom "phout": one request per line, 12 tab-separated columns:
//   time (Unix seconds with ms, when the request started), tag, interval_real (us, the whole response time),
//   connect_time, send_time, latency, receive_time, interval_event, size_out, size_in, net_code (0 or an errno),
//   proto_code (the HTTP status).
// Only columns 1, 3, 11 and 12 are read; the others are checked to exist.
#include "format_parsers.h"
#include "request_accumulator.h"
#include "text_fields.h"

#include <cerrno>

namespace loadscope::importers {

namespace {
constexpr int kColumns = 12;

RequestOutcome outcomeOf(std::int64_t netCode) {
    switch (netCode) {
    case 0:
        return RequestOutcome::Response;
    case ETIMEDOUT:
        return RequestOutcome::Timeout;
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EADDRNOTAVAIL:
        return RequestOutcome::ConnectError;
    default:
        return RequestOutcome::OtherError;
    }
}
} // namespace

std::vector<ImportedStep> parsePhout(InputFile& file) {
    RequestAccumulator accumulator;
    std::string firstTag;
    std::string_view line;
    std::string_view f[kColumns];
    while (file.nextLine(line)) {
        if (line.empty())
            continue;
        const int n = splitFields(line, '\t', f, kColumns);
        if (n != kColumns)
            file.failAt(file.lineNumber(), "expected 12 tab-separated phout columns (time, tag, interval_real, ..., "
                                           "net_code, proto_code), found " +
                                               std::to_string(n));
        const auto startUs = parseSecondsToMicros(f[0]);
        if (!startUs)
            file.failAt(file.lineNumber(),
                        "column 1 (time): expected Unix seconds like 1389788425.123, found " + excerpt(f[0]));
        const auto intervalUs = parseInt(f[2]);
        if (!intervalUs || *intervalUs < 0 || *intervalUs > RequestAccumulator::kMaxLatencyUs)
            file.failAt(file.lineNumber(), "column 3 (interval_real): expected microseconds, 0 to 3600000000 (one "
                                           "hour), found " +
                                               excerpt(f[2]));
        const auto netCode = parseInt(f[10]);
        if (!netCode || *netCode < 0)
            file.failAt(file.lineNumber(),
                        "column 11 (net_code): expected 0 or an error number, found " + excerpt(f[10]));
        const auto protoCode = parseInt(f[11]);
        if (!protoCode || *protoCode < 0 || *protoCode > 999)
            file.failAt(file.lineNumber(), "column 12 (proto_code): expected an HTTP status, found " + excerpt(f[11]));
        if (accumulator.requests() == 0)
            firstTag = std::string(f[1]);
        const RequestOutcome outcome = outcomeOf(*netCode);
        accumulator.add(*startUs, *intervalUs, outcome, outcome == RequestOutcome::Response ? int(*protoCode) : 0);
    }
    if (accumulator.requests() == 0)
        file.fail("no requests: expected phout lines of 12 tab-separated columns");
    ImportedStep imported;
    imported.step = accumulator.finish(imported.measuredRps);
    imported.provenance.tool = "phout";
    imported.provenance.format = "phout";
    imported.provenance.fidelity = Fidelity::Exact;
    imported.provenance.detail = "every request (interval_real); net_code != 0 counted as errors";
    imported.provenance.tag = firstTag;
    return {imported};
}

} // namespace loadscope::importers
