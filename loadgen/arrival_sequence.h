#pragma once
// ArrivalSequence: the due times of one worker's requests, taken from the generator's single global schedule.
// Positions along the schedule's cumulative count N(t) are 0, 1, 2, ... (uniform: request i is due when N(t) = i)
// or a running sum of exponential gaps of mean 1 (poisson: independent clients; with the schedule's time-varying
// rate this is an exact inhomogeneous Poisson process). With W workers, worker k takes every W-th position starting
// at k (uniform) or a Poisson process of 1/W the rate (the sum of W independent ones is the full process), so the
// generator as a whole keeps one schedule, never one per connection or per thread.

#include "load_schedule.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace loadscope::loadgen {

enum class ArrivalMode { Uniform, Poisson };
std::string_view toString(ArrivalMode mode);

class ArrivalSequence {
public:
    ArrivalSequence(const LoadSchedule& schedule, ArrivalMode mode, int workerIndex, int workerCount,
                    std::uint64_t seed);

    // The offset from the schedule's start at which the next request is due; nullopt once the schedule is over.
    std::optional<Nanos> peek() const { return next_; }
    void advance();

private:
    const LoadSchedule* schedule_;
    ArrivalMode mode_;
    double stride_;
    double position_;
    std::size_t segmentHint_ = 0;
    std::mt19937_64 random_;
    std::exponential_distribution<double> gap_;
    std::optional<Nanos> next_;
};

} // namespace loadscope::loadgen
