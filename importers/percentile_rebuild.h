#pragma once
// Histograms rebuilt from what a tool printed instead of from every request: a full percentile spectrum (wrk2) or a
// handful of percentiles (wrk, oha). The rebuilt histogram gives back each printed percentile (within the 0.1 % of
// LatencyHistogram); between and beyond the printed points it can only give the next printed value up.

#include "latency_histogram.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace loadscope::importers {

struct PrintedPercentile {
    double percent = 0; // 0..100
    std::int64_t valueUs = 0;
};

// `total` values: each printed point holds the values up to its rank (ceil(percent % of total)), the rest sits at
// maxUs (or the last point's value); minUs, when given, holds one value.
LatencyHistogram histogramFromPercentiles(std::vector<PrintedPercentile> points, std::int64_t total,
                                          std::optional<std::int64_t> minUs, std::optional<std::int64_t> maxUs);

// A spectrum of (value, cumulative count) rows as HdrHistogram prints it: each row's new counts at its value.
struct SpectrumRow {
    std::int64_t valueUs = 0;
    std::int64_t totalCount = 0;
};
// `maxUs` (HdrHistogram's "#[Max = ...]"), when it shares the last row's counter, holds the last value.
LatencyHistogram histogramFromSpectrum(const std::vector<SpectrumRow>& rows, std::optional<std::int64_t> maxUs);

} // namespace loadscope::importers
