#pragma once
// A run as CSV, one row per step in execution order (`loadscope export --format csv`; columns in docs/cli.md). The
// columns are db/'s stepCsvColumns(); this file only formats them: numbers with up to 4 decimals, times as ISO 8601
// UTC, text quoted when it holds a comma, a quote or a line break.

#include "run_types.h"

#include <string>

namespace loadscope {

std::string runToCsv(const Run& run);

} // namespace loadscope
