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
// `shown`: the chart draws the repetitions merged (most charts) or one of them (the timeline).
enum class RepetitionsShown { Merged, One };
QString describeRuns(const ResultsDataset& data, RepetitionsShown shown = RepetitionsShown::Merged);
// A quantile for people: the percent with as many decimals as its nines need (99.0024 -> "p99", 99.95 -> "p99.95").
QString quantileLabel(double percent);
// "1500 requests/s" that never breaks across lines.
QString perSecond(const QString& number);
// The p99 interval in words ("[52.8 ms–57.0 ms], 95 % interval over 3 repetitions"), or why there is none
// ("interval needs >= 3 repetitions"); empty for an unmeasured step.
QString intervalText(const MergedMeasurement& m);
// The notes of a measurement: what could change its verdict (generator, connections), outlying repetitions, errors,
// failed or skipped repetitions (with the stop rule's reason, the CLI's words).
QStringList groupNotes(const MeasurementGroup& group);
// Everything a tooltip says about one measurement, one number per quantity: target, rate, achieved rate, the merged
// p99 with its interval (or why there is none), the other merged percentiles, the SLO verdict with P(SLO holds),
// repetitions and notes. `highlight` is the percentile the hovered curve shows.
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
