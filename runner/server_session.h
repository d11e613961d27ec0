#pragma once
// ServerSession: one server under test, started for one target and repetition and reused across its rates. Starts
// it on a free port (pinned when asked), waits until it answers its readiness path, notices when it died, and keeps
// what it printed. Failures are values (StartResult), not exceptions: a server that exits, never becomes ready or
// cannot bind its port fails its step and the run goes on.

#include "child_process.h"
#include "target_definition.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace loadscope {

struct StartResult {
    bool ok = false;
    std::string message; // why it failed: "server not ready after 10 s", "server exited (exit code 1) ..."
    double startupS = 0; // from fork to ready
};

class ServerSession {
public:
    using LineSink = std::function<void(std::string_view line)>; // called on a reader thread

    ServerSession(const TargetDefinition& target, std::string python, std::optional<int> cpuCore, LineSink onLine);
    ~ServerSession(); // stops the server's process group
    ServerSession(const ServerSession&) = delete;
    ServerSession& operator=(const ServerSession&) = delete;

    // Changes the expanded command line before each start (the Python sampler wraps it); none by default.
    void setArgvWrapper(std::function<std::vector<std::string>(const std::vector<std::string>&)> wrapper) {
        argvWrapper_ = std::move(wrapper);
    }
    // Starts (or restarts) the server and waits until its readiness path answers. `cancel` aborts the wait.
    StartResult start(const std::atomic<bool>& cancel);
    bool running();
    // Set when the server was running and died (reset by the next start()).
    std::optional<ExitStatus> exitStatus() const;
    void stop();

    // The address the server binds ({host}) and is probed at: 127.0.0.1 unless generators on other hosts need it.
    void setBindAddress(std::string address) { bindAddress_ = std::move(address); }
    const std::string& address() const { return bindAddress_; }
    int port() const { return port_; }
    pid_t pid() const;
    int starts() const { return starts_; }
    const std::vector<std::string>& argv() const { return argv_; }
    // The server's output: all that is kept (the last 64 KiB of each stream), or only what came after `mark`.
    struct OutputMark {
        std::size_t stdoutBytes = 0, stderrBytes = 0;
    };
    OutputMark outputMark() const;
    std::string logTail(std::optional<OutputMark> since = std::nullopt) const;

private:
    StartResult waitUntilReady(const std::atomic<bool>& cancel);

    const TargetDefinition& target_;
    std::string python_;
    std::optional<int> cpuCore_;
    LineSink onLine_;
    std::unique_ptr<ChildProcess> process_;
    std::vector<std::string> argv_;
    std::function<std::vector<std::string>(const std::vector<std::string>&)> argvWrapper_;
    int port_ = 0;
    int starts_ = 0;
    std::string bindAddress_ = "127.0.0.1";
};

// True when a process of the group `pgid` holds a socket listening on 127.0.0.1/0.0.0.0:`port` (from /proc/net/tcp
// and the group's descriptors). Tells our server apart from another program answering on a port it could not take.
bool processGroupListensOn(pid_t pgid, int port);
// Whether some process listens on `port` at all.
bool portHasListener(int port);

} // namespace loadscope
