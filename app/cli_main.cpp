#include "cli_main.h"

#include "loadscope_version.h"

#include <cstdio>
#include <string_view>

namespace loadscope::cli {

namespace {
void printVersion() {
    std::printf("loadscope %s (commit %s)\n", LOADSCOPE_VERSION, LOADSCOPE_GIT_COMMIT);
}
void printHelp() {
    std::printf("Usage: loadscope [COMMAND] [OPTIONS]\n\n"
                "Without a command, opens the desktop app (or, without a display, runs the quick comparison).\n\n"
                "Options:\n  --help       show this help\n  --version    show the version and git commit\n");
}
} // namespace

bool wantsCommandLine(int argc, char** argv) {
    return argc > 1 && argv[1] != nullptr;
}

int runCommandLine(int argc, char** argv) {
    const std::string_view first = argc > 1 ? argv[1] : "";
    if (first == "--version") {
        printVersion();
        return 0;
    }
    if (first == "--help" || first == "-h") {
        printHelp();
        return 0;
    }
    std::fprintf(stderr, "loadscope: unknown command '%s' (see loadscope --help)\n", argv[1]);
    return 2;
}

int runHeadlessDefault(int, char**) {
    std::fprintf(stderr, "loadscope: no display. Run `loadscope --help` to see the commands.\n");
    return 2;
}

} // namespace loadscope::cli
