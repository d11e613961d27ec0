#pragma once
// TestProcess: the one way a test starts a program and talks to it (the generator, the reference server, the store's
// writer helper, `loadscope` itself). Built on the runner's ChildProcess, so a test child gets the same guarantees as
// a child of Loadscope: its own process group, PR_SET_PDEATHSIG, killed and reaped by the destructor (SIGKILL at
// once here: a test never waits for a grace period). Adds what tests need on top: stdout line by line with a
// timeout (woken by each line, no polling), the whole output, exit codes as numbers, a raised priority.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace loadscope {
class ChildProcess;
}

namespace loadscope::testing {

// Timing tests ask for High: SCHED_FIFO where the system allows it (root or an RLIMIT_RTPRIO), else nice -10 where
// allowed, else nothing. On a 2-core machine shared with compilers, the normal priority leaves a process waiting
// milliseconds for a core, which is the machine's noise, not what the test measures.
enum class Priority { Normal, High };

struct TestProcessOptions {
    Priority priority = Priority::Normal;
    bool stdinPipe = false; // stdin is a pipe the test closes with closeStdin(); else /dev/null
};

class TestProcess {
public:
    // Starts argv[0] (a path) with the arguments; throws std::runtime_error naming it when it cannot be started.
    explicit TestProcess(const std::vector<std::string>& argv, TestProcessOptions options = {});
    TestProcess(const std::vector<std::string>& argv, Priority priority)
        : TestProcess(argv, TestProcessOptions{priority, false}) {}
    ~TestProcess();
    TestProcess(const TestProcess&) = delete;
    TestProcess& operator=(const TestProcess&) = delete;

    pid_t pid() const;
    // The next line of stdout (without the newline); nullopt after `timeout` or at the end of the output.
    std::optional<std::string> readStdoutLine(std::chrono::milliseconds timeout);
    void closeStdin();
    // `signal` to the child's process group (the child and anything it started).
    void sendSignal(int signal);
    // Waits for the exit, then for the end of its output. The exit code, 128 + signal for a death by signal, nullopt
    // on timeout (the child is left running; the destructor kills it).
    std::optional<int> waitForExit(std::chrono::milliseconds timeout);
    bool running();

    // Everything the child wrote so far (complete once waitForExit returned).
    std::string stdoutText() const;
    std::string stderrText() const;

private:
    void takeLine(std::string line);

    std::unique_ptr<ChildProcess> child_;
    std::mutex mutex_;
    std::condition_variable lineArrived_;
    std::deque<std::string> lines_;
    bool outputEnded_ = false;
};

} // namespace loadscope::testing
