#pragma once
// SshHost: one other host reached with the user's own OpenSSH client (`ssh`), for servers under test and load
// generators that run elsewhere (docs/hosts.md). No agent to install: commands run through the host's sshd.
//
//  - One connection per host, shared by every command (ControlMaster). The master is a foreground `ssh -M -N` owned
//    by a ChildProcess (ControlPersist=no), not a backgrounded persistent master: it dies with Loadscope (process
//    group, PR_SET_PDEATHSIG), and with it every remote session, so no remote watchdog is left waiting.
//  - BatchMode=yes: a missing key, an unknown host key or a password prompt fail at once with ssh's message, which
//    describeSshFailure() turns into what to do. The user's ~/.ssh/config, agent and known_hosts apply unless
//    SshSettings names a config file or an identity (the tests' lab does).
//  - A private temporary folder on the host (mktemp -d) holds what Loadscope copies there; removed on close().

#include "child_process.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace loadscope {

// user@host[:port] (user and port optional). IPv6 addresses go in brackets: user@[::1]:2222.
struct SshDestination {
    std::string user;
    std::string host;
    int port = 0;             // 0: ssh's default (config or 22)
    std::string text() const; // as the user would write it
};
// The destination, or nullopt with `error` saying what is expected.
std::optional<SshDestination> parseSshDestination(const std::string& text, std::string& error);

struct SshSettings {
    std::filesystem::path configFile; // ssh -F (empty: the user's ~/.ssh/config)
    std::filesystem::path identity;   // ssh -i (empty: config and agent)
    int connectTimeoutS = 5;
    // ServerAliveInterval: a host that stops answering is given up after interval x 3.
    int aliveIntervalS = 2;
};

// `text` quoted for a POSIX shell (the remote command line is run by the remote user's shell).
std::string shellQuote(const std::string& text);
std::string shellCommand(const std::vector<std::string>& argv);

// Removes /tmp/loadscope-ssh-<pid>-* folders (connection sockets) of Loadscope processes that are gone (killed:
// nothing else could remove them).
void removeStaleControlFolders();

// The last line ssh printed on stderr, without the "ssh: " it starts its own messages with (callers quote it as
// "(ssh: ...)").
std::string lastSshWords(const std::string& sshStderr);
// ssh's stderr for a failed connection turned into one message naming the host and what to do about it.
std::string describeSshFailure(const std::string& host, const std::string& sshStderr);

class SshHost {
public:
    SshHost(SshDestination destination, SshSettings settings);
    ~SshHost(); // close()
    SshHost(const SshHost&) = delete;
    SshHost& operator=(const SshHost&) = delete;

    const SshDestination& destination() const { return destination_; }
    std::string name() const { return destination_.text(); }

    // Opens the shared connection; "" when it is up, else describeSshFailure()'s message. Idempotent.
    std::string connect();
    bool connected();
    // How long connect() took (seconds), for the SSH set-up cost.
    double connectSeconds() const { return connectSeconds_; }
    // Removes the temporary folder (when one was made) and closes the connection.
    void close();

    // The ssh argv that runs `remoteCommand` (a shell command line) on the host through the shared connection.
    std::vector<std::string> commandArgv(const std::string& remoteCommand) const;
    // Runs a shell command line on the host, bounded by `timeout`.
    CommandResult run(const std::string& remoteCommand, std::chrono::milliseconds timeout) const;
    // A private folder (mode 0700) on the host, made on first use; throws std::runtime_error when it cannot be.
    std::string temporaryFolder();
    // Copies a local file to `remotePath` through the shared connection (cat over ssh), mode 0755; "" or the error.
    std::string copyFile(const std::filesystem::path& local, const std::string& remotePath) const;

private:
    std::vector<std::string> baseArgv() const;

    SshDestination destination_;
    SshSettings settings_;
    std::filesystem::path controlDir_; // local, 0700: the master's socket
    std::unique_ptr<ChildProcess> master_;
    std::string remoteTemp_;
    double connectSeconds_ = 0;
};

} // namespace loadscope
