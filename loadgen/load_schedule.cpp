#include "load_schedule.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace loadscope::loadgen {
namespace {

std::string formatRate(double rps) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.10g", rps);
    return buffer;
}

std::string caretPicture(std::string_view text, std::size_t position, std::size_t length) {
    std::string picture = "  ";
    picture.append(text);
    picture += "\n  ";
    picture.append(std::min(position, text.size()), ' ');
    picture.append(std::max<std::size_t>(length, 1), '^');
    return picture;
}

bool isSpace(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// One argument of a phase, with where it stands in the text (for error messages).
struct Argument {
    std::string_view text;
    std::size_t position;
};

struct PhaseSyntax {
    std::string_view name;
    int argumentCount;
    const char* signature;
};
constexpr PhaseSyntax kPhases[] = {
    {"line", 3, "line(from_rps, to_rps, duration)"},
    {"const", 2, "const(rps, duration)"},
    {"step", 4, "step(from_rps, to_rps, increment, duration)"},
};

class ScheduleParser {
public:
    explicit ScheduleParser(std::string_view text)
        : text_(text) {}

    void parse(std::vector<RateSegment>& segments, std::string& description) {
        std::size_t pos = 0;
        skipSeparators(pos);
        if (pos == text_.size())
            fail(0, text_.size(), "the schedule is empty (expected phases like const(1000,30s) or line(100,3000,1m))");
        while (pos < text_.size()) {
            parsePhase(pos, segments, description);
            skipSeparators(pos);
        }
    }

private:
    [[noreturn]] void fail(std::size_t position, std::size_t length, const std::string& message) const {
        throw ScheduleError(text_, position, length, message);
    }

    void skipSeparators(std::size_t& pos) const {
        while (pos < text_.size() && (isSpace(text_[pos]) || text_[pos] == ';'))
            ++pos;
    }

    void parsePhase(std::size_t& pos, std::vector<RateSegment>& segments, std::string& description) {
        const std::size_t nameStart = pos;
        while (pos < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos])))
            ++pos;
        const std::string_view name = text_.substr(nameStart, pos - nameStart);
        const PhaseSyntax* syntax = nullptr;
        for (const auto& candidate : kPhases) {
            if (candidate.name == name)
                syntax = &candidate;
        }
        if (!syntax) {
            std::size_t end = nameStart;
            while (end < text_.size() && !isSpace(text_[end]) && text_[end] != '(')
                ++end;
            fail(nameStart, end - nameStart,
                 "unknown phase \"" + std::string(text_.substr(nameStart, end - nameStart)) +
                     "\" (expected line(...), const(...) or step(...))");
        }
        while (pos < text_.size() && isSpace(text_[pos]))
            ++pos;
        if (pos >= text_.size() || text_[pos] != '(')
            fail(pos, 1, std::string("expected '(' after \"") + std::string(name) + "\": " + syntax->signature);
        const std::size_t open = pos++;
        const std::size_t close = text_.find(')', pos);
        if (close == std::string_view::npos)
            fail(open, text_.size() - open, std::string("missing ')' for ") + syntax->signature);
        std::vector<Argument> arguments;
        std::size_t argStart = pos;
        for (std::size_t i = pos; i <= close; ++i) {
            if (i == close || text_[i] == ',') {
                std::size_t a = argStart, b = i;
                while (a < b && isSpace(text_[a]))
                    ++a;
                while (b > a && isSpace(text_[b - 1]))
                    --b;
                arguments.push_back({text_.substr(a, b - a), a});
                argStart = i + 1;
            }
        }
        if (static_cast<int>(arguments.size()) != syntax->argumentCount) {
            fail(nameStart, close + 1 - nameStart,
                 std::string(name) + " takes " + std::to_string(syntax->argumentCount) + " arguments, " +
                     syntax->signature + ", but got " + std::to_string(arguments.size()));
        }
        for (const auto& argument : arguments) {
            if (argument.text.empty())
                fail(argument.position, 1, std::string("empty argument in ") + syntax->signature);
        }
        const Nanos duration = parsePhaseDuration(arguments.back());
        const std::size_t phaseLength = close + 1 - nameStart;
        if (name == "const") {
            const double rps = parseRate(arguments[0]);
            segments.push_back({rps, rps, duration});
        } else if (name == "line") {
            segments.push_back({parseRate(arguments[0]), parseRate(arguments[1]), duration});
        } else {
            const double from = parseRate(arguments[0]);
            const double to = parseRate(arguments[1]);
            const double increment = parseRate(arguments[2]);
            if (!(increment > 0))
                fail(arguments[2].position, arguments[2].text.size(), "the increment of step(...) must be above 0");
            const double levels = std::floor(std::abs(to - from) / increment + 1e-9) + 1;
            if (levels > 10'000)
                fail(nameStart, phaseLength, "step(...) would make more than 10000 levels; use a larger increment");
            const double direction = to >= from ? 1.0 : -1.0;
            double last = from;
            for (int k = 0; k < static_cast<int>(levels); ++k) {
                last = from + direction * increment * k;
                segments.push_back({last, last, duration});
            }
            // The named end rate is always reached, even when the increment does not divide the range.
            if (std::abs(last - to) > 1e-9)
                segments.push_back({to, to, duration});
        }
        if (!description.empty())
            description += ' ';
        description += std::string(name) + "(";
        for (std::size_t i = 0; i + 1 < arguments.size(); ++i)
            description += formatRate(parseRate(arguments[i])) + ",";
        description += formatDuration(duration) + ")";
        pos = close + 1;
    }

    double parseRate(const Argument& argument) const {
        double value = 0;
        const char* begin = argument.text.data();
        const char* end = begin + argument.text.size();
        const auto [stop, ec] = std::from_chars(begin, end, value);
        if (ec != std::errc() || stop != end || !std::isfinite(value))
            fail(argument.position, argument.text.size(),
                 "bad rate \"" + std::string(argument.text) + "\" (expected requests per second, e.g. 1500)");
        if (value < 0 || value > LoadSchedule::kMaxRps)
            fail(argument.position, argument.text.size(),
                 "rate " + std::string(argument.text) +
                     " is out of range (expected 0 to 10000000 requests per second)");
        return value;
    }

    Nanos parsePhaseDuration(const Argument& argument) const {
        const auto duration = parseDuration(argument.text);
        if (!duration)
            fail(argument.position, argument.text.size(),
                 "bad duration \"" + std::string(argument.text) + "\" (expected " + std::string(kDurationHint) + ")");
        if (duration->count() <= 0)
            fail(argument.position, argument.text.size(), "a phase must last longer than 0");
        return *duration;
    }

    std::string_view text_;
};

} // namespace

