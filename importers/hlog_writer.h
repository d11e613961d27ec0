#pragma once
// A run's steps as an HdrHistogram interval log (format version 1.3) that HdrHistogram's HistogramLogReader and
// HistogramLogProcessor read: one interval per step, tagged "<target>@<rate>rps#<repetition>", spanning the step's
// measured seconds; values in microseconds (Interval_Max in milliseconds, the writer's usual ratio for that unit).
// Steps without a histogram are left out. The latency histogram (from the due time) is written.

#include "run_types.h"

#include <string>

namespace loadscope::importers {

std::string runToHlog(const Run& run);
// "aiohttp@1000rps#1" with characters a log tag cannot hold (',', ' ', '=') replaced by '_'.
std::string hlogTag(const Step& step);

} // namespace loadscope::importers
