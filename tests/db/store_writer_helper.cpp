// A second process for the store tests: it writes to a database while the test reads it, or gets killed by it.
//
//   store_writer_helper create DB          creates a run (owned by this process), prints "run <id>", then waits
//                                           until its stdin closes and exits without finishing the run
//   store_writer_helper write DB RUN COUNT DELAY_MS [LOG_KB]
//                                           inserts COUNT steps into run RUN ("new": a run it creates, owns and
//                                           announces with "run <id>") (target "aiohttp", step i made by
//                                           sampleStep with seed i), printing "step <id> <seed>" after each commit;
//                                           LOG_KB pads the server log tail so each transaction writes more
#include "run_store.h"
#include "store_test_support.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

using namespace loadscope;

namespace {

int usage() {
    std::cerr << "usage: store_writer_helper create DB | write DB RUN COUNT DELAY_MS [LOG_KB]\n";
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    try {
        if (argc == 3 && std::string(argv[1]) == "create") {
            auto store = RunStore::open(argv[2]);
            loadscope::Run run = test::sampleRun("owned by the helper");
            store.createRun(run);
            std::cout << "run " << run.id << std::endl;
            std::string line;
            while (std::getline(std::cin, line)) {
            }
            return 0;
        }
        if ((argc == 6 || argc == 7) && std::string(argv[1]) == "write") {
            auto store = RunStore::open(argv[2]);
            std::int64_t runId = 0;
            if (std::string(argv[3]) == "new") {
                loadscope::Run created = test::sampleRun("written by the helper");
                runId = store.createRun(created);
                std::cout << "run " << runId << std::endl;
            } else {
                runId = std::stoll(argv[3]);
            }
            const auto run = store.loadRun(runId);
            if (!run) {
                std::cerr << "no run " << argv[3] << "\n";
                return 1;
            }
            const int count = std::stoi(argv[4]);
            const auto delay = std::chrono::milliseconds(std::stoi(argv[5]));
            const std::size_t logBytes = argc == 7 ? std::stoul(argv[6]) * 1024 : 0;
            for (int seed = 1; seed <= count; ++seed) {
                Step step = test::sampleStep(*run, "aiohttp", 100.0 * seed, 1, seed);
                step.serverLogTail += test::paddingText(logBytes, seed);
                store.insertStep(step);
                // Reported only once committed: every id printed must be in the database after a crash.
                std::cout << "step " << step.id << " " << seed << std::endl;
                if (delay.count() > 0)
                    std::this_thread::sleep_for(delay);
            }
            return 0;
        }
        return usage();
    } catch (const std::exception& e) {
        std::cerr << "store_writer_helper: " << e.what() << "\n";
        return 1;
    }
}
