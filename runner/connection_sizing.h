#pragma once
// How many connections the load generator may hold for one step. Too few turn the generator into a queue: a 125 ms
// handler at 2000 rps needs 250 connections just to keep up, so a slowing server would look like it gave up when it
// had not. By default: rate x the scenario's ideal latency x 4, at least 256, within the open-file limit.

#include <optional>
#include <string>

namespace loadscope {

struct ConnectionSizing {
    int connections = 0;
    bool cappedByFileLimit = false; // the wanted number did not fit under the open-file limit
    int wanted = 0;                 // before the cap
    std::string note;               // why the number is what it is, for the log
};

constexpr int kMinimumAutoConnections = 256;
constexpr int kConnectionHeadroomFactor = 4;

// `requested`: the plan's fixed number, if any. `openFileLimit`: the hard RLIMIT_NOFILE (the generator raises its
// soft limit to it); a few descriptors stay reserved for the generator's own files.
ConnectionSizing sizeConnections(double rateRps, double idealLatencyMs, std::optional<int> requested,
                                 long long openFileLimit);
// The hard RLIMIT_NOFILE of this process (children inherit it).
long long openFileHardLimit();
// Raises this process's soft RLIMIT_NOFILE to the hard limit, so the servers we start (which inherit it) can accept
// as many connections as the generator opens. Returns the new soft limit.
long long raiseOpenFileLimit();

} // namespace loadscope
