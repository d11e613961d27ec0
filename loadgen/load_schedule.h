#pragma once
// LoadSchedule: the request rate over time for the whole generator, as phases in the grammar yandex-tank users know:
//   line(from_rps, to_rps, duration)          a linear ramp
//   const(rps, duration)                      a constant rate
//   step(from_rps, to_rps, increment, duration)  constant levels from..to, each held for `duration`
// e.g. "line(100,3000,60s) const(3000,30s) step(500,3000,500,10s)". Durations: 500ms, 20s, 2m, 1m30s.
//
// Internally every phase becomes linear segments; the schedule knows N(t), the expected number of requests due by
// time t, and its inverse. Request i (counting from 0) is due when N(t) = i: evenly spaced at a constant rate
// (t0 + i / rate), and a Poisson process when the positions are spaced by exponential gaps instead (see
// ArrivalSequence).

#include "duration_text.h"

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope::loadgen {

// A malformed --schedule: the message names the bad part, and what() shows the text with a caret under it.
class ScheduleError : public std::runtime_error {
public:
    ScheduleError(std::string_view scheduleText, std::size_t position, std::size_t length, const std::string& message);
    const std::string& message() const { return message_; } // one line, without the caret picture
    std::size_t position() const { return position_; }      // 0-based offset into the schedule text
    std::size_t length() const { return length_; }

private:
    std::string message_;
    std::size_t position_;
    std::size_t length_;
};

// One linear piece of the rate: startRps at its beginning, endRps at its end (equal for a constant rate).
struct RateSegment {
    double startRps = 0;
    double endRps = 0;
    Nanos duration{0};
};

class LoadSchedule {
public:
    static constexpr double kMaxRps = 10'000'000;

    LoadSchedule() = default;
    // const(rps, duration). Throws std::invalid_argument for a negative rate or a non-positive duration.
    static LoadSchedule constant(double rps, Nanos duration);
    // Parses the phase grammar above. Throws ScheduleError pointing at the bad part.
    static LoadSchedule parse(std::string_view text);

    // The same schedule after a warm-up phase of `warmup` at the first rate (nothing added for a zero warm-up).
    LoadSchedule withWarmup(Nanos warmup) const;

    const std::vector<RateSegment>& segments() const { return segments_; }
    Nanos totalDuration() const { return totalDuration_; }
    double initialRps() const { return segments_.empty() ? 0.0 : segments_.front().startRps; }
    bool isConstant() const; // one rate throughout
    // The rate at `t` (0 outside the schedule).
    double rateAt(Nanos t) const;
    // N(t): how many requests are due in [0, t), as a real number; N(totalDuration()) for t beyond the end.
    double expectedCount(Nanos t) const;
    double totalExpectedCount() const { return countBefore_.empty() ? 0.0 : countBefore_.back(); }
    // The inverse of expectedCount(): when the request at position `count` is due; nullopt when `count` is at or past
    // the end of the schedule. `segmentHint` (start at 0) makes increasing counts O(1) each.
    std::optional<Nanos> timeOfCount(double count, std::size_t& segmentHint) const;

    // Canonical text of the schedule as given ("const(2000,3s)", "line(100,3000,1m) const(3000,30s)").
    const std::string& description() const { return description_; }

private:
    void append(const RateSegment& segment);

    std::vector<RateSegment> segments_;
    std::vector<Nanos> startOf_;      // segment k starts at startOf_[k]
    std::vector<double> countBefore_; // N at the start of segment k; one more entry: N at the end
    Nanos totalDuration_{0};
    std::string description_;
};

} // namespace loadscope::loadgen
