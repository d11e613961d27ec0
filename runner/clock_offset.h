#pragma once
// The offset of another host's wall clock from ours, measured over its SSH connection: one remote shell answers
// each line we send with its time (date +%s%N); the round trip with the smallest delay gives the offset (remote minus
// local, at the round trip's midpoint) and its uncertainty (half that round trip). Used to start generators on
// several hosts at the same instant (loadscope-loadgen --start-at) and to line their timelines up; latency itself is
// always measured on each generator's own clock.

#include "ssh_host.h"

#include <string>

namespace loadscope {

struct ClockOffset {
    double offsetMs = 0;      // remote clock - local clock
    double uncertaintyMs = 0; // +- (half the best round trip)
    int rounds = 0;           // round trips that answered
    std::string error;        // when none did
};

ClockOffset measureClockOffset(const SshHost& host, int rounds = 9);

} // namespace loadscope
