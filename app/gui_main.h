#pragma once
// The parts of `loadscope` that need Qt Widgets: the desktop app and the headless chart export.

#include "cli_command.h"

#include <string>

namespace loadscope::gui {
// True when a GUI can be shown (a display, or an explicit QT_QPA_PLATFORM).
bool displayAvailable();
// `loadscope --db PATH` (or `--db=PATH`): the desktop app on that database, not a command.
bool wantsGuiWithOptions(int argc, char** argv);
// Runs the desktop app's event loop; returns its exit code. Takes `--db PATH`.
int runGui(int argc, char** argv);
// `loadscope export RUN... --chart KIND`: the chart kinds and options of the GUI's chart code, for the CLI's export
// command to register; drawing makes a Qt GUI application on first use (offscreen without a display).
cli::ChartExporter chartExporter();
// An SVG drawn into a PNG file for `loadscope profile --format png` (a Qt GUI application is made on first use,
// offscreen without a display). Returns "" or the error.
std::string rasterizeSvg(const std::string& svg, const std::string& pngPath);
} // namespace loadscope::gui
