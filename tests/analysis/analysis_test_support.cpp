#include "analysis_test_support.h"

#include <cmath>
#include <random>

namespace loadscope::test {

namespace {
Step stepFrom(const std::string& target, double rate, int repetition, const LatencyHistogram& h,
              std::int64_t failures) {
    Step s;
    s.targetName = target;
    s.requestedRps = rate;
    s.repetition = repetition;
    s.status = StepStatus::Ok;
    s.latencyHistogram = h;
    s.serviceTimeHistogram = h;
    s.latency = summarize(h);
    s.serviceTime = s.latency;
    s.due = h.count() + failures;
    s.ok = h.count();
    s.durationS = 1;
    s.achievedRps = static_cast<double>(h.count());
    return s;
}
} // namespace

Step measuredStep(const std::string& target, double rate, int repetition, double loMs, double hiMs, std::int64_t n,
                  std::int64_t failures) {
    LatencyHistogram h;
    for (std::int64_t i = 0; i < n; ++i)
        h.record(static_cast<std::int64_t>((loMs + (hiMs - loMs) * static_cast<double>(i) / (n - 1)) * 1000));
    return stepFrom(target, rate, repetition, h, failures);
}

Step lognormalStep(const std::string& target, double rate, int repetition, double medianMs, double sigma,
                   std::uint64_t seed, std::int64_t n) {
    std::mt19937_64 random(seed);
    std::normal_distribution<double> normal(0.0, sigma);
    LatencyHistogram h;
    for (std::int64_t i = 0; i < n; ++i)
        h.record(static_cast<std::int64_t>(medianMs * std::exp(normal(random)) * 1000));
    return stepFrom(target, rate, repetition, h, 0);
}

} // namespace loadscope::test
