#include "test_process.h"

#include "child_process.h"

#include <csignal>
#include <stdexcept>

namespace loadscope::testing {

namespace {

// Whole JSON documents and long logs must reach the test complete.
constexpr std::size_t kOutputLimitBytes = 256u * 1024 * 1024;

// A shell that tries each priority before it becomes the program (exec: the pid the test sees is the program's own).
// Each is tried first, since chrt fails outright where it is not allowed and nice only warns.
std::vector<std::string> withPriority(const std::vector<std::string>& argv, Priority priority) {
    if (priority == Priority::Normal)
        return argv;
    std::vector<std::string> shell{
        "/bin/sh", "-c",
        "if chrt --fifo 10 true 2>/dev/null; then exec chrt --fifo 10 \"$@\"; fi\n"
        "if [ \"$(nice -n -10 nice 2>/dev/null)\" = -10 ]; then exec nice -n -10 \"$@\"; fi\n"
        "exec \"$@\"",
        "sh"};
    shell.insert(shell.end(), argv.begin(), argv.end());
    return shell;
}

} // namespace

TestProcess::TestProcess(const std::vector<std::string>& argv, TestProcessOptions options) {
    ChildProcessOptions child;
    child.argv = withPriority(argv, options.priority);
    child.outputLimitBytes = kOutputLimitBytes;
    child.onLine = [this](OutputStream stream, std::string_view line) {
        if (stream == OutputStream::Stdout)
            takeLine(std::string(line));
    };
    try {
        child_ = std::make_unique<ChildProcess>(std::move(child), ChildStdin{{}, options.stdinPipe});
    } catch (const ChildProcessError& e) {
        throw std::runtime_error("cannot start " + argv.front() + ": " + e.what());
    }
}

TestProcess::~TestProcess() {
    // Stopped and joined before the members its output callback uses go.
    child_->stop(std::chrono::milliseconds(0));
    child_.reset();
}

void TestProcess::takeLine(std::string line) {
    {
        std::lock_guard lock(mutex_);
        lines_.push_back(std::move(line));
    }
    lineArrived_.notify_all();
}

pid_t TestProcess::pid() const {
    return child_->pid();
}

std::optional<std::string> TestProcess::readStdoutLine(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    for (;;) {
        if (!lines_.empty()) {
            std::string line = std::move(lines_.front());
            lines_.pop_front();
            return line;
        }
        if (outputEnded_)
            return std::nullopt;
        // The reader thread calls back per line, but says nothing at the end of the output: wake up now and then
        // to ask the handle whether the output has ended.
        const auto slice = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
        if (lineArrived_.wait_until(lock, slice, [&] { return !lines_.empty(); }))
            continue;
        if (std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        lock.unlock();
        const bool ended = child_->waitForOutputEnd(std::chrono::milliseconds(0));
        lock.lock();
        outputEnded_ = ended && lines_.empty() ? true : outputEnded_;
    }
}

void TestProcess::closeStdin() {
    child_->closeStdin();
}

void TestProcess::sendSignal(int signal) {
    child_->signalGroup(signal);
}

bool TestProcess::running() {
    return child_->running();
}

std::optional<int> TestProcess::waitForExit(std::chrono::milliseconds timeout) {
    const auto status = child_->waitFor(timeout);
    if (!status)
        return std::nullopt;
    // The child is gone: what is left in the pipes arrives (bounded, in case a grandchild holds them open).
    child_->waitForOutputEnd(std::chrono::seconds(2));
    return status->exited ? status->code : 128 + status->signal;
}

std::string TestProcess::stdoutText() const {
    return child_->stdoutTail();
}

std::string TestProcess::stderrText() const {
    return child_->stderrTail();
}

} // namespace loadscope::testing
