#pragma once
// LoadRun: one whole run of the generator from parsed options to printed result: resolve the URL, check the server
// answers a connection, start the workers (worker 0 on the calling thread), stop them on SIGINT / SIGTERM, print
// --progress lines, merge and print the result.

#include "load_result.h"
#include "loadgen_options.h"

namespace loadscope::loadgen {

// Exit codes of loadscope-loadgen.
enum ExitCode { kExitDone = 0, kExitBadArguments = 2, kExitNoConnection = 3 };

// Runs and prints; returns the exit code.
int runLoadgen(const LoadgenOptions& options);

} // namespace loadscope::loadgen
