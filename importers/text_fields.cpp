#include "text_fields.h"

#include <charconv>
#include <cmath>
#include <ctime>

namespace loadscope::importers {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

int splitFields(std::string_view line, char separator, std::string_view* fields, int max) {
    int count = 0;
    std::size_t start = 0;
    for (;;) {
        const auto end = line.find(separator, start);
        const auto field = line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (count < max)
            fields[count] = field;
        ++count;
        if (end == std::string_view::npos)
            return count;
        start = end + 1;
    }
}

std::optional<int> CsvSplitter::split(std::string_view line, std::string_view* fields, int max) {
    used_ = 0;
    int count = 0;
    std::size_t i = 0;
    for (;;) {
        std::string_view field;
        if (i < line.size() && line[i] == '"') {
            std::string& out = unquoted_[used_ < 8 ? used_ : 7];
            out.clear();
            ++i;
            for (;;) {
                if (i >= line.size())
                    return std::nullopt;
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        out += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                out += line[i++];
            }
            if (used_ < 8)
                ++used_;
            field = out;
            if (i < line.size() && line[i] != ',')
                return std::nullopt;
        } else {
            const auto end = line.find(',', i);
            field = line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
            i = end == std::string_view::npos ? line.size() : end;
        }
        if (count < max)
            fields[count] = field;
        ++count;
        if (i >= line.size())
            return count;
        ++i;                    // the comma
        if (i == line.size()) { // a trailing empty field
            if (count < max)
                fields[count] = {};
            return count + 1;
        }
    }
}

std::optional<std::int64_t> parseInt(std::string_view text) {
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

std::optional<double> parseDouble(std::string_view text) {
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<std::int64_t> parseSecondsToMicros(std::string_view text) {
    const auto dot = text.find('.');
    const auto whole = parseInt(text.substr(0, dot));
    if (!whole || *whole < 0 || *whole > 100'000'000'000)
        return std::nullopt;
    std::int64_t micros = *whole * 1'000'000;
    if (dot != std::string_view::npos) {
        const auto fraction = text.substr(dot + 1);
        if (fraction.empty() || fraction.size() > 9)
            return std::nullopt;
        std::int64_t scale = 100'000;
        for (char c : fraction) {
            if (c < '0' || c > '9')
                return std::nullopt;
            micros += (c - '0') * scale;
            scale /= 10;
        }
    }
    return micros;
}

namespace {
bool digits(std::string_view text, std::size_t at, std::size_t n, int& out) {
    if (at + n > text.size())
        return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}
} // namespace

std::optional<std::int64_t> parseRfc3339Micros(std::string_view text) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(text, 0, 4, year) || text.size() < 19 || text[4] != '-' || !digits(text, 5, 2, month) ||
        text[7] != '-' || !digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != ' ') ||
        !digits(text, 11, 2, hour) || text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
        !digits(text, 17, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    std::size_t i = 19;
    std::int64_t micros = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        std::int64_t scale = 100'000;
        const std::size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            micros += (text[i] - '0') * scale;
            scale /= 10;
            ++i;
        }
        if (i == start)
            return std::nullopt;
    }
    std::int64_t offsetSeconds = 0;
    if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
        ++i;
    } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
        int oh = 0, om = 0;
        const bool colon = i + 3 < text.size() && text[i + 3] == ':';
        if (!digits(text, i + 1, 2, oh) || !digits(text, i + (colon ? 4 : 3), 2, om))
            return std::nullopt;
        offsetSeconds = (oh * 3600 + om * 60) * (text[i] == '-' ? -1 : 1);
        i += colon ? 6 : 5;
    } else {
        return std::nullopt;
    }
    if (i != text.size())
        return std::nullopt;
    const std::int64_t seconds =
        daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    return seconds * 1'000'000 + micros;
}

std::string excerpt(std::string_view text) {
    if (text.size() > 40)
        return "'" + std::string(text.substr(0, 37)) + "...'";
    return "'" + std::string(text) + "'";
}

} // namespace loadscope::importers
