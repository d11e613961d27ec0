#pragma once
// Small text helpers shared by every layer above db/ (numbers and lists as people read them).

#include <string>
#include <string_view>
#include <vector>

namespace loadscope {

// Splits on `separator`, trims spaces, drops empty items.
std::vector<std::string> splitList(std::string_view text, char separator);
std::string joinList(const std::vector<std::string>& items, std::string_view separator);
std::string_view trim(std::string_view text);
// A rate or latency without trailing zeros: 1500 -> "1500", 2.5 -> "2.5".
std::string formatNumber(double value, int maxDecimals = 3);

} // namespace loadscope
