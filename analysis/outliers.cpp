#include "outliers.h"

#include <algorithm>
#include <cmath>

namespace loadscope {

namespace {
double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}
} // namespace

std::vector<double> modifiedZScores(const std::vector<double>& values) {
    std::vector<double> scores(values.size(), 0.0);
    if (values.size() < 3)
        return scores;
    const double center = median(values);
    std::vector<double> deviations;
    for (double v : values)
        deviations.push_back(std::abs(v - center));
    double spread = median(deviations);
    double factor = 0.6745;
    if (spread == 0) {
        // Half the values equal the median: fall back to the mean absolute deviation (scaled to match).
        double sum = 0;
        for (double d : deviations)
            sum += d;
        spread = sum / static_cast<double>(deviations.size());
        factor = 0.7979;
    }
    if (spread == 0)
        return scores;
    for (std::size_t i = 0; i < values.size(); ++i)
        scores[i] = factor * (values[i] - center) / spread;
    return scores;
}

std::vector<bool> outlierFlags(const std::vector<double>& values) {
    const auto scores = modifiedZScores(values);
    std::vector<bool> flags(values.size(), false);
    if (values.size() < 3)
        return flags;
    const double center = median(values);
    for (std::size_t i = 0; i < values.size(); ++i)
        flags[i] = std::abs(scores[i]) > kOutlierZ &&
                   std::abs(values[i] - center) > kOutlierMinRelativeDistance * std::abs(center);
    return flags;
}

} // namespace loadscope
