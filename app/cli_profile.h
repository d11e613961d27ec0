#pragma once
// `loadscope profile RUN --step N [--diff RUN:STEP] --format folded|svg|png|top --out FILE`: a profiled step's flame
// graph or top functions, or the difference between two steps, headless. PNG needs a rasterizer for the SVG, which
// the GUI build provides (main.cpp sets it); the CLI alone writes folded, SVG and top.

#include <functional>
#include <string>

namespace loadscope::cli {

// Draws `svg` into a PNG file; returns "" or why it could not.
using SvgRasterizer = std::function<std::string(const std::string& svg, const std::string& pngPath)>;
void setSvgRasterizer(SvgRasterizer rasterizer);

} // namespace loadscope::cli
