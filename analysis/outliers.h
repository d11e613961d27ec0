#pragma once
// Outlying repetitions by the modified Z-score (Iglewicz and Hoaglin; hyperfine uses the same statistic):
// M = 0.6745 (x - median) / MAD. They are flagged and kept: the bootstrap still resamples them (so they widen the
// interval), only the point verdict of the SLO leaves them out (so one odd repetition does not move a knee).

#include <vector>

namespace loadscope {

inline constexpr double kOutlierZ = 3.5;
// With three or four repetitions the MAD can collapse (two values almost equal), which makes any third value look
// extreme; an outlier must also lie this far from the median, relative to it.
inline constexpr double kOutlierMinRelativeDistance = 0.2;

// One modified Z-score per value; all 0 with fewer than 3 values or when the values do not spread.
std::vector<double> modifiedZScores(const std::vector<double>& values);
// Which values are outliers (|M| > kOutlierZ and at least kOutlierMinRelativeDistance from the median).
std::vector<bool> outlierFlags(const std::vector<double>& values);

} // namespace loadscope
