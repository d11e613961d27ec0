#pragma once
// NetnsLab: "other hosts" for the SSH tests, built on this machine. Each host is a network namespace joined to a
// bridge in the root namespace by a veth pair, with an address from 198.18.0.0/15 (reserved for network benchmarking,
// RFC 2544), running Debian's sshd on its own sshd_config, a host key and a user key generated for the lab (nothing of
// the system's ssh setup is read or changed). The client side gets an ssh_config naming each host (h1, h2, ...) with
// the lab's identity and known_hosts.
//
// Everything is named lsl<pid>...: the destructor removes it all (processes in the namespaces, namespaces, links,
// files), and the constructor first removes what a crashed test left behind (names whose pid is no longer alive).
// Needs root (namespaces, links); unavailableReason() says why a lab cannot be built so that tests GTEST_SKIP with it.

#include "child_process.h"

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace loadscope::test {

class NetnsLab {
public:
    // Why no lab can be built here ("" when one can): not root, no `ip`, no sshd, no ssh-keygen.
    static std::string unavailableReason();
    // Removes namespaces and links of labs whose owning process is gone (killing what still runs in them).
    static void removeLeftovers();

    // Builds `hosts` hosts and waits until each sshd accepts connections. Throws std::runtime_error (after cleaning
    // up) when something cannot be created.
    explicit NetnsLab(int hosts);
    ~NetnsLab();
    NetnsLab(const NetnsLab&) = delete;
    NetnsLab& operator=(const NetnsLab&) = delete;

    int hostCount() const { return static_cast<int>(hosts_.size()); }
    // host(0) is "h1": its alias in sshConfig(), "root@h1" is its SSH destination.
    std::string alias(int index) const { return "h" + std::to_string(index + 1); }
    const std::string& address(int index) const { return hosts_.at(static_cast<std::size_t>(index)).address; }
    const std::string& netns(int index) const { return hosts_.at(static_cast<std::size_t>(index)).netns; }
    // The root namespace's address on the bridge (what the hosts see Loadscope as).
    const std::string& gatewayAddress() const { return gateway_; }

    const std::filesystem::path& dir() const { return dir_; }
    // An ssh_config (for `ssh -F`): Host h1.. with HostName, User root, the lab identity and known_hosts.
    std::filesystem::path sshConfig() const { return dir_ / "ssh_config"; }
    std::filesystem::path identity() const { return dir_ / "id_ed25519"; }
    std::filesystem::path knownHosts() const { return dir_ / "known_hosts"; }
    // A key that no host accepts, and an ssh_config using it.
    std::filesystem::path wrongKeyConfig() const { return dir_ / "ssh_config_wrong_key"; }
    // An ssh_config whose known_hosts is empty (every host key unknown).
    std::filesystem::path unknownHostKeyConfig() const { return dir_ / "ssh_config_unknown_host"; }

    // Processes in the host's namespace, and the ones other than its sshd listener.
    std::vector<pid_t> processesIn(int index) const;
    std::vector<pid_t> strayProcessesIn(int index) const;
    // The host dies: every process in it is killed and its link goes down.
    void killHost(int index);
    // An unused address in the lab's subnet (nothing answers there).
    std::string unusedAddress() const;

private:
    struct Host {
        std::string netns, outerLink, address;
        std::unique_ptr<ChildProcess> sshd;
    };
    void build(int hosts);
    void writeClientFiles();
    void startSshd(int index);
    void teardown();

    std::string prefix_; // lsl<pid>
    std::string subnet_; // 198.18.X
    std::string gateway_;
    std::string bridge_;
    std::filesystem::path dir_;
    std::vector<Host> hosts_;
};

// Runs argv (bounded to 10 s); throws std::runtime_error naming the command and its stderr when it fails.
std::string runOrThrow(const std::vector<std::string>& argv);

} // namespace loadscope::test
