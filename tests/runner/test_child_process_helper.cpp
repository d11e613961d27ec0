// A middle process for the PDEATHSIG test: starts `sleep 60` through ChildProcess from a thread that exits at once
// (so the child must survive its creating thread: the launcher thread forks it), prints the child's pid, then waits
// to be SIGKILLed by the test. The child must then die with it.

#include "child_process.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

int main() {
    std::unique_ptr<loadscope::ChildProcess> child;
    std::thread starter([&child] {
        child = std::make_unique<loadscope::ChildProcess>(
            loadscope::ChildProcessOptions{{"sleep", "60"}, {}, true, {}, {}, 4096, {}});
    });
    starter.join(); // the thread that asked for the child is gone now
    std::printf("child %d\n", static_cast<int>(child->pid()));
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(30)); // the test kills us long before
    return 0;
}
