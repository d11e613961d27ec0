#pragma once
// Text made safe inside XML/HTML/SVG text and attribute values (&, <, >, ", '), for every part that writes SVG or
// HTML itself: the report and the flame graph.

#include <string>
#include <string_view>

namespace loadscope {

std::string escapeXml(std::string_view text);

} // namespace loadscope
