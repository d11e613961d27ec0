#include "request_accumulator.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace loadscope::importers {

namespace {
std::int64_t floorSecond(std::int64_t us) {
    return us >= 0 ? us / 1'000'000 : -((-us + 999'999) / 1'000'000);
}
double ms(std::int64_t us) {
    return static_cast<double>(us) / 1000.0;
}
} // namespace

RequestAccumulator::RequestAccumulator() = default;

RequestAccumulator::OpenSecond& RequestAccumulator::slotFor(std::int64_t second) {
    if (last_ && last_->second == second)
        return *last_;
    OpenSecond* free = nullptr;
    OpenSecond* oldest = nullptr;
    for (auto& slot : open_) {
        if (slot.second == second)
            return *(last_ = &slot);
        if (slot.second < 0)
            free = &slot;
        else if (!oldest || slot.second < oldest->second)
            oldest = &slot;
    }
    if (!free) {
        if (second < oldest->second) { // a late record: the caller adds it to the closed point
            last_ = nullptr;
            return *oldest;
        }
        close(*oldest);
        free = oldest;
    }
    free->second = second;
    free->point = TimelinePoint{};
    free->histogram.reset();
    return *(last_ = free);
}

void RequestAccumulator::close(OpenSecond& slot) {
    slot.point.p50Ms = ms(slot.histogram.valueAtPercentile(50));
    slot.point.p99Ms = ms(slot.histogram.valueAtPercentile(99));
    auto& point = closed_[slot.second];
    point.sent += slot.point.sent;
    point.completed += slot.point.completed;
    point.errors += slot.point.errors;
    if (point.p50Ms == 0 && point.p99Ms == 0) {
        point.p50Ms = slot.point.p50Ms;
        point.p99Ms = slot.point.p99Ms;
    }
    slot.second = -1;
    if (last_ == &slot)
        last_ = nullptr;
}

void RequestAccumulator::add(std::int64_t startUs, std::int64_t latencyUs, RequestOutcome outcome, int status) {
    latencyUs = std::max<std::int64_t>(latencyUs, 0);
    if (requests_ == 0) {
        firstStartUs_ = lastStartUs_ = startUs;
        lastEndUs_ = startUs + latencyUs;
    } else {
        firstStartUs_ = std::min(firstStartUs_, startUs);
        lastStartUs_ = std::max(lastStartUs_, startUs);
        lastEndUs_ = std::max(lastEndUs_, startUs + latencyUs);
    }
    ++requests_;
    const bool response = outcome == RequestOutcome::Response;
    bool error = !response;
    if (response) {
        ++responses_;
        histogram_.record(latencyUs);
        if (status >= 400) {
            ++errors_.status[status];
            error = true;
        } else {
            ++ok_;
        }
    } else if (outcome == RequestOutcome::ConnectError) {
        ++errors_.connect;
    } else if (outcome == RequestOutcome::Timeout) {
        ++errors_.timeout;
    } else {
        ++errors_.read;
    }

    const std::int64_t second = floorSecond(startUs);
    OpenSecond& slot = slotFor(second);
    TimelinePoint* point = &slot.point;
    if (slot.second != second) // late: beyond the open seconds, only counted
        point = &closed_[second];
    else if (response)
        slot.histogram.record(latencyUs);
    ++point->sent;
    point->completed += response ? 1 : 0;
    point->errors += error ? 1 : 0;
}

Step RequestAccumulator::finish(std::optional<double>& measuredRps) {
    for (auto& slot : open_)
        if (slot.second >= 0)
            close(slot);
    Step step;
    step.status = StepStatus::Ok;
    step.startedMs = firstStartUs_ / 1000;
    step.finishedMs = lastEndUs_ / 1000;
    const double spanS = static_cast<double>(lastStartUs_ - firstStartUs_) / 1e6;
    const double activeS = static_cast<double>(lastEndUs_ - firstStartUs_) / 1e6;
    step.durationS = activeS;
    step.due = step.sent = requests_;
    step.completed = responses_;
    step.ok = ok_;
    step.errors = errors_;
    step.achievedRps = activeS > 0 ? static_cast<double>(responses_) / activeS : 0;
    measuredRps.reset();
    if (requests_ > 1 && spanS > 0)
        measuredRps = static_cast<double>(requests_ - 1) / spanS; // n starts span n-1 intervals
    step.latency = summarize(histogram_);
    step.serviceTime = step.latency;
    step.latencyHistogram = histogram_;
    step.serviceTimeHistogram = histogram_;
    const std::int64_t firstSecond = floorSecond(firstStartUs_);
    for (const auto& [second, point] : closed_) {
        TimelinePoint p = point;
        p.second = static_cast<int>(second - firstSecond);
        step.timeline.push_back(p);
    }
    return step;
}

} // namespace loadscope::importers
