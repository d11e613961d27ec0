#include "connection_sizing.h"

#include "plan_text.h"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>

namespace loadscope {

namespace {
// stdin/stdout/stderr, the event loop, timers, the body file: the generator's own descriptors.
constexpr long long kReservedDescriptors = 64;
} // namespace

ConnectionSizing sizeConnections(double rateRps, double idealLatencyMs, std::optional<int> requested,
                                 long long openFileLimit) {
    ConnectionSizing sizing;
    const long long usable = std::max<long long>(1, openFileLimit - kReservedDescriptors);
    if (requested) {
        sizing.wanted = *requested;
        sizing.note = "fixed by the plan";
    } else {
        const double byLatency = std::ceil(rateRps * idealLatencyMs / 1000.0 * kConnectionHeadroomFactor);
        sizing.wanted = static_cast<int>(std::clamp(byLatency, double(kMinimumAutoConnections), 1e9));
        sizing.note = formatNumber(rateRps, 1) + " rps x " + formatNumber(idealLatencyMs, 1) + " ms ideal x " +
                      std::to_string(kConnectionHeadroomFactor) + ", at least " +
                      std::to_string(kMinimumAutoConnections);
    }
    sizing.connections = static_cast<int>(std::min<long long>(sizing.wanted, usable));
    if (sizing.connections < sizing.wanted) {
        sizing.cappedByFileLimit = true;
        sizing.note += "; capped at " + std::to_string(sizing.connections) + " by the open-file limit (" +
                       std::to_string(openFileLimit) + ": raise it with ulimit -Hn)";
    }
    return sizing;
}

long long openFileHardLimit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    return limit.rlim_max == RLIM_INFINITY ? (1LL << 20) : static_cast<long long>(limit.rlim_max);
}

long long raiseOpenFileLimit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? (1 << 20) : limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    return static_cast<long long>(limit.rlim_cur);
}

} // namespace loadscope
