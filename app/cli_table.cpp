#include "cli_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace loadscope::cli {

namespace {
// Display width of UTF-8 text (each code point one column; enough for our symbols).
std::size_t displayWidth(const std::string& text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}
} // namespace

void TextTable::addColumn(std::string title, Align align) {
    columns_.push_back({std::move(title), align});
}

void TextTable::addRow(std::vector<std::string> cells) {
    cells.resize(columns_.size());
    rows_.push_back(std::move(cells));
}

void TextTable::print(std::ostream& out, const std::string& indent) const {
    std::vector<std::size_t> widths(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        widths[c] = displayWidth(columns_[c].title);
        for (const auto& row : rows_)
            widths[c] = std::max(widths[c], displayWidth(row[c]));
    }
    auto printRow = [&](const std::vector<std::string>& cells) {
        std::string line = indent;
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            const auto pad = std::string(widths[c] - displayWidth(cells[c]), ' ');
            const bool last = c + 1 == columns_.size();
            if (columns_[c].align == Align::Right)
                line += pad + cells[c];
            else
                line += cells[c] + (last ? "" : pad);
            if (!last)
                line += "  ";
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out << line << '\n';
    };
    std::vector<std::string> titles;
    for (const auto& c : columns_)
        titles.push_back(c.title);
    printRow(titles);
    for (const auto& row : rows_)
        printRow(row);
}

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string formatMs(double ms) {
    if (ms >= 100)
        return fixed(ms, 0);
    if (ms >= 10)
        return fixed(ms, 1);
    if (ms >= 1)
        return fixed(ms, 2);
    return fixed(ms, 3);
}

std::string formatRps(double rps) {
    return rps >= 100 ? fixed(rps, 0) : fixed(rps, 1);
}

std::string formatBytes(long long bytes) {
    const double b = static_cast<double>(bytes);
    if (b >= 1024.0 * 1024 * 1024)
        return fixed(b / (1024.0 * 1024 * 1024), 1) + " GiB";
    if (b >= 1024.0 * 1024)
        return fixed(b / (1024.0 * 1024), 1) + " MiB";
    if (b >= 1024)
        return fixed(b / 1024, 0) + " KiB";
    return std::to_string(bytes) + " B";
}

std::string localTime(long long epochMs) {
    if (epochMs <= 0)
        return "-";
    const std::time_t t = static_cast<std::time_t>(epochMs / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M", &tm);
    return buffer;
}

} // namespace loadscope::cli
