#include "rank_test.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace loadscope {

namespace {

double binomial(std::size_t n, std::size_t k) {
    double result = 1;
    for (std::size_t i = 1; i <= k; ++i)
        result = result * static_cast<double>(n - k + i) / static_cast<double>(i);
    return result;
}

// U of the values picked by `mask` from `pooled` against the others: pairs (x in picked, y in rest) with x > y,
// ties counting one half.
double uOfSplit(const std::vector<double>& pooled, std::uint32_t mask) {
    double u = 0;
    for (std::size_t i = 0; i < pooled.size(); ++i) {
        if (!(mask & (1u << i)))
            continue;
        for (std::size_t j = 0; j < pooled.size(); ++j) {
            if (mask & (1u << j))
                continue;
            u += pooled[i] > pooled[j] ? 1.0 : pooled[i] == pooled[j] ? 0.5 : 0.0;
        }
    }
    return u;
}

double normalTwoSided(double z) {
    return std::erfc(std::abs(z) / std::sqrt(2.0));
}

} // namespace

RankTestResult mannWhitneyU(const std::vector<double>& a, const std::vector<double>& b) {
    RankTestResult result;
    const std::size_t n = a.size(), m = b.size();
    if (n == 0 || m == 0)
        return result;
    std::vector<double> pooled(a);
    pooled.insert(pooled.end(), b.begin(), b.end());
    const std::uint32_t observedMask = (1u << n) - 1u;
    if (n + m <= 20) {
        result.u = uOfSplit(pooled, observedMask);
        const double mean = static_cast<double>(n * m) / 2.0;
        const double observedDistance = std::abs(result.u - mean);
        std::int64_t atLeastAsExtreme = 0, splits = 0;
        for (std::uint32_t mask = 0; mask < (1u << (n + m)); ++mask) {
            if (static_cast<std::size_t>(__builtin_popcount(mask)) != n)
                continue;
            ++splits;
            if (std::abs(uOfSplit(pooled, mask) - mean) >= observedDistance - 1e-9)
                ++atLeastAsExtreme;
        }
        result.pValue = static_cast<double>(atLeastAsExtreme) / static_cast<double>(splits);
        return result;
    }
    // Large samples: ranks with ties averaged, the normal approximation with the tie-corrected variance.
    std::vector<std::size_t> order(pooled.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return pooled[x] < pooled[y]; });
    std::vector<double> rank(pooled.size());
    double tieTerm = 0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && pooled[order[j + 1]] == pooled[order[i]])
            ++j;
        const double average = (static_cast<double>(i + j) / 2.0) + 1.0;
        for (std::size_t k = i; k <= j; ++k)
            rank[order[k]] = average;
        const double t = static_cast<double>(j - i + 1);
        tieTerm += t * t * t - t;
        i = j + 1;
    }
    double rankSum = 0;
    for (std::size_t i = 0; i < n; ++i)
        rankSum += rank[i];
    const double dn = static_cast<double>(n), dm = static_cast<double>(m), total = dn + dm;
    result.u = rankSum - dn * (dn + 1) / 2.0;
    result.exact = false;
    const double variance = dn * dm / 12.0 * ((total + 1) - tieTerm / (total * (total - 1)));
    if (variance <= 0)
        return result;
    const double distance = std::max(0.0, std::abs(result.u - dn * dm / 2.0) - 0.5);
    result.pValue = std::min(1.0, normalTwoSided(distance / std::sqrt(variance)));
    return result;
}

double smallestPossiblePValue(std::size_t n, std::size_t m) {
    if (n == 0 || m == 0)
        return 1;
    return std::min(1.0, 2.0 / binomial(n + m, n));
}

int repetitionsNeededFor(double alpha) {
    for (std::size_t k = 1; k < 50; ++k)
        if (smallestPossiblePValue(k, k) < alpha)
            return static_cast<int>(k);
    return 50;
}

} // namespace loadscope
