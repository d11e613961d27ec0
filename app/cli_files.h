#pragma once
// Writing the files the CLI produces (exports, reports): next to the destination, then renamed into place, so a
// failure never leaves half a file where the user asked for one.

#include <string>

namespace loadscope::cli {

// Throws UsageError "--out: cannot write PATH (...)" when the folder is missing or not writable, runtime_error for a
// failure while writing.
void writeFileAtomically(const std::string& path, const std::string& content);

} // namespace loadscope::cli
