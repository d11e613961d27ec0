#pragma once
// RequestAccumulator: turns a stream of per-request records (vegeta, k6, phout) into one Step: the exact latency
// histogram, counts, errors by kind and the per-second timeline. Memory does not grow with the number of requests:
// a few seconds of the timeline are open at once (records arrive roughly in time order), later ones close the oldest.
//
// Rules, the same for every per-request format: latencies are those of requests that got a response (any HTTP
// status); a request without one (connect error, timeout, reset) counts as sent and as an error, not in the
// histogram. `ok` is a response with status below 400. Timeline seconds count from the earliest request's start.

#include "run_types.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>

namespace loadscope::importers {

enum class RequestOutcome { Response, ConnectError, Timeout, OtherError };

class RequestAccumulator {
public:
    // Latencies beyond the histogram's range (one hour) are refused by the parsers, not clamped.
    static constexpr std::int64_t kMaxLatencyUs = LatencyHistogram::kHighestTrackableUs;

    RequestAccumulator();
    // startUs: when the request was sent, microseconds since the epoch; latencyUs: until its response.
    // status: the HTTP status (0 when there was no response).
    void add(std::int64_t startUs, std::int64_t latencyUs, RequestOutcome outcome, int status);
    std::int64_t requests() const { return requests_; }
    // The Step (status ok; target, rate and ids left to the caller) and the rate the starts show.
    Step finish(std::optional<double>& measuredRps);

private:
    struct OpenSecond {
        std::int64_t second = -1; // absolute Unix second; -1: slot free
        LatencyHistogram histogram;
        TimelinePoint point;
    };
    OpenSecond& slotFor(std::int64_t second);
    void close(OpenSecond& slot);

    static constexpr int kOpenSeconds = 6;
    std::array<OpenSecond, kOpenSeconds> open_;
    OpenSecond* last_ = nullptr;
    std::map<std::int64_t, TimelinePoint> closed_;
    LatencyHistogram histogram_;
    std::int64_t requests_ = 0, responses_ = 0, ok_ = 0;
    ErrorCounts errors_;
    std::int64_t firstStartUs_ = 0, lastStartUs_ = 0, lastEndUs_ = 0;
};

} // namespace loadscope::importers
