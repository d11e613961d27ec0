#include "child_process.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace loadscope::testing {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, Priority priority) {
    int outPipe[2], errPipe[2], execPipe[2];
    if (pipe2(outPipe, O_CLOEXEC) != 0 || pipe2(errPipe, O_CLOEXEC) != 0 || pipe2(execPipe, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ < 0)
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid_ == 0) {
        // Only async-signal-safe calls until exec.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        if (priority == Priority::High) {
            sched_param param{};
            param.sched_priority = 10;
            if (sched_setscheduler(0, SCHED_FIFO, &param) != 0)
                setpriority(PRIO_PROCESS, 0, -10);
        }
        dup2(outPipe[1], STDOUT_FILENO);
        dup2(errPipe[1], STDERR_FILENO);
        execv(args[0], args.data());
        const int error = errno;
        (void)!write(execPipe[1], &error, sizeof error);
        _exit(127);
    }
    close(outPipe[1]);
    close(errPipe[1]);
    close(execPipe[1]);
    outFd_ = outPipe[0];
    errFd_ = errPipe[0];
    int execError = 0;
    const ssize_t n = read(execPipe[0], &execError, sizeof execError);
    close(execPipe[0]);
    if (n == sizeof execError) {
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
        close(outFd_);
        close(errFd_);
        throw std::runtime_error("cannot start " + argv.front() + ": " + std::strerror(execError));
    }
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && !exitCode_) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    if (outFd_ >= 0)
        close(outFd_);
    if (errFd_ >= 0)
        close(errFd_);
}

bool ChildProcess::pump(std::chrono::milliseconds timeout) {
    pollfd fds[2];
    int count = 0;
    if (outFd_ >= 0)
        fds[count++] = {outFd_, POLLIN, 0};
    if (errFd_ >= 0)
        fds[count++] = {errFd_, POLLIN, 0};
    if (count == 0)
        return false;
    const int ready = poll(fds, static_cast<nfds_t>(count), static_cast<int>(timeout.count()));
    if (ready <= 0)
        return true;
    for (int i = 0; i < count; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        char buffer[65536];
        const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
        const bool isOut = fds[i].fd == outFd_;
        if (n > 0) {
            (isOut ? out_ : err_).append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            close(fds[i].fd);
            (isOut ? outFd_ : errFd_) = -1;
        }
    }
    return outFd_ >= 0 || errFd_ >= 0;
}

std::optional<std::string> ChildProcess::readStdoutLine(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const std::size_t newline = out_.find('\n', outConsumed_);
        if (newline != std::string::npos) {
            std::string line = out_.substr(outConsumed_, newline - outConsumed_);
            outConsumed_ = newline + 1;
            return line;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || outFd_ < 0)
            return std::nullopt;
        pump(std::min(left, std::chrono::milliseconds(50)));
    }
}

void ChildProcess::sendSignal(int signal) {
    if (pid_ > 0 && !exitCode_)
        kill(pid_, signal);
}

bool ChildProcess::running() {
    if (exitCode_ || pid_ <= 0)
        return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    return true;
}

std::optional<int> ChildProcess::waitForExit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return std::nullopt;
        if (!pump(std::min(left, std::chrono::milliseconds(20))))
            usleep(5000); // both pipes closed: the exit is imminent
    }
    // The child is gone: read what is left in the pipes up to their end (bounded, in case a grandchild holds them).
    const auto drainDeadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < drainDeadline && pump(std::chrono::milliseconds(50))) {
    }
    return exitCode_;
}

} // namespace loadscope::testing
