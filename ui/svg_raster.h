#pragma once
// An SVG document drawn into a PNG file (QSvgRenderer), for the flame graph's PNG export from the GUI and from
// `loadscope profile --format png`. Needs a QGuiApplication.

#include <QString>

#include <string>

namespace loadscope {

// Returns "" or why the file could not be written. `scale` multiplies the SVG's own size (2 for a sharp image).
QString writeSvgAsPng(const std::string& svg, const QString& path, double scale = 1.0);

} // namespace loadscope
