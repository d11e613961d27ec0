#pragma once
// The parts of `loadscope` that need Qt Widgets: the desktop app and the headless chart export.

#include <string>

namespace loadscope::gui {
// True when a GUI can be shown (a display, or an explicit QT_QPA_PLATFORM).
bool displayAvailable();
// `loadscope --db PATH` (or `--db=PATH`): the desktop app on that database, not a command.
bool wantsGuiWithOptions(int argc, char** argv);
// Runs the desktop app's event loop; returns its exit code. Takes `--db PATH`.
int runGui(int argc, char** argv);
// `loadscope export ... --chart KIND ...` (or --format png|pdf|svg): a chart, drawn by the GUI's chart code.
bool wantsChartExport(int argc, char** argv);
// Draws it, on the offscreen platform when there is no display; returns the exit code.
int runChartExport(int argc, char** argv);
// An SVG drawn into a PNG file for `loadscope profile --format png` (a Qt GUI application is made on first use,
// offscreen without a display). Returns "" or the error.
std::string rasterizeSvg(const std::string& svg, const std::string& pngPath);
} // namespace loadscope::gui
