#pragma once
// The headless command line: `loadscope COMMAND [OPTIONS]`. Qt-free, so it runs without a display.

namespace loadscope::cli {

// True when argv names a command (or --help / --version) rather than asking for the GUI.
bool wantsCommandLine(int argc, char** argv);
// Runs the command named by argv and returns the process exit code:
// 0 ok, 1 the run finished with failures, 2 usage error, 3 preflight failed.
int runCommandLine(int argc, char** argv);
// What `loadscope` with no arguments does when there is no display.
int runHeadlessDefault(int argc, char** argv);

} // namespace loadscope::cli
