#pragma once
// Durations as people type them on a command line: "500ms", "20s", "2m", "1m30s", "1.5s"; a bare number is seconds.
// Shared by --duration, --warmup, --timeout and the phases of --schedule.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace loadscope::loadgen {

using Nanos = std::chrono::nanoseconds;

// What every "bad duration" message says is expected.
inline constexpr std::string_view kDurationHint = "a duration like 500ms, 20s, 2m or 1m30s (units us, ms, s, m, h)";

// Parses one duration; nullopt for anything else (empty, negative, unknown unit, more than a year).
std::optional<Nanos> parseDuration(std::string_view text);

// The shortest exact spelling parseDuration() reads back: "500ms", "20s", "2m", "1.5s".
std::string formatDuration(Nanos duration);

inline double toSeconds(Nanos duration) {
    return std::chrono::duration<double>(duration).count();
}

} // namespace loadscope::loadgen
