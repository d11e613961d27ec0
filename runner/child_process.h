#pragma once
// ChildProcess: the one RAII handle for every process Loadscope starts (servers under test, the load generator,
// version probes). Guarantees, so that no child ever outlives Loadscope or a test:
//  - each child leads its own process group, and stop() / the destructor signal the whole group (grandchildren
//    such as a shell's background jobs or a server's workers go too);
//  - each child has PR_SET_PDEATHSIG = SIGKILL, so it dies even when Loadscope is SIGKILLed. The kernel sends that
//    signal when the *thread* that forked the child exits, not the process: every child is therefore forked by one
//    dedicated launcher thread that lives as long as the process, whichever thread constructs the ChildProcess;
//  - the destructor always stops and reaps the child and joins its output reader.
// stdout and stderr are read by a background thread into bounded buffers (the last outputLimitBytes of each) and
// optionally handed line by line to a callback. stdin is /dev/null, a file, or a pipe held open by the handle (so
// that the child sees end of file when Loadscope closes it or dies: the remote watchdog of an SSH session).

#include "output_buffer.h"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope {

enum class OutputStream { Stdout, Stderr };

struct ChildProcessOptions {
    std::vector<std::string> argv;            // argv[0]: a path, or a name looked up in PATH
    std::map<std::string, std::string> env;   // set in the child (on top of the inherited environment)
    bool inheritEnvironment = true;           // false: the child sees only `env`
    std::filesystem::path workingDirectory;   // empty: the parent's
    std::vector<int> cpuAffinity;             // CPUs the child may run on; empty: no restriction
    std::size_t outputLimitBytes = 64 * 1024; // kept per stream (the most recent bytes)
    // Called on the reader thread for each complete line (without the '\n'); lines longer than outputLimitBytes
    // arrive in pieces. Must return quickly and must not destroy this ChildProcess.
    std::function<void(OutputStream, std::string_view line)> onLine;
};

// What the child reads on stdin (kept apart from ChildProcessOptions, which callers brace-initialise in full).
struct ChildStdin {
    std::filesystem::path file; // read as stdin (empty: /dev/null, unless pipe)
    bool pipe = false;          // a pipe whose write end the handle keeps until closeStdin() / stop()
};

struct ExitStatus {
    bool exited = false; // returned from main / called exit()
    int code = 0;        // exit code when exited
    int signal = 0;      // the terminating signal when !exited
    bool success() const { return exited && code == 0; }
    std::string toString() const; // "exit code 0", "killed by SIGKILL"
};

// Thrown by the constructor when the child cannot be started (no such executable, bad working directory...).
class ChildProcessError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ChildProcess {
public:
    // Starts the child (blocks until it has exec'd or failed to). Throws ChildProcessError on failure.
    explicit ChildProcess(ChildProcessOptions options, ChildStdin input = {});
    // Stops the group (SIGTERM, then SIGKILL after 2 s) if still running, reaps it, joins the reader.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const;
    const std::vector<std::string>& argv() const;
    // Reaps the child if it has exited (never blocks).
    bool running();
    // Waits at most `timeout` for the child to exit; the status when it has.
    std::optional<ExitStatus> waitFor(std::chrono::milliseconds timeout);
    ExitStatus wait();
    // The exit status once reaped (running() / waitFor() / stop() reap).
    std::optional<ExitStatus> exitStatus() const;

    // Writes to the stdin pipe (ChildStdin::pipe); false when it is closed or the child stopped reading. Never raises
    // SIGPIPE.
    bool writeStdin(std::string_view bytes);
    // Closes the write end of the stdin pipe (stdinPipe): the child reads end of file. Idempotent.
    void closeStdin();
    // SIGTERM to the group, SIGKILL to the group after `grace`, then reaps. Idempotent. Group members that
    // outlive the leader are SIGKILLed as well.
    ExitStatus stop(std::chrono::milliseconds grace = std::chrono::seconds(2));
    // Sends `signal` to the whole process group (no-op once the group is gone).
    void signalGroup(int signal);

    // The most recent output (at most outputLimitBytes per stream).
    std::string stdoutTail() const;
    std::string stderrTail() const;
    // Total bytes read so far (including the ones no longer kept).
    std::size_t stdoutTotalBytes() const;
    std::size_t stderrTotalBytes() const;
    // Waits at most `timeout` until both output streams reached end of file (the child and everything it
    // started closed them); true when they have. After the child exited, the tails are then complete.
    bool waitForOutputEnd(std::chrono::milliseconds timeout);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// A child process's one-shot result (used for version probes and import checks).
struct CommandResult {
    std::optional<ExitStatus> status; // empty when it timed out (and was killed) or could not start
    std::string out;
    std::string err;
    std::string startError; // why it could not start
    bool timedOut = false;
    bool success() const { return status && status->success(); }
};
// Runs argv to completion (killed after `timeout`), capturing stdout and stderr.
CommandResult runCommand(const ChildProcessOptions& options, std::chrono::milliseconds timeout, ChildStdin input = {});

// The first executable file called `name` in the ':'-separated folders of `pathVariable` (an empty entry is the
// current folder), as execvp looks it up; empty when there is none or `name` contains a '/'.
std::filesystem::path findInPath(const std::string& name, const std::string& pathVariable);

// /proc helpers. True when `pid` exists and is not a zombie.
bool processIsAlive(pid_t pid);
// The process group id of `pid`, or -1.
pid_t processGroupOf(pid_t pid);
// The signal name: "SIGTERM" (or "signal 42").
std::string signalName(int signal);

} // namespace loadscope
