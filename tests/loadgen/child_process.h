#pragma once
// ChildProcess: one program started by a test, with its stdout and stderr captured. RAII: the destructor kills
// (SIGKILL) and reaps it if it is still running, and the child is also killed if the test process dies
// (PR_SET_PDEATHSIG), so no child ever outlives its test.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace loadscope::testing {

// Timing tests ask for High: SCHED_FIFO where the system allows it (root, CAP_SYS_NICE or an RLIMIT_RTPRIO), else
// nice -10 where allowed, else nothing. On a 2-core machine shared with compilers, the normal priority leaves a
// process waiting milliseconds for a core, which is the machine's noise, not what the test measures.
enum class Priority { Normal, High };

class ChildProcess {
public:
    // Starts argv[0] with the arguments; throws std::runtime_error when it cannot be started. `priority` High raises
    // the child's scheduling priority where the system allows it (it runs normally otherwise).
    explicit ChildProcess(const std::vector<std::string>& argv, Priority priority = Priority::Normal);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    // The next complete line of stdout (without the newline), or nullopt on timeout / end of output.
    std::optional<std::string> readStdoutLine(std::chrono::milliseconds timeout);
    void sendSignal(int signal);
    // Waits for the exit, collecting output meanwhile. The exit code, 128 + signal for a signal death, nullopt on
    // timeout (the child is left running; the destructor kills it).
    std::optional<int> waitForExit(std::chrono::milliseconds timeout);
    bool running();

    const std::string& stdoutText() const { return out_; }
    const std::string& stderrText() const { return err_; }

private:
    // Reads whatever is available on both pipes, waiting at most `timeout`. False when both are closed.
    bool pump(std::chrono::milliseconds timeout);

    pid_t pid_ = -1;
    int outFd_ = -1;
    int errFd_ = -1;
    std::string out_;
    std::size_t outConsumed_ = 0; // bytes of out_ already returned by readStdoutLine()
    std::string err_;
    std::optional<int> exitCode_;
};

} // namespace loadscope::testing
