#include "arrival_sequence.h"

namespace loadscope::loadgen {

std::string_view toString(ArrivalMode mode) {
    return mode == ArrivalMode::Poisson ? "poisson" : "uniform";
}

ArrivalSequence::ArrivalSequence(const LoadSchedule& schedule, ArrivalMode mode, int workerIndex, int workerCount,
                                 std::uint64_t seed)
    : schedule_(&schedule)
    , mode_(mode)
    , stride_(static_cast<double>(workerCount))
    , position_(static_cast<double>(workerIndex))
    , random_(seed + static_cast<std::uint64_t>(workerIndex) * 0x9E3779B97F4A7C15ull)
    , gap_(1.0 / static_cast<double>(workerCount)) {
    if (mode_ == ArrivalMode::Poisson)
        position_ = gap_(random_);
    next_ = schedule_->timeOfCount(position_, segmentHint_);
}

void ArrivalSequence::advance() {
    position_ += mode_ == ArrivalMode::Poisson ? gap_(random_) : stride_;
    next_ = schedule_->timeOfCount(position_, segmentHint_);
}

} // namespace loadscope::loadgen
