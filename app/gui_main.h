#pragma once

namespace loadscope::gui {
// True when a GUI can be shown (a display, or an explicit QT_QPA_PLATFORM).
bool displayAvailable();
// Runs the desktop app's event loop; returns its exit code.
int runGui(int argc, char** argv);
} // namespace loadscope::gui
