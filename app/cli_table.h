#pragma once
// A plain-text table for the terminal: columns sized to their widest cell, numbers right-aligned.

#include <ostream>
#include <string>
#include <vector>

namespace loadscope::cli {

class TextTable {
public:
    enum class Align { Left, Right };
    void addColumn(std::string title, Align align = Align::Right);
    void addRow(std::vector<std::string> cells); // missing cells print empty
    bool empty() const { return rows_.empty(); }
    void print(std::ostream& out, const std::string& indent = "") const;

private:
    struct Column {
        std::string title;
        Align align;
    };
    std::vector<Column> columns_;
    std::vector<std::vector<std::string>> rows_;
};

// Number formatting shared by the tables: "51.2", "1 500", "12.3 %", "-".
std::string fixed(double value, int decimals);
std::string formatMs(double ms); // 3 significant digits: 0.412, 51.2, 1230
std::string formatRps(double rps);
std::string formatBytes(long long bytes);
// Local time "2024-05-01 14:03" from milliseconds since the epoch.
std::string localTime(long long epochMs);

} // namespace loadscope::cli
