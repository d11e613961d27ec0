#pragma once
// One clock for every timestamp of a run: steady_clock as integer nanoseconds (cheap to store and subtract).

#include <chrono>
#include <cstdint>

namespace loadscope::loadgen {

inline std::int64_t monotonicNowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

inline std::chrono::steady_clock::time_point toTimePoint(std::int64_t ns) {
    return std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::nanoseconds(ns)));
}

} // namespace loadscope::loadgen
