#include "child_process.h"

#include "launcher_thread.h"

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <system_error>
#include <thread>

namespace loadscope {

namespace bp = boost::process;
using namespace std::chrono_literals;

// Named, not anonymous: ChildProcess::Impl (declared in the header) holds these types, and GCC warns
// (-Wsubobject-linkage) when a unity build includes this file into another translation unit.
namespace child_process_detail {

// A file descriptor that closes itself.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd)
        : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept
        : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

Pipe makePipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw ChildProcessError(std::string("cannot create a pipe: ") + std::strerror(errno));
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Everything the forked child does before exec. Only async-signal-safe calls: the parent has other threads.
struct ChildSetup {
    pid_t parentPid = 0;
    int stdoutFd = -1;
    int stderrFd = -1;
    int stdinFd = -1;                       // -1: /dev/null as Boost set it up
    const char* workingDirectory = nullptr; // nullptr: keep the parent's
    bool setAffinity = false;
    cpu_set_t affinity{};
    char** environment = nullptr; // NAME=value..., nullptr-terminated

    template <typename Executor> void operator()(Executor& executor) const {
        executor.env = environment; // what execve passes
        ::setpgid(0, 0);            // lead a new process group, so the group can be signalled as a whole
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parentPid)
            ::_exit(127); // the launcher died between fork and prctl: the death signal would never come
        // The launcher thread's mask and Loadscope's ignored signals must not leak into the server.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int signal : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD})
            ::signal(signal, SIG_DFL);
        ::dup2(stdoutFd, STDOUT_FILENO);
        ::dup2(stderrFd, STDERR_FILENO);
        if (stdinFd >= 0)
            ::dup2(stdinFd, STDIN_FILENO);
        if (setAffinity && ::sched_setaffinity(0, sizeof(affinity), &affinity) != 0)
            fail(executor, "sched_setaffinity failed");
        if (workingDirectory && ::chdir(workingDirectory) != 0)
            fail(executor, "chdir to the working directory failed");
        // Nothing else of Loadscope's (database files, sockets, other children's pipes) may leak into the child.
        // Close-on-exec rather than close: Boost.Process still needs its error pipe until exec.
        if (::syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) != 0) {
            for (int fd = 3; fd < 65536; ++fd)
                ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
    }

    template <typename Executor> static void fail(Executor& executor, const char* what) {
        executor.set_error(std::error_code(errno, std::system_category()), what);
        ::_exit(127);
    }
};

// The child's environment as NAME=value strings. Built here rather than with boost::process::environment, whose
// lookup (Boost 1.74) reads past the end of entries shorter than the name looked up.
std::vector<std::string> childEnvironment(const ChildProcessOptions& options) {
    std::map<std::string, std::string> merged;
    if (options.inheritEnvironment) {
        for (char** entry = ::environ; entry && *entry; ++entry) {
            const std::string_view text(*entry);
            const auto equals = text.find('=');
            if (equals != std::string_view::npos && equals > 0)
                merged.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
        }
    }
    for (const auto& [name, value] : options.env)
        merged[name] = value;
    std::vector<std::string> entries;
    entries.reserve(merged.size());
    for (const auto& [name, value] : merged)
        entries.push_back(name + "=" + value);
    return entries;
}

std::string pathVariableOf(const std::vector<std::string>& environment) {
    for (const auto& entry : environment) {
        if (entry.rfind("PATH=", 0) == 0)
            return entry.substr(5);
    }
    return "/usr/local/bin:/usr/bin:/bin";
}

int openPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    return -1;
#endif
}

