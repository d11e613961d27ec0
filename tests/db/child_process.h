#pragma once
// A child process for tests, with pipes to its stdin and stdout. The child dies with the test process
// (PR_SET_PDEATHSIG) and the destructor kills and reaps it, so no child outlives a test.

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace loadscope::test {

class ChildProcess {
public:
    explicit ChildProcess(const std::vector<std::string>& argv);
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();

    pid_t pid() const { return pid_; }
    // The next line of stdout (without '\n'); nullopt at end of output or after `timeout`.
    std::optional<std::string> readLine(std::chrono::milliseconds timeout);
    void closeStdin();
    void kill(int signal);
    // Waits for the exit and returns the raw wait status (waitpid's).
    int wait();
    // True once the child has exited (reaps it).
    bool exited();

private:
    pid_t pid_ = -1;
    int stdin_ = -1;
    int stdout_ = -1;
    std::string buffer_;
    bool reaped_ = false;
    int status_ = 0;
};

} // namespace loadscope::test
