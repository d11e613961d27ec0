#pragma once
// The words and numbers the charts show: axis labels, headings and the hover tooltips' exact values.

#include "chart_data.h"

#include <QString>

namespace loadscope {

// 0.734 -> "0.734 ms", 61.23 -> "61.2 ms", 1234 -> "1.23 s".
QString formatLatency(double ms);
// 2000 -> "2000", 1999.6 -> "1999.6".
QString formatRate(double rps);
// "Run 12 "seed-simple" · scenario simple · 3 repetitions · 2024-05-01 14:03" or "Runs 12, 15 · scenario simple".
QString describeRuns(const ResultsDataset& data);
// Everything a tooltip says about one measurement: target, rates, the merged percentiles, repetitions and their
// spread, errors and the flags with their reasons. `highlight` is the percentile the hovered curve shows.
QString describeGroup(const ResultsDataset& data, const MeasurementGroup& group,
                      std::optional<Percentile> highlight = std::nullopt);
// The flags of a group in words ("errors 0.4 %, generator-limited"), empty when none.
QString describeFlags(const MeasurementGroup& group);
// The same, short enough for an axis label: "2.5 % errors, conn.-limited".
QString shortFlags(const MeasurementGroup& group);

} // namespace loadscope

namespace loadscope {
// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
QString csvField(const QString& text);
QString csvField(const std::string& text);
} // namespace loadscope
