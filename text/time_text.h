// One written form of a moment: UTC in ISO 8601 to the second, for the CLI's tables and JSON and the CSV export.
#pragma once

#include <string>

namespace loadscope {

// "2026-12-06T08:12:03Z"; empty for 0 or less (a run or step that never started or finished).
std::string isoUtcTime(long long epochMs);

} // namespace loadscope
