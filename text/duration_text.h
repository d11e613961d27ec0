#pragma once
// Durations as people type them, in one place for the generator, the runner, the CLI and the GUI: "500ms", "20s",
// "2m", "1m30s", "1.5s", "250us", "1h"; a bare number is seconds. format() writes what read() reads back exactly, so a
// duration printed by one part (a plan, a schedule, an ETA) can be pasted into another.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace loadscope {

using Nanos = std::chrono::nanoseconds;

// What every "bad duration" message says is expected.
inline constexpr std::string_view kDurationHint =
    "a duration like 500ms, 20s, 2m or 1m30s (units us, ms, s, m, h; a bare number is seconds)";

// Why a text is not a duration, for messages that say what to change.
enum class DurationProblem { None, Malformed, UnknownUnit, Negative, TooLong };

struct DurationReading {
    std::optional<Nanos> value;
    DurationProblem problem = DurationProblem::None;
    std::string unit; // the unit that was not understood (UnknownUnit)
};

// Reads one duration: parts "<decimal><unit>" in any order of units, optionally separated by spaces ("1m 30s",
// "3 s"); more than a year is TooLong, a leading '-' is Negative.
DurationReading readDuration(std::string_view text);

// The value of readDuration(), or nullopt.
std::optional<Nanos> parseDuration(std::string_view text);

// The shortest exact spelling readDuration() reads back: "500ms", "20s", "2m", "1m30s", "1h", "1.5s", "250us".
std::string formatDuration(Nanos duration);

inline double toSeconds(Nanos duration) {
    return std::chrono::duration<double>(duration).count();
}

// Seconds as a Nanos, rounded to the nanosecond.
Nanos fromSeconds(double seconds);

} // namespace loadscope
