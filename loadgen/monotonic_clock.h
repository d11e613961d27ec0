#pragma once
// One clock for every timestamp of a run: steady_clock as integer nanoseconds (cheap to store and subtract).

#include <chrono>
#include <cstdint>

#include <cerrno>
#include <time.h>

namespace loadscope::loadgen {

inline std::int64_t monotonicNowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

inline std::chrono::steady_clock::time_point toTimePoint(std::int64_t ns) {
    return std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::nanoseconds(ns)));
}

inline std::int64_t toNs(const timespec& time) {
    return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

// Wall-clock time in nanoseconds: what the kernel's packet timestamps (SO_TIMESTAMPNS) are measured in.
inline std::int64_t wallClockNowNs() {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return toNs(now);
}

// Sleeps until monotonicNowNs() reaches wakeNs (steady_clock is CLOCK_MONOTONIC on Linux).
inline void sleepUntil(std::int64_t wakeNs) {
    const timespec until{static_cast<time_t>(wakeNs / 1'000'000'000), static_cast<long>(wakeNs % 1'000'000'000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr) == EINTR) {
    }
}

} // namespace loadscope::loadgen