ExitStatus decodeWaitStatus(int status) {
    ExitStatus result;
    if (WIFEXITED(status)) {
        result.exited = true;
        result.code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

} // namespace child_process_detail

using namespace child_process_detail;

std::string signalName(int signal) {
    if (const char* abbreviation = ::sigabbrev_np(signal))
        return std::string("SIG") + abbreviation;
    return "signal " + std::to_string(signal);
}

std::string ExitStatus::toString() const {
    if (exited)
        return "exit code " + std::to_string(code);
    return "killed by " + signalName(signal);
}

struct ChildProcess::Impl {
    ChildProcessOptions options;
    ChildStdin input;
    pid_t pid = -1;
    UniqueFd pidFd;

    mutable std::mutex statusMutex;
    std::optional<ExitStatus> status;

    // Output: filled by the reader thread.
    mutable std::mutex outputMutex;
    std::condition_variable outputEnded;
    bool stdoutOpen = true;
    bool stderrOpen = true;
    BoundedOutputBuffer stdoutBuffer;
    BoundedOutputBuffer stderrBuffer;
    UniqueFd stdoutRead;
    UniqueFd stderrRead;
    Pipe wake;           // written to make the reader give up on output that never ends
    UniqueFd stdinWrite; // options.stdinPipe: closed by closeStdin()
    std::thread reader;

    explicit Impl(ChildProcessOptions opts)
        : options(std::move(opts))
        , stdoutBuffer(options.outputLimitBytes)
        , stderrBuffer(options.outputLimitBytes) {}

    void start();
    void readOutput();
    bool reap();
    void killGroupRemains() const;
};

namespace {

// The file the child runs: argv[0] as given when it is a path, else looked up in the PATH the child will have (as
// execvp would). Throws when there is none, or when the working directory is missing.
std::filesystem::path childExecutable(const ChildProcessOptions& options, const std::vector<std::string>& environment) {
    std::filesystem::path executable = options.argv.front();
    if (options.argv.front().find('/') == std::string::npos) {
        executable = findInPath(options.argv.front(), pathVariableOf(environment));
        if (executable.empty())
            throw ChildProcessError("cannot start '" + options.argv.front() + "': not found in PATH");
    }
    if (!options.workingDirectory.empty() && !std::filesystem::is_directory(options.workingDirectory))
        throw ChildProcessError("cannot start '" + options.argv.front() + "': working directory " +
                                options.workingDirectory.string() + " does not exist");
    return executable;
}

// The read end the child gets as stdin: a pipe whose write end we keep (`writeEnd`), a file, or none (/dev/null).
UniqueFd childStdin(const ChildStdin& input, const std::string& command, UniqueFd& writeEnd) {
    if (input.pipe) {
        auto stdinPipe = makePipe();
        writeEnd = std::move(stdinPipe.write);
        return std::move(stdinPipe.read);
    }
    if (input.file.empty())
        return UniqueFd();
    UniqueFd file(::open(input.file.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0)
        throw ChildProcessError("cannot start '" + command + "': cannot read " + input.file.string() + ": " +
                                std::strerror(errno));
    return file;
}

void setChildAffinity(const std::vector<int>& cpus, ChildSetup& setup) {
    if (cpus.empty())
        return;
    setup.setAffinity = true;
    CPU_ZERO(&setup.affinity);
    for (int cpu : cpus) {
        if (cpu < 0 || cpu >= CPU_SETSIZE)
            throw ChildProcessError("CPU " + std::to_string(cpu) + " is out of range for the affinity mask");
        CPU_SET(cpu, &setup.affinity);
    }
}

} // namespace

void ChildProcess::Impl::start() {
    if (options.argv.empty() || options.argv.front().empty())
        throw ChildProcessError("cannot start a process without a command");
    auto environment = childEnvironment(options);
    std::vector<char*> environmentPointers;
    for (auto& entry : environment)
        environmentPointers.push_back(entry.data());
    environmentPointers.push_back(nullptr);
    const std::filesystem::path executable = childExecutable(options, environment);

    auto stdoutPipe = makePipe();
    auto stderrPipe = makePipe();
    wake = makePipe();
    const std::string workingDirectory = options.workingDirectory.string();
    const std::vector<std::string> args(options.argv.begin() + 1, options.argv.end());
    const UniqueFd stdinRead = childStdin(input, options.argv.front(), stdinWrite);

    ChildSetup setup;
    setup.stdoutFd = stdoutPipe.write.get();
    setup.stderrFd = stderrPipe.write.get();
    setup.stdinFd = stdinRead.get();
    setup.workingDirectory = workingDirectory.empty() ? nullptr : workingDirectory.c_str();
    setup.environment = environmentPointers.data();
    setChildAffinity(options.cpuAffinity, setup);

    std::error_code error;
    runOnLauncherThread([&] {
        setup.parentPid = ::getpid();
        bp::child child(bp::exe = executable.string(), bp::args = args, bp::std_in < bp::null,
                        bp::extend::on_exec_setup = setup, error);
        if (error)
            return;
        pid = child.id();
        child.detach(); // we reap it ourselves (waitpid / pidfd), Boost must not
        pidFd = UniqueFd(openPidFd(pid));
    });
    if (error)
        throw ChildProcessError("cannot start '" + options.argv.front() + "': " + error.message());

    // The child has its own copies of the write ends; ours must go so that end of file arrives.
    stdoutRead = std::move(stdoutPipe.read);
    stderrRead = std::move(stderrPipe.read);
    try {
        reader = std::thread([this] { readOutput(); });
    } catch (const std::system_error& failure) {
        ::kill(-pid, SIGKILL);
        while (!reap())
            std::this_thread::sleep_for(1ms);
        throw ChildProcessError(std::string("cannot start the output reader: ") + failure.what());
    }
}

void ChildProcess::Impl::readOutput() {
    LineSplitter stdoutLines(options.outputLimitBytes, [this](std::string_view line) {
        if (options.onLine)
            options.onLine(OutputStream::Stdout, line);
    });
    LineSplitter stderrLines(options.outputLimitBytes, [this](std::string_view line) {
        if (options.onLine)
            options.onLine(OutputStream::Stderr, line);
    });
    std::array<char, 16384> chunk;
    bool outOpen = true;
    bool errOpen = true;
    while (outOpen || errOpen) {
        pollfd fds[3] = {{outOpen ? stdoutRead.get() : -1, POLLIN, 0},
                         {errOpen ? stderrRead.get() : -1, POLLIN, 0},
                         {wake.read.get(), POLLIN, 0}};
        if (::poll(fds, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[2].revents)
            break; // told to give up (output held open by something outside the group)
        for (int i = 0; i < 2; ++i) {
            if (!fds[i].revents)
                continue;
            const auto got = ::read(fds[i].fd, chunk.data(), chunk.size());
            if (got < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            const bool isStdout = i == 0;
            if (got <= 0) {
                (isStdout ? outOpen : errOpen) = false;
                (isStdout ? stdoutLines : stderrLines).finish();
                std::lock_guard lock(outputMutex);
                (isStdout ? stdoutOpen : stderrOpen) = false;
                continue;
            }
            const std::string_view bytes(chunk.data(), static_cast<std::size_t>(got));
            {
                std::lock_guard lock(outputMutex);
                (isStdout ? stdoutBuffer : stderrBuffer).append(bytes);
            }
            (isStdout ? stdoutLines : stderrLines).feed(bytes); // outside the lock: the callback may read tails
        }
    }
    stdoutLines.finish();
    stderrLines.finish();
    {
        std::lock_guard lock(outputMutex);
        stdoutOpen = stderrOpen = false;
    }
    outputEnded.notify_all();
}

// Never blocks while holding statusMutex: stop() from another thread must always be able to signal the group.
bool ChildProcess::Impl::reap() {
    std::lock_guard lock(statusMutex);
    if (status)
        return true;
    // First look without reaping: while the leader is a zombie its pid (the group id) cannot be reused, so what
    // is left of its group can be killed without hitting an unrelated process.
    siginfo_t info{};
    int rc;
    do {
        rc = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT | WNOHANG);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0 || info.si_pid == 0)
        return false;
    killGroupRemains();
    int raw = 0;
    do {
        rc = ::waitpid(pid, &raw, 0);
    } while (rc < 0 && errno == EINTR);
    status = rc == pid ? decodeWaitStatus(raw) : ExitStatus{};
    return true;
}

void ChildProcess::Impl::killGroupRemains() const {
    ::kill(-pid, SIGKILL); // ESRCH when the leader was alone: fine
}

ChildProcess::ChildProcess(ChildProcessOptions options, ChildStdin input)
    : impl_(std::make_unique<Impl>(std::move(options))) {
    impl_->input = std::move(input);
    impl_->start();
}

ChildProcess::~ChildProcess() {
    stop();
    // The group is dead, so the pipes are closed unless something escaped the group (setsid) and kept them.
    if (!waitForOutputEnd(500ms)) {
        const char byte = 0;
        [[maybe_unused]] auto written = ::write(impl_->wake.write.get(), &byte, 1);
    }
    if (impl_->reader.joinable())
        impl_->reader.join();
}

pid_t ChildProcess::pid() const {
    return impl_->pid;
}

const std::vector<std::string>& ChildProcess::argv() const {
    return impl_->options.argv;
}

bool ChildProcess::running() {
    return !impl_->reap();
}

std::optional<ExitStatus> ChildProcess::waitFor(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = 1ms;
    while (!impl_->reap()) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= 0ms)
            return std::nullopt;
        if (impl_->pidFd.get() >= 0) {
            pollfd fd{impl_->pidFd.get(), POLLIN, 0};
            ::poll(&fd, 1, static_cast<int>(left.count()) + 1); // readable once the child has exited
        } else {
            std::this_thread::sleep_for(std::min(pause, left));
            pause = std::min(pause * 2, std::chrono::milliseconds(20));
        }
    }
    return exitStatus();
}

ExitStatus ChildProcess::wait() {
    for (;;) {
        if (auto done = waitFor(std::chrono::hours(1)))
            return *done;
    }
}

std::optional<ExitStatus> ChildProcess::exitStatus() const {
    std::lock_guard lock(impl_->statusMutex);
    return impl_->status;
}

bool ChildProcess::writeStdin(std::string_view bytes) {
    std::lock_guard lock(impl_->statusMutex);
    const int fd = impl_->stdinWrite.get();
    if (fd < 0)
        return false;
    // A reader that is gone would raise SIGPIPE: block it on this thread, and take a pending one back.
    sigset_t pipeSignal, old;
    sigemptyset(&pipeSignal);
    sigaddset(&pipeSignal, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipeSignal, &old);
    bool ok = true;
    while (!bytes.empty()) {
        const auto written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0) {
            ok = false;
            break;
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    if (!ok && errno == EPIPE) {
        const timespec none{0, 0};
        ::sigtimedwait(&pipeSignal, nullptr, &none);
    }
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return ok;
}

void ChildProcess::closeStdin() {
    std::lock_guard lock(impl_->statusMutex);
    impl_->stdinWrite = UniqueFd();
}

ExitStatus ChildProcess::stop(std::chrono::milliseconds grace) {
    closeStdin();
    if (auto done = exitStatus())
        return *done;
    signalGroup(SIGTERM);
    if (auto done = waitFor(grace))
        return *done;
    signalGroup(SIGKILL);
    return wait();
}

void ChildProcess::signalGroup(int signal) {
    std::lock_guard lock(impl_->statusMutex);
    if (impl_->status)
        return;
    // The leader is unreaped, so the group id is still ours. A child that left the group (setsid) is signalled
    // on its own.
    if (::kill(-impl_->pid, signal) != 0 && errno == ESRCH)
        ::kill(impl_->pid, signal);
}

std::string ChildProcess::stdoutTail() const {
    std::lock_guard lock(impl_->outputMutex);
    return impl_->stdoutBuffer.tail();
}

std::string ChildProcess::stderrTail() const {
    std::lock_guard lock(impl_->outputMutex);
    return impl_->stderrBuffer.tail();
}

std::size_t ChildProcess::stdoutTotalBytes() const {
    std::lock_guard lock(impl_->outputMutex);
    return impl_->stdoutBuffer.totalBytes();
}

std::size_t ChildProcess::stderrTotalBytes() const {
    std::lock_guard lock(impl_->outputMutex);
    return impl_->stderrBuffer.totalBytes();
}

bool ChildProcess::waitForOutputEnd(std::chrono::milliseconds timeout) {
    std::unique_lock lock(impl_->outputMutex);
    return impl_->outputEnded.wait_for(lock, timeout, [this] { return !impl_->stdoutOpen && !impl_->stderrOpen; });
}

CommandResult runCommand(const ChildProcessOptions& options, std::chrono::milliseconds timeout, ChildStdin input) {
    CommandResult result;
    try {
        ChildProcess child(options, std::move(input));
        result.status = child.waitFor(timeout);
        if (!result.status) {
            result.timedOut = true;
            child.stop(200ms);
        }
        child.waitForOutputEnd(1s);
        result.out = child.stdoutTail();
        result.err = child.stderrTail();
        if (result.timedOut)
            result.status.reset();
    } catch (const ChildProcessError& error) {
        result.startError = error.what();
    }
    return result;
}

std::filesystem::path findInPath(const std::string& name, const std::string& pathVariable) {
    if (name.empty() || name.find('/') != std::string::npos)
        return {};
    std::string_view rest = pathVariable;
    for (;;) {
        const auto colon = rest.find(':');
        const auto folder = rest.substr(0, colon);
        const auto candidate = std::filesystem::path(folder.empty() ? "." : std::string(folder)) / name;
        std::error_code error;
        if (std::filesystem::is_regular_file(candidate, error) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        if (colon == std::string_view::npos)
            return {};
        rest.remove_prefix(colon + 1);
    }
}

bool processIsAlive(pid_t pid) {
    if (pid <= 0)
        return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line))
        return false;
    // "pid (comm) S ...": the state follows the last ')' (comm may contain parentheses).
    const auto close = line.rfind(')');
    if (close == std::string::npos || close + 2 >= line.size())
        return false;
    const char state = line[close + 2];
    return state != 'Z' && state != 'X';
}

pid_t processGroupOf(pid_t pid) {
    const pid_t group = ::getpgid(pid);
    return group < 0 ? -1 : group;
}

} // namespace loadscope
