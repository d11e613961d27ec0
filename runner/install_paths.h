#pragma once
// Where Loadscope's own files are at run time, in the build tree and installed alike:
//   <prefix>/bin/loadscope, <prefix>/bin/loadscope-loadgen, <prefix>/share/loadscope/resources/...
// LOADSCOPE_RESOURCES and LOADSCOPE_BIN_DIR override the two folders (for tests and unusual installs).

#include <filesystem>

namespace loadscope {

// The folder holding the running executable (from /proc/self/exe).
std::filesystem::path executableDir();
// The folder with loadscope, loadscope-loadgen and loadscope-refserver.
std::filesystem::path binDir();
// The resources folder (servers/, targets/, icons/).
std::filesystem::path resourcesDir();

} // namespace loadscope
