#pragma once
// `loadscope export RUN... --chart KIND --format png|pdf|svg --out FILE [--width W --height H] [--db PATH]`: the
// Results charts drawn without a window, by the same chart and export code as the GUI. Needs a QApplication (the
// caller makes one on the offscreen platform when there is no display).

#include <string>
#include <vector>

namespace loadscope {

// `arguments` are the ones after `loadscope export`. Returns the process exit code: 0 written, 1 the database or
// the file failed, 2 a usage error (the message names the option and what it expects).
int runChartExportCommand(const std::vector<std::string>& arguments);

} // namespace loadscope
