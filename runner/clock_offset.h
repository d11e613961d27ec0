#pragma once
// The offset of another host's wall clock from ours, measured over its SSH connection: one remote shell answers
// each line we send with its time (bash's $EPOCHREALTIME, else date +%s%N); the round trip with the smallest delay
// gives the offset (remote minus local, at the round trip's midpoint) and its uncertainty (half that round trip). Used
// to start generators on several hosts at the same instant (loadscope-loadgen --start-at) and to line their timelines
// up; latency itself is always measured on each generator's own clock.

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
// The correction to apply: the offset when it is larger than its uncertainty, else 0 (correcting by noise would
// shift a generator's start by that noise: within one machine or a LAN with NTP the clocks agree better than that).
double usableOffsetMs(const ClockOffset& offset);

} // namespace loadscope