ScheduleError::ScheduleError(std::string_view scheduleText, std::size_t position, std::size_t length,
                             const std::string& message)
    : std::runtime_error(message + "\n" + caretPicture(scheduleText, position, length))
    , message_(message)
    , position_(position)
    , length_(length) {}

LoadSchedule LoadSchedule::constant(double rps, Nanos duration) {
    if (!(rps >= 0) || rps > kMaxRps)
        throw std::invalid_argument("rate must be between 0 and 10000000 requests per second");
    if (duration.count() <= 0)
        throw std::invalid_argument("duration must be longer than 0");
    LoadSchedule schedule;
    schedule.append({rps, rps, duration});
    schedule.description_ = "const(" + formatRate(rps) + "," + formatDuration(duration) + ")";
    return schedule;
}

LoadSchedule LoadSchedule::parse(std::string_view text) {
    std::vector<RateSegment> segments;
    LoadSchedule schedule;
    ScheduleParser(text).parse(segments, schedule.description_);
    for (const auto& segment : segments)
        schedule.append(segment);
    return schedule;
}

LoadSchedule LoadSchedule::withWarmup(Nanos warmup) const {
    if (warmup.count() <= 0)
        return *this;
    LoadSchedule result;
    result.append({initialRps(), initialRps(), warmup});
    for (const auto& segment : segments_)
        result.append(segment);
    result.description_ = description_;
    return result;
}

void LoadSchedule::append(const RateSegment& segment) {
    if (countBefore_.empty())
        countBefore_.push_back(0.0);
    const double seconds = toSeconds(segment.duration);
    segments_.push_back(segment);
    startOf_.push_back(totalDuration_);
    totalDuration_ += segment.duration;
    countBefore_.push_back(countBefore_.back() + (segment.startRps + segment.endRps) / 2 * seconds);
}

bool LoadSchedule::isConstant() const {
    return std::all_of(segments_.begin(), segments_.end(), [&](const RateSegment& s) {
        return s.startRps == segments_.front().startRps && s.endRps == segments_.front().startRps;
    });
}

double LoadSchedule::rateAt(Nanos t) const {
    for (std::size_t k = 0; k < segments_.size(); ++k) {
        if (t >= startOf_[k] && t < startOf_[k] + segments_[k].duration) {
            const double f = toSeconds(t - startOf_[k]) / toSeconds(segments_[k].duration);
            return segments_[k].startRps + (segments_[k].endRps - segments_[k].startRps) * f;
        }
    }
    return 0.0;
}

double LoadSchedule::expectedCount(Nanos t) const {
    if (segments_.empty() || t.count() <= 0)
        return 0.0;
    for (std::size_t k = 0; k < segments_.size(); ++k) {
        const auto& s = segments_[k];
        if (t < startOf_[k] + s.duration) {
            const double x = toSeconds(t - startOf_[k]);
            const double length = toSeconds(s.duration);
            return countBefore_[k] + s.startRps * x + (s.endRps - s.startRps) * x * x / (2 * length);
        }
    }
    return countBefore_.back();
}

std::optional<Nanos> LoadSchedule::timeOfCount(double count, std::size_t& segmentHint) const {
    if (segments_.empty() || count >= countBefore_.back())
        return std::nullopt;
    std::size_t k = std::min(segmentHint, segments_.size() - 1);
    if (count < countBefore_[k])
        k = 0; // counts went backwards: search from the start
    while (k < segments_.size() && count >= countBefore_[k + 1])
        ++k; // also skips segments at rate 0, which hold no request
    if (k == segments_.size())
        return std::nullopt;
    segmentHint = k;
    const auto& s = segments_[k];
    const double c = std::max(0.0, count - countBefore_[k]);
    const double length = toSeconds(s.duration);
    // Solve start*x + (end-start)/(2*length) * x^2 = c for x in [0, length], in the form that stays accurate when
    // the ramp is flat (end == start) and when it starts at 0.
    const double a = s.startRps;
    const double k2 = (s.endRps - s.startRps) / length; // 2 * the x^2 coefficient
    double x = 0;
    if (c > 0) {
        const double root = std::sqrt(std::max(0.0, a * a + 2 * k2 * c));
        x = 2 * c / (a + root);
    }
    x = std::clamp(x, 0.0, length);
    return startOf_[k] + Nanos(static_cast<std::int64_t>(std::llround(x * 1e9)));
}

} // namespace loadscope::loadgen
