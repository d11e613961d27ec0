#pragma once
// Small, allocation-free helpers the line-based importers share: splitting a line into fields and reading numbers
// from them with std::from_chars (no locale, no exceptions: the caller turns a failure into its own message).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace loadscope::importers {

std::string_view trim(std::string_view text);
bool startsWith(std::string_view text, std::string_view prefix);

// Splits `line` at `separator` into at most `max` views; returns how many fields there are (may exceed max: the
// rest is not stored). No quoting: callers whose formats quote (CSV) use CsvSplitter.
int splitFields(std::string_view line, char separator, std::string_view* fields, int max);

// RFC 4180 fields (quoted fields may hold separators and doubled quotes; not line ends). Unquoted fields are views
// into the line; a quoted field is unescaped into storage owned by the splitter.
class CsvSplitter {
public:
    // Returns the field count (up to max are stored); nullopt for an unterminated quote.
    std::optional<int> split(std::string_view line, std::string_view* fields, int max);

private:
    std::string unquoted_[8];
    int used_ = 0;
};

std::optional<std::int64_t> parseInt(std::string_view text);
std::optional<double> parseDouble(std::string_view text);
// "1389788425.123" (seconds with a fraction) -> microseconds since the epoch, exactly.
std::optional<std::int64_t> parseSecondsToMicros(std::string_view text);
// RFC 3339 / ISO 8601 with an offset, e.g. "2024-05-01T10:00:00.123456789+02:00" or "...Z" -> Unix microseconds.
std::optional<std::int64_t> parseRfc3339Micros(std::string_view text);

// The text for a message: at most 40 characters of `text`, quoted.
std::string excerpt(std::string_view text);

} // namespace loadscope::importers
