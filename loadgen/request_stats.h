#pragma once
// What the generator counts: per part of the run (warm-up, measured), per second of the measured part, and the
// thread-safe collectors that merge what several worker threads counted.

#include "latency_histogram.h"

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace loadscope::loadgen {

struct RequestCounters {
    static constexpr int kStatusCodes = 1000;

    std::int64_t due = 0;
    std::int64_t sent = 0;
    std::int64_t completed = 0;         // a whole response arrived (any status)
    std::int64_t ok = 0;                // ... with a status below 400
    std::int64_t completedInWindow = 0; // responses (warm-up's too) that arrived inside the measured window
    std::int64_t waited = 0;            // found every connection busy and waited for one
    std::int64_t retried = 0;           // resent once because a reused keep-alive connection had been closed
    std::int64_t connectErrors = 0;
    std::int64_t readErrors = 0; // reset, closed mid-response, malformed response
    std::int64_t timeouts = 0;
    std::int64_t abandoned = 0; // still waiting or in flight when a signal stopped the run
    std::int64_t unsent = 0;    // due, but the generator never got to them before the deadline
    std::array<std::int64_t, kStatusCodes> statusCounts{}; // responses by status code (>= 400 are errors)

    std::int64_t statusErrors() const;
    std::int64_t errors() const { return connectErrors + readErrors + timeouts + statusErrors(); }
    void add(const RequestCounters& other);
};

// Counters and histograms of one part of the run.
struct PartStats {
    RequestCounters counters;
    LatencyHistogram latency;  // response complete - due time (corrected for coordinated omission)
    LatencyHistogram service;  // response complete - actual send
    LatencyHistogram lateness; // actual dispatch - due time: the generator's own delay
    void merge(const PartStats& other);
};

struct TimelineEntry {
    int second = 0;       // since the measured part began
    double scheduled = 0; // requests the schedule made due in this second
    std::int64_t sent = 0;
    std::int64_t completed = 0;
    std::int64_t errors = 0;
    double p50Ms = 0; // corrected latency of the responses completed in this second
    double p99Ms = 0;
};

// One worker's counts for the second it is in.
struct SecondCounts {
    std::int64_t sent = 0;
    std::int64_t completed = 0;
    std::int64_t errors = 0;
    LatencyHistogram latency;
    void clear();
};

// Merges every worker's seconds; a second is reduced to its percentiles (and its histogram freed) once every
// worker has handed it in, so a long run keeps only a couple of histograms alive.
class TimelineCollector {
public:
    explicit TimelineCollector(int contributors)
        : contributors_(contributors) {}
    // Adds `counts` to `second` and clears them. Each worker hands in every second once, in order.
    void contribute(int second, SecondCounts& counts);
    // Every second so far, reduced (including the ones some worker never handed in).
    std::vector<TimelineEntry> entries();

private:
    struct Slot {
        TimelineEntry entry;
        int contributions = 0;
        std::unique_ptr<LatencyHistogram> latency; // until reduced
    };
    static void reduce(Slot& slot);

    std::mutex mutex_;
    int contributors_;
    std::vector<Slot> slots_;
};

// A worker's second-by-second bookkeeping: keeps the current second and hands finished ones to the collector.
class SecondTracker {
public:
    // Moves on to `second`, handing in every earlier one (empty ones too). Returns the counts for `second`.
    SecondCounts& at(int second, TimelineCollector& collector);
    // Hands in the current second (at the end of the run).
    void finish(TimelineCollector& collector);

private:
    int current_ = 0;
    bool any_ = false;
    SecondCounts counts_;
};

} // namespace loadscope::loadgen
