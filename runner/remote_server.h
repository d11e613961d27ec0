#pragma once
// RemoteServerSession: the server under test on another host, started over the host's SSH connection under a
// remote watchdog so that it cannot outlive Loadscope:
//   - the server runs in a process group of its own (setsid), next to a watchdog that waits for end of file on the
//     SSH session's stdin. Loadscope holds that stdin open (ChildProcess::stdinPipe); when Loadscope stops the server,
//     exits, is killed, or the connection drops (ServerAlive / ClientAlive), the watchdog sees end of file and stops
//     the group: SIGTERM, then SIGKILL after 2 s;
//   - the SSH session ends with the server (its exit status is ssh's), so a server that dies is noticed as locally;
//   - readiness is probed from a generator host when there is one (the path the load takes), else from here;
//   - the group's CPU, memory, threads and context switches are read from the host's /proc (RemoteResourceSampler).

#include "child_process.h"
#include "run_types.h"
#include "server_session.h" // StartResult
#include "ssh_host.h"
#include "target_definition.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace loadscope {

// `argv` run on a host under the remote watchdog: end of file on stdin sends `stopSignal` ("TERM", "INT") to its
// process group, then SIGKILL after `graceS`. Prints "loadscope-remote-pgid <pgid>" on stderr first.
std::string underRemoteWatchdog(const std::vector<std::string>& argv, const std::string& stopSignal, double graceS);

// Polls http://address:port/path from `from` (python3 there) until it answers below 500, at most `timeout`.
// `keepGoing` is checked every 50 ms locally (the server died, cancel). "" when ready, else why not.
std::string probeReadinessFrom(const SshHost& from, const std::string& address, int port, const std::string& path,
                               double timeoutS, const std::function<bool()>& keepGoing);

class RemoteServerSession {
public:
    using LineSink = std::function<void(std::string_view line)>;

    // `address`: what the server binds ({host}) and the generators connect to. `probeFrom`: a generator host to
    // probe readiness from (nullptr: probe from here).
    RemoteServerSession(const TargetDefinition& target, SshHost& host, std::string address, std::string python,
                        const SshHost* probeFrom, LineSink onLine);
    ~RemoteServerSession();
    RemoteServerSession(const RemoteServerSession&) = delete;
    RemoteServerSession& operator=(const RemoteServerSession&) = delete;

    StartResult start(const std::atomic<bool>& cancel);
    bool running();
    std::optional<ExitStatus> exitStatus() const;
    void stop();

    const std::string& address() const { return address_; }
    int port() const { return port_; }
    pid_t remoteProcessGroup() const { return remotePgid_; } // on the server host; 0 until it started
    int starts() const { return starts_; }
    const std::vector<std::string>& argv() const { return argv_; }
    std::string logTail() const;
    SshHost& host() const { return host_; }

private:
    int pickRemotePort(std::string& error);
    std::string remoteCommand();
    std::string waitUntilServing(const std::atomic<bool>& cancel);

    const TargetDefinition& target_;
    SshHost& host_;
    std::string address_;
    std::string python_;
    const SshHost* probeFrom_;
    LineSink onLine_;
    std::unique_ptr<ChildProcess> session_;
    std::vector<std::string> argv_;
    int port_ = 0;
    int starts_ = 0;
    std::atomic<pid_t> remotePgid_{0};
};

// The server's process group on its host, sampled from /proc every 250 ms over SSH (a shell loop there), summed
// over the group like ResourceSampler does locally: CPU of one core, peak RSS, threads, context switches.
class RemoteResourceSampler {
public:
    RemoteResourceSampler(const SshHost& host, pid_t processGroup);
    ~RemoteResourceSampler();
    void openWindow();
    void closeWindow();
    // Over the window (an empty summary when fewer than two samples fell in it).
    ServerResources windowSummary() const;

private:
    struct Sample {
        double wallS = 0;
        double cpuS = 0;
        std::int64_t rssBytes = 0;
        int threads = 0;
        std::int64_t voluntary = 0, involuntary = 0;
    };
    void onLine(std::string_view line);

    mutable std::mutex mutex_;
    double ticksPerSecond_ = 100;
    std::int64_t pageBytes_ = 4096;
    Sample current_;
    bool windowOpen_ = false, windowClosed_ = false;
    std::optional<Sample> first_, last_;
    std::int64_t peakRss_ = 0;
    int peakThreads_ = 0;
    std::unique_ptr<ChildProcess> loop_;
};

} // namespace loadscope
