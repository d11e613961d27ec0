#include "duration_text.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace loadscope {
namespace {

constexpr std::int64_t kUs = 1'000, kMs = 1'000'000, kS = 1'000'000'000, kMin = 60 * kS, kHour = 60 * kMin;
constexpr std::int64_t kMaxNanos = 365 * 24 * kHour; // a year: longer is a typo

bool isSpace(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

void skipSpaces(std::string_view text, std::size_t& pos) {
    while (pos < text.size() && isSpace(text[pos]))
        ++pos;
}

// A decimal number as typed ("20", "1.5", ".5"): its whole part and the digits after the point, so that a value in
// nanoseconds can be computed exactly (a double loses nanoseconds beyond about three months).
struct DecimalText {
    std::string_view whole;
    std::string_view fraction;
};

// Reads an unsigned decimal number at `pos`; advances `pos`. No exponent: "1e3s" is a typo.
std::optional<DecimalText> readNumber(std::string_view text, std::size_t& pos) {
    const auto readDigits = [&] {
        const std::size_t start = pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
            ++pos;
        return text.substr(start, pos - start);
    };
    DecimalText number{readDigits(), {}};
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        number.fraction = readDigits();
    }
    if (number.whole.empty() && number.fraction.empty())
        return std::nullopt;
    return number;
}

// A unit as (10^decimals ns) x factor: "m" is 10^9 ns x 60, "ms" is 10^6 ns x 1.
struct UnitScale {
    int decimals;
    std::int64_t factor;
};

std::optional<UnitScale> unitScale(std::string_view unit) {
    if (unit == "us")
        return UnitScale{3, 1};
    if (unit == "ms")
        return UnitScale{6, 1};
    if (unit == "s")
        return UnitScale{9, 1};
    if (unit == "m" || unit == "min")
        return UnitScale{9, 60};
    if (unit == "h")
        return UnitScale{9, 3600};
    return std::nullopt;
}

// number x unit in nanoseconds, rounded to the nearest nanosecond; nullopt beyond kMaxNanos.
std::optional<std::int64_t> toNanos(const DecimalText& number, UnitScale unit) {
    std::int64_t whole = 0;
    if (!number.whole.empty()) {
        const auto* end = number.whole.data() + number.whole.size();
        const auto [ptr, ec] = std::from_chars(number.whole.data(), end, whole);
        if (ec != std::errc() || ptr != end || whole > kMaxNanos / (kS * unit.factor))
            return std::nullopt;
    }
    std::int64_t unitNanos = unit.factor;
    for (int i = 0; i < unit.decimals; ++i)
        unitNanos *= 10;
    // The fraction's first `decimals` digits are whole nanoseconds of a 10^decimals unit; the next digit rounds.
    std::int64_t fraction = 0;
    for (int i = 0; i < unit.decimals; ++i)
        fraction = fraction * 10 + (i < static_cast<int>(number.fraction.size()) ? number.fraction[i] - '0' : 0);
    if (static_cast<int>(number.fraction.size()) > unit.decimals && number.fraction[unit.decimals] >= '5')
        ++fraction;
    return whole * unitNanos + fraction * unit.factor;
}

DurationReading problem(DurationProblem kind, std::string unit = {}) {
    return {std::nullopt, kind, std::move(unit)};
}

// "1.25" for 1 and 250000000/1e9: an integer part and up to `digits` decimals, trailing zeros dropped (exact).
std::string decimal(std::int64_t whole, std::int64_t fraction, int digits) {
    std::string out = std::to_string(whole);
    if (fraction == 0)
        return out;
    std::string decimals = std::to_string(fraction);
    decimals.insert(0, static_cast<std::size_t>(digits) - decimals.size(), '0');
    while (!decimals.empty() && decimals.back() == '0')
        decimals.pop_back();
    return out + "." + decimals;
}

} // namespace

DurationReading readDuration(std::string_view text) {
    std::size_t pos = 0;
    skipSpaces(text, pos);
    if (pos < text.size() && text[pos] == '-')
        return problem(DurationProblem::Negative);
    std::int64_t total = 0;
    int parts = 0;
    while (true) {
        skipSpaces(text, pos);
        if (pos == text.size())
            break;
        const auto number = readNumber(text, pos);
        if (!number)
            return problem(DurationProblem::Malformed);
        skipSpaces(text, pos);
        const std::size_t unitStart = pos;
        while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos])))
            ++pos;
        const std::string_view unit = text.substr(unitStart, pos - unitStart);
        // A bare number is seconds, but only on its own: "1m30" is more likely a typo than 1m30s.
        if (unit.empty() && (parts > 0 || pos != text.size()))
            return problem(DurationProblem::Malformed);
        const auto scale = unit.empty() ? unitScale("s") : unitScale(unit);
        if (!scale)
            return problem(DurationProblem::UnknownUnit, std::string(unit));
        const auto nanos = toNanos(*number, *scale);
        if (!nanos || *nanos > kMaxNanos - total)
            return problem(DurationProblem::TooLong);
        total += *nanos;
        ++parts;
    }
    if (parts == 0)
        return problem(DurationProblem::Malformed);
    return {Nanos(total), DurationProblem::None, {}};
}

std::optional<Nanos> parseDuration(std::string_view text) {
    return readDuration(text).value;
}

std::string formatDuration(Nanos duration) {
    const std::int64_t ns = duration.count();
    if (ns < 0)
        return "-" + formatDuration(-duration);
    if (ns == 0)
        return "0s";
    if (ns < kS) {
        if (ns % kMs == 0 || ns >= kMs)
            return decimal(ns / kMs, ns % kMs, 6) + "ms";
        return decimal(ns / kUs, ns % kUs, 3) + "us";
    }
    std::string out;
    if (ns >= kHour)
        out += std::to_string(ns / kHour) + "h";
    if (ns % kHour >= kMin)
        out += std::to_string(ns % kHour / kMin) + "m";
    const std::int64_t rest = ns % kMin;
    if (rest != 0)
        out += decimal(rest / kS, rest % kS, 9) + "s";
    return out;
}

Nanos fromSeconds(double seconds) {
    return Nanos(static_cast<std::int64_t>(std::llround(seconds * 1e9)));
}

} // namespace loadscope
