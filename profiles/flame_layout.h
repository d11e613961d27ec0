#pragma once
// Where each frame of a flame graph goes and what colour it gets, shared by the GUI widget and the SVG export so
// the two draw the same graph. Drawn as an icicle: the root on top, callees below their callers, each frame as wide
// as its share of its parent's samples. Zooming into a frame makes it the full width (its callers stay above it,
// also full width, to click back out).

#include "frame_tree.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope {

struct FlameRect {
    int node = 0;
    double x0 = 0, x1 = 0; // 0..1 of the graph's width
    int row = 0;           // 0 is the top row
};

struct FlameLayoutOptions {
    int zoomNode = 0;         // FrameTree::root() for the whole graph
    double minWidth = 0.0005; // frames narrower than this (of the width) are not laid out
};

std::vector<FlameRect> layoutFlame(const FrameTree& tree, const FlameLayoutOptions& options = {});

struct Rgb {
    int r = 0, g = 0, b = 0;
};

// The colour of a frame by its package (framework, asyncio ...), varied a little by its name so neighbours differ.
Rgb packageColor(std::string_view frameName);
// The colour of the package itself (the legend's swatch).
Rgb packageSwatch(int package);
// Differential colour: red where the frame's share grew, blue where it shrank, white when unchanged; full strength
// at `fullScale` share points (0.10 = ten points).
Rgb differenceColor(double shareDelta, double fullScale = 0.10);
// The highlight of frames matching a search.
inline constexpr Rgb kSearchColor{230, 0, 230};

// Whether a frame matches a search (case-insensitive substring; an empty search matches nothing).
bool frameMatches(std::string_view frameName, std::string_view search);
// The share (0..1 of the tree's samples) under frames matching `search`, each sample counted once even when several
// frames of its stack match.
double searchShare(const FrameTree& tree, std::string_view search);

// Tooltip text: "tornado.gen:Runner.run — 412 samples, 23.1 % (busy)"; differential trees add the base share.
std::string frameDescription(const FrameTree& tree, int node, bool differential);

} // namespace loadscope
