#include "flame_svg.h"
#include "xml_text.h"

#include "flame_layout.h"
#include "frame_package.h"

#include <cstdio>

namespace loadscope {

namespace {

std::string rgbText(Rgb c) {
    char text[32];
    std::snprintf(text, sizeof text, "rgb(%d,%d,%d)", c.r, c.g, c.b);
    return text;
}

std::string number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", v);
    return text;
}

Rgb frameColor(const FrameTree& tree, int node, const FlameSvgOptions& options) {
    if (frameMatches(tree.node(node).name, options.search))
        return kSearchColor;
    if (options.differential)
        return differenceColor(tree.share(node) - tree.baseShare(node));
    return packageColor(tree.node(node).name);
}

// Fits the label into `width` pixels at ~7 px per character, or nothing when even two characters do not fit.
std::string fittedLabel(const std::string& name, double width) {
    const auto chars = static_cast<std::size_t>(width / 7.0);
    if (chars < 3)
        return {};
    return name.size() <= chars ? name : name.substr(0, chars - 2) + "..";
}

std::string legend(const FlameSvgOptions& options, double y) {
    std::string out;
    double x = 10;
    auto swatch = [&](Rgb colour, const std::string& label) {
        out += "<rect x=\"" + number(x) + "\" y=\"" + number(y) + "\" width=\"12\" height=\"12\" fill=\"" +
               rgbText(colour) + "\"/><text x=\"" + number(x + 16) + "\" y=\"" + number(y + 10) + "\">" +
               escapeXml(label) + "</text>\n";
        x += 30 + 7.0 * static_cast<double>(label.size());
    };
    if (options.differential) {
        swatch(differenceColor(0.10), "share grew (+10 points or more)");
        swatch(differenceColor(0.03), "+3");
        swatch(differenceColor(0.0), "unchanged");
        swatch(differenceColor(-0.03), "-3");
        swatch(differenceColor(-0.10), "share shrank (-10 points or more)");
    } else {
        for (int p = 0; p < kFramePackageCount; ++p)
            swatch(packageSwatch(p), framePackageName(static_cast<FramePackage>(p)));
    }
    if (!options.search.empty())
        swatch(kSearchColor, "matches '" + options.search + "'");
    return out;
}

} // namespace

std::string renderFlameSvg(const FrameTree& tree, const FlameSvgOptions& options) {
    const auto rects = layoutFlame(tree);
    int rows = 0;
    for (const auto& r : rects)
        rows = std::max(rows, r.row + 1);
    const double top = 50, graphWidth = options.width - 20.0;
    const double height = top + rows * options.rowHeight + 40;
    std::string subtitle = options.subtitle;
    if (!options.search.empty()) {
        char share[96];
        std::snprintf(share, sizeof share, "%s'%s' matches %.1f %% of samples", subtitle.empty() ? "" : "; ",
                      options.search.c_str(), 100.0 * searchShare(tree, options.search));
        subtitle += share;
    }
    std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                      std::to_string(options.width) + "\" height=\"" + number(height) +
                      "\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"11\">\n"
                      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    svg += "<text x=\"10\" y=\"20\" font-size=\"15\">" + escapeXml(options.title) + "</text>\n";
    svg += "<text x=\"10\" y=\"38\" fill=\"#444\">" + escapeXml(subtitle) + "</text>\n";
    for (const auto& r : rects) {
        const double x = 10 + r.x0 * graphWidth, w = (r.x1 - r.x0) * graphWidth;
        const double y = top + r.row * options.rowHeight;
        const auto& name = tree.node(r.node).name;
        svg += "<g><title>" + escapeXml(frameDescription(tree, r.node, options.differential)) + "</title><rect x=\"" +
               number(x) + "\" y=\"" + number(y) + "\" width=\"" + number(std::max(w - 0.5, 0.1)) + "\" height=\"" +
               std::to_string(options.rowHeight - 1) + "\" fill=\"" + rgbText(frameColor(tree, r.node, options)) +
               "\" stroke=\"rgb(0,0,0)\" stroke-opacity=\"0.15\" stroke-width=\"0.5\" rx=\"1\"/>";
        if (const auto label = fittedLabel(name, w - 6); !label.empty())
            svg += "<text x=\"" + number(x + 3) + "\" y=\"" + number(y + options.rowHeight - 5) + "\">" +
                   escapeXml(label) + "</text>";
        svg += "</g>\n";
    }
    svg += legend(options, top + rows * options.rowHeight + 14);
    svg += "</svg>\n";
    return svg;
}

} // namespace loadscope
