#pragma once
// The load generator's command line: what to request, how fast and for how long, and how to report it.

#include "arrival_sequence.h"
#include "http_request_template.h"
#include "load_schedule.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loadscope::loadgen {

struct LoadgenOptions {
    std::string urlText;
    HttpUrl url;
    RequestSpec request;
    std::string requestBytes; // serialised once

    LoadSchedule schedule; // the measured part (the warm-up comes before it)
    bool constantRate = false;
    Nanos warmup{0};
    ArrivalMode arrivals = ArrivalMode::Uniform;
    std::uint64_t seed = 0;

    int connections = 256;
    Nanos timeout = std::chrono::seconds(5);
    int threads = 1;
    std::vector<int> cpus; // pin the process to these cores (empty: leave the affinity alone)
    bool busyPoll = false; // poll the event loop without ever sleeping (a core of its own, burnt on purpose)
    // The event loop wakes up for the schedule at most once per window and sends every request due by then. 0: one
    // wake-up per request. Not used with busyPoll (a loop that never sleeps has no wake-ups to save).
    Nanos batchWindow = std::chrono::microseconds(100);
    bool realtime = false; // SCHED_FIFO: asked for with --realtime, and false again when the system refused it

    // --share K/N: this generator is one of N on other hosts sharing one schedule; it sends the schedule's positions
    // K-1, K-1+N, ... (uniform) or a Poisson process of 1/N the rate, so that together they keep the full schedule.
    int shareIndex = 0; // K-1
    int shareCount = 1; // N
    // --start-at: the schedule (its warm-up) starts at this wall-clock time, Unix epoch in ms (generators on several
    // hosts start together; each host's clock offset is corrected by the caller). 0: 20 ms after the probe.
    std::int64_t startAtUnixMs = 0;

    bool json = false;
    bool progress = false;
};

// Either the options, or the exit code to leave with (0 after --help / --version, 2 for a bad argument); messages
// are already printed then (the error names the argument and what is expected).
struct ParsedCommandLine {
    std::optional<LoadgenOptions> options;
    int exitCode = 0;
};
ParsedCommandLine parseLoadgenCommandLine(int argc, const char* const* argv);

} // namespace loadscope::loadgen
