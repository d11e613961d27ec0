#pragma once
// The per-second timeline of a step as a compact, lossless blob for the `steps.timeline` column: a minute of
// timeline takes about 800 bytes instead of the ~3 KB of its JSON, which matters at 10,000 runs x 20 steps.
//
// Layout: the byte 'T', a format byte (1), a varint point count, then per point zig-zag varints of
// (second - previous second - 1), sent, completed, errors, and p50 and p99 each as a zig-zag varint of
// (microseconds << 1) when the millisecond value is an exact number of microseconds, else the tag 1 followed by the
// 8 bytes of the IEEE double (little-endian).

#include "run_types.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope {

std::string encodeTimeline(const std::vector<TimelinePoint>& points);
// nullopt (and `error` filled) for a blob that is not an encoded timeline.
std::optional<std::vector<TimelinePoint>> decodeTimeline(std::string_view blob, std::string* error = nullptr);

} // namespace loadscope
