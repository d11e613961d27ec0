#include "duration_text.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace loadscope::loadgen {
namespace {

constexpr double kMaxSeconds = 365.0 * 24 * 3600;

// Reads an unsigned decimal number ("20", "1.5", ".5") at `pos`; advances `pos`.
std::optional<double> readNumber(std::string_view text, std::size_t& pos) {
    const std::size_t start = pos;
    bool digits = false;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        ++pos;
        digits = true;
    }
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
            ++pos;
            digits = true;
        }
    }
    if (!digits)
        return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data() + start, text.data() + pos, value);
    if (ec != std::errc() || end != text.data() + pos)
        return std::nullopt;
    return value;
}

std::optional<double> unitSeconds(std::string_view unit) {
    if (unit == "us")
        return 1e-6;
    if (unit == "ms")
        return 1e-3;
    if (unit == "s")
        return 1.0;
    if (unit == "m")
        return 60.0;
    if (unit == "h")
        return 3600.0;
    return std::nullopt;
}

} // namespace

std::optional<Nanos> parseDuration(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    if (text.empty())
        return std::nullopt;
    double seconds = 0;
    std::size_t pos = 0;
    int parts = 0;
    while (pos < text.size()) {
        const auto number = readNumber(text, pos);
        if (!number)
            return std::nullopt;
        const std::size_t unitStart = pos;
        while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos])))
            ++pos;
        const std::string_view unit = text.substr(unitStart, pos - unitStart);
        if (unit.empty()) {
            // A bare number is seconds, but only on its own: "1m30" is more likely a typo than 1m30s.
            if (parts > 0 || pos != text.size())
                return std::nullopt;
            seconds += *number;
        } else {
            const auto scale = unitSeconds(unit);
            if (!scale)
                return std::nullopt;
            seconds += *number * *scale;
        }
        ++parts;
    }
    if (!std::isfinite(seconds) || seconds > kMaxSeconds)
        return std::nullopt;
    return Nanos(static_cast<std::int64_t>(std::llround(seconds * 1e9)));
}

std::string formatDuration(Nanos duration) {
    const std::int64_t ns = duration.count();
    constexpr std::int64_t kMs = 1'000'000, kS = 1'000 * kMs, kMin = 60 * kS;
    if (ns != 0 && ns % kMin == 0)
        return std::to_string(ns / kMin) + "m";
    if (ns % kS == 0)
        return std::to_string(ns / kS) + "s";
    if (ns % kMs == 0)
        return std::to_string(ns / kMs) + "ms";
    if (ns % 1000 == 0)
        return std::to_string(ns / 1000) + "us";
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.9gs", static_cast<double>(ns) / 1e9);
    return buffer;
}

} // namespace loadscope::loadgen
