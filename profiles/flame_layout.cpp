#include "flame_layout.h"

#include "frame_package.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>

namespace loadscope {

std::vector<FlameRect> layoutFlame(const FrameTree& tree, const FlameLayoutOptions& options) {
    std::vector<FlameRect> rects;
    if (tree.rootTotal() == 0 && tree.baseRootTotal() == 0)
        return rects;
    // The zoomed frame and its callers, full width.
    std::vector<int> callers;
    for (int n = options.zoomNode; n >= 0; n = tree.node(n).parent)
        callers.push_back(n);
    std::reverse(callers.begin(), callers.end());
    for (std::size_t i = 0; i < callers.size(); ++i)
        rects.push_back({callers[i], 0.0, 1.0, static_cast<int>(i)});
    const double zoomTotal = static_cast<double>(tree.node(options.zoomNode).total);
    if (zoomTotal <= 0)
        return rects;
    std::function<void(int, double, int)> place = [&](int node, double x, int row) {
        for (int c : tree.node(node).children) {
            const double width = static_cast<double>(tree.node(c).total) / zoomTotal;
            if (width >= options.minWidth) {
                rects.push_back({c, x, x + width, row});
                place(c, x, row + 1);
            }
            x += width;
        }
    };
    place(options.zoomNode, 0.0, static_cast<int>(callers.size()));
    return rects;
}

namespace {
unsigned nameHash(std::string_view name) {
    unsigned h = 2166136261u;
    for (char c : name)
        h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h;
}
} // namespace

Rgb packageSwatch(int package) {
    switch (static_cast<FramePackage>(package)) {
    case FramePackage::Application:
        return {230, 120, 50}; // orange
    case FramePackage::Framework:
        return {215, 60, 55}; // red
    case FramePackage::Asyncio:
        return {70, 150, 210}; // blue
    case FramePackage::StandardLibrary:
        return {100, 185, 100}; // green
    case FramePackage::Native:
        return {220, 180, 60}; // yellow
    case FramePackage::Kernel:
        return {150, 110, 190}; // violet
    case FramePackage::Idle:
        return {200, 200, 200}; // grey
    }
    return {128, 128, 128};
}

Rgb packageColor(std::string_view frameName) {
    const auto base = packageSwatch(static_cast<int>(framePackage(frameName)));
    const int shift = static_cast<int>(nameHash(frameName) % 41) - 20; // -20..20, the same for the same name
    auto clamp = [](int v) { return std::clamp(v, 0, 255); };
    return {clamp(base.r + shift), clamp(base.g + shift), clamp(base.b + shift)};
}

Rgb differenceColor(double shareDelta, double fullScale) {
    const double strength = std::clamp(std::abs(shareDelta) / fullScale, 0.0, 1.0);
    const int fade = static_cast<int>(255 - 200 * strength);
    return shareDelta >= 0 ? Rgb{255, fade, fade} : Rgb{fade, fade, 255};
}

bool frameMatches(std::string_view frameName, std::string_view search) {
    if (search.empty())
        return false;
    auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
    return std::search(frameName.begin(), frameName.end(), search.begin(), search.end(),
                       [&](char a, char b) { return lower(a) == lower(b); }) != frameName.end();
}

double searchShare(const FrameTree& tree, std::string_view search) {
    if (tree.rootTotal() == 0 || search.empty())
        return 0.0;
    std::uint64_t matched = 0;
    std::function<void(int)> walk = [&](int node) {
        for (int c : tree.node(node).children) {
            if (frameMatches(tree.node(c).name, search))
                matched += tree.node(c).total; // its callees are in it already
            else
                walk(c);
        }
    };
    walk(FrameTree::root());
    return static_cast<double>(matched) / static_cast<double>(tree.rootTotal());
}

std::string frameDescription(const FrameTree& tree, int node, bool differential) {
    const auto& frame = tree.node(node);
    char text[160];
    if (differential)
        std::snprintf(text, sizeof text, " — %llu samples, %.1f %% (base %.1f %%, %+.1f points)",
                      static_cast<unsigned long long>(frame.total), 100.0 * tree.share(node),
                      100.0 * tree.baseShare(node), 100.0 * (tree.share(node) - tree.baseShare(node)));
    else
        std::snprintf(text, sizeof text, " — %llu samples, %.1f %%", static_cast<unsigned long long>(frame.total),
                      100.0 * tree.share(node));
    return frame.name + text;
}

} // namespace loadscope
