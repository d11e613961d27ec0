#include "percentile_rebuild.h"

#include <algorithm>
#include <cmath>

namespace loadscope::importers {

LatencyHistogram histogramFromPercentiles(std::vector<PrintedPercentile> points, std::int64_t total,
                                          std::optional<std::int64_t> minUs, std::optional<std::int64_t> maxUs) {
    LatencyHistogram histogram;
    if (total <= 0)
        return histogram;
    std::sort(points.begin(), points.end(),
              [](const PrintedPercentile& a, const PrintedPercentile& b) { return a.percent < b.percent; });
    std::int64_t assigned = 0;
    if (minUs && (points.empty() || *minUs < points.front().valueUs)) {
        histogram.record(*minUs);
        assigned = 1;
    }
    for (const auto& point : points) {
        const auto rank = std::min<std::int64_t>(
            total, static_cast<std::int64_t>(std::ceil(point.percent / 100.0 * static_cast<double>(total) - 1e-9)));
        if (rank > assigned) {
            histogram.record(point.valueUs, rank - assigned);
            assigned = rank;
        }
    }
    if (assigned < total) {
        const std::int64_t top = maxUs ? *maxUs : (points.empty() ? 0 : points.back().valueUs);
        histogram.record(top, total - assigned);
    }
    return histogram;
}

LatencyHistogram histogramFromSpectrum(const std::vector<SpectrumRow>& rows, std::optional<std::int64_t> maxUs) {
    LatencyHistogram histogram;
    std::int64_t previous = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        if (row.totalCount <= previous)
            continue;
        std::int64_t count = row.totalCount - previous;
        previous = row.totalCount;
        const bool last = i + 1 == rows.size() || rows.back().totalCount == row.totalCount;
        if (last && maxUs && *maxUs != row.valueUs &&
            histogram.lowestEquivalent(*maxUs) == histogram.lowestEquivalent(row.valueUs)) {
            histogram.record(*maxUs);
            --count;
        }
        histogram.record(row.valueUs, count);
        if (last)
            break;
    }
    return histogram;
}

} // namespace loadscope::importers
