#include "request_stats.h"

namespace loadscope::loadgen {

std::int64_t RequestCounters::statusErrors() const {
    std::int64_t total = 0;
    for (int code = 400; code < kStatusCodes; ++code)
        total += statusCounts[static_cast<std::size_t>(code)];
    return total;
}

void RequestCounters::add(const RequestCounters& other) {
    due += other.due;
    sent += other.sent;
    completed += other.completed;
    ok += other.ok;
    completedInWindow += other.completedInWindow;
    waited += other.waited;
    retried += other.retried;
    connectErrors += other.connectErrors;
    readErrors += other.readErrors;
    timeouts += other.timeouts;
    abandoned += other.abandoned;
    unsent += other.unsent;
    for (std::size_t i = 0; i < statusCounts.size(); ++i)
        statusCounts[i] += other.statusCounts[i];
}

void PartStats::merge(const PartStats& other) {
    counters.add(other.counters);
    latency.merge(other.latency);
    service.merge(other.service);
    lateness.merge(other.lateness);
}

void SecondCounts::clear() {
    sent = completed = errors = 0;
    if (!latency.empty())
        latency.reset();
}

void TimelineCollector::contribute(int second, SecondCounts& counts) {
    std::lock_guard lock(mutex_);
    if (second < 0)
        return;
    if (static_cast<std::size_t>(second) >= slots_.size()) {
        const std::size_t oldSize = slots_.size();
        slots_.resize(static_cast<std::size_t>(second) + 1);
        for (std::size_t i = oldSize; i < slots_.size(); ++i)
            slots_[i].entry.second = static_cast<int>(i);
    }
    Slot& slot = slots_[static_cast<std::size_t>(second)];
    slot.entry.sent += counts.sent;
    slot.entry.completed += counts.completed;
    slot.entry.errors += counts.errors;
    if (!counts.latency.empty()) {
        if (!slot.latency)
            slot.latency = std::make_unique<LatencyHistogram>();
        slot.latency->merge(counts.latency);
    }
    if (++slot.contributions >= contributors_)
        reduce(slot);
    counts.clear();
}

void TimelineCollector::reduce(Slot& slot) {
    if (slot.latency) {
        slot.entry.p50Ms = static_cast<double>(slot.latency->valueAtPercentile(50)) / 1000.0;
        slot.entry.p99Ms = static_cast<double>(slot.latency->valueAtPercentile(99)) / 1000.0;
        slot.latency.reset();
    }
}

std::vector<TimelineEntry> TimelineCollector::entries() {
    std::lock_guard lock(mutex_);
    std::vector<TimelineEntry> result;
    result.reserve(slots_.size());
    for (auto& slot : slots_) {
        reduce(slot);
        result.push_back(slot.entry);
    }
    return result;
}

SecondCounts& SecondTracker::at(int second, TimelineCollector& collector) {
    if (!any_) {
        // The first second this worker sees: hand in the empty ones before it.
        for (int s = 0; s < second; ++s) {
            SecondCounts empty;
            collector.contribute(s, empty);
        }
        current_ = second;
        any_ = true;
    }
    while (current_ < second) {
        collector.contribute(current_, counts_);
        ++current_;
    }
    return counts_;
}

void SecondTracker::finish(TimelineCollector& collector) {
    if (any_)
        collector.contribute(current_, counts_);
}

} // namespace loadscope::loadgen
