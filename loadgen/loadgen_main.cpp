// loadscope-loadgen: the open-loop, constant-rate HTTP/1.1 load generator (docs/loadgen.md).

#include "load_run.h"
#include "loadgen_options.h"
#include "process_limits.h"

#include <csignal>
#include <iostream>

int main(int argc, char** argv) {
    using namespace loadscope::loadgen;
    // A server closing a connection must never kill the generator; write errors are handled where they happen.
    std::signal(SIGPIPE, SIG_IGN);
    const ParsedCommandLine parsed = parseLoadgenCommandLine(argc, argv);
    if (!parsed.options)
        return parsed.exitCode;
    LoadgenOptions options = *parsed.options;

    const long openFiles = raiseOpenFileLimit();
    if (const auto problem = connectionLimitProblem(options.connections, options.threads, openFiles)) {
        std::cerr << "loadscope-loadgen: " << *problem << "\n";
        return kExitBadArguments;
    }
    if (!options.cpus.empty()) {
        if (const auto error = pinToCpus(options.cpus); !error.empty()) {
            std::cerr << "loadscope-loadgen: --cpu: cannot pin to the cores asked for: " << error << "\n";
            return kExitBadArguments;
        }
    }
    if (options.realtime) {
        if (const auto error = runAtRealtimePriority(); !error.empty()) {
            // Measuring still works; only the lateness may be higher. The result says which it was.
            std::cerr << "loadscope-loadgen: warning: --realtime: cannot use SCHED_FIFO (" << error
                      << "; it needs root or CAP_SYS_NICE): running at normal priority\n";
            options.realtime = false;
        }
    }
    try {
        return runLoadgen(options);
    } catch (const std::exception& e) {
        std::cerr << "loadscope-loadgen: " << e.what() << "\n";
        return 1;
    }
}
