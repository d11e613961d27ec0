#pragma once
// A flame graph (icicle) as a standalone SVG: the same layout and colours as the GUI (flame_layout.h), each frame
// with a <title> tooltip (samples and share), a legend of packages or of the difference scale. Opens in a browser.

#include "frame_tree.h"

#include <string>

namespace loadscope {

struct FlameSvgOptions {
    std::string title;    // "tornado-async, step 3 (1500 req/s)"
    std::string subtitle; // "1912 busy samples; idle 41.0 % (not drawn)"
    std::string search;   // frames matching it are highlighted, their share in the subtitle
    bool differential = false;
    int width = 1200;
    int rowHeight = 17;
};

std::string renderFlameSvg(const FrameTree& tree, const FlameSvgOptions& options);

} // namespace loadscope
