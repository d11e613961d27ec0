#include "netns_lab.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace loadscope::test {

using namespace std::chrono_literals;

namespace {

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            out.push_back(line);
    return out;
}

CommandResult run(const std::vector<std::string>& argv) {
    ChildProcessOptions options;
    options.argv = argv;
    return runCommand(options, 10s);
}

bool tcpConnects(const std::string& address, int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, address.c_str(), &to.sin_addr);
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof(to)) == 0;
    ::close(fd);
    return ok;
}

std::vector<pid_t> pidsOfNamespace(const std::string& netns) {
    std::vector<pid_t> pids;
    const auto result = run({"ip", "netns", "pids", netns});
    for (const auto& line : lines(result.out))
        pids.push_back(static_cast<pid_t>(std::stol(line)));
    return pids;
}

void removeNamespace(const std::string& netns) {
    for (int round = 0; round < 3; ++round) {
        const auto pids = pidsOfNamespace(netns);
        if (pids.empty())
            break;
        for (pid_t pid : pids)
            ::kill(pid, SIGKILL);
        std::this_thread::sleep_for(50ms);
    }
    run({"ip", "netns", "delete", netns});
}

// Whether the lab named lsl<pid>... belongs to a live process (or to this one).
bool ownerAlive(const std::string& pidText) {
    const pid_t pid = static_cast<pid_t>(std::stol(pidText));
    return pid == ::getpid() || processIsAlive(pid);
}

void generateKey(const std::filesystem::path& path) {
    runOrThrow({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "loadscope-lab", "-f", path.string()});
}

} // namespace

std::string runOrThrow(const std::vector<std::string>& argv) {
    const auto result = run(argv);
    if (!result.success()) {
        std::string command;
        for (const auto& part : argv)
            command += (command.empty() ? "" : " ") + part;
        throw std::runtime_error(command + " failed: " + (result.startError.empty() ? result.err : result.startError));
    }
    return result.out;
}

std::string NetnsLab::unavailableReason() {
    if (::geteuid() != 0)
        return "network namespaces need root (the test runs as uid " + std::to_string(::geteuid()) +
               "); CI runs it as root";
    const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    if (findInPath("ip", path + ":/usr/sbin:/sbin").empty())
        return "`ip` is missing: apt-get install iproute2";
    if (!std::filesystem::exists("/usr/sbin/sshd"))
        return "/usr/sbin/sshd is missing: apt-get install openssh-server";
    if (findInPath("ssh-keygen", path).empty() || findInPath("ssh", path).empty())
        return "ssh is missing: apt-get install openssh-client";
    if (!run({"ip", "netns", "list"}).success())
        return "`ip netns` does not work here (no permission to create network namespaces)";
    return {};
}

void NetnsLab::removeLeftovers() {
    static const std::regex netnsName(R"(^lsl(\d+)n\d+)");
    for (const auto& line : lines(run({"ip", "netns", "list"}).out)) {
        std::smatch match;
        if (std::regex_search(line, match, netnsName) && !ownerAlive(match[1]))
            removeNamespace(line.substr(0, line.find(' ')));
    }
    static const std::regex linkName(R"(^\d+: (lsl(\d+)[bv]\d*)[@:])");
    for (const auto& line : lines(run({"ip", "-o", "link", "show"}).out)) {
        std::smatch match;
        if (std::regex_search(line, match, linkName) && !ownerAlive(match[2]))
            run({"ip", "link", "delete", match[1]});
    }
}

NetnsLab::NetnsLab(int hosts) {
    removeLeftovers();
    prefix_ = "lsl" + std::to_string(::getpid());
    bridge_ = prefix_ + "b";
    char pattern[] = "/tmp/loadscope-lab-XXXXXX";
    if (!::mkdtemp(pattern))
        throw std::runtime_error("cannot create the lab's temporary folder");
    dir_ = pattern;
    try {
        build(hosts);
    } catch (...) {
        teardown();
        throw;
    }
}

NetnsLab::~NetnsLab() {
    teardown();
}

void NetnsLab::build(int hosts) {
    // A /24 of 198.18.0.0/15 that no interface here uses yet (labs of tests running in parallel differ).
    const auto used = run({"ip", "-o", "-4", "addr", "show"}).out;
    for (int third = 10 + ::getpid() % 200, tries = 0; tries < 256; ++tries, third = (third + 1) % 256) {
        const std::string candidate = "198.18." + std::to_string(third);
        if (used.find(candidate + ".") == std::string::npos) {
            subnet_ = candidate;
            break;
        }
    }
    if (subnet_.empty())
        throw std::runtime_error("no free /24 left in 198.18.0.0/16");
    gateway_ = subnet_ + ".1";
    runOrThrow({"ip", "link", "add", bridge_, "type", "bridge"});
    runOrThrow({"ip", "addr", "add", gateway_ + "/24", "dev", bridge_});
    runOrThrow({"ip", "link", "set", bridge_, "up"});
    // sshd refuses to start without its privilege separation folder (normally made by the service unit).
    std::filesystem::create_directories("/run/sshd");

    generateKey(dir_ / "id_ed25519");
    generateKey(dir_ / "wrong_ed25519");
    std::filesystem::copy_file(dir_ / "id_ed25519.pub", dir_ / "authorized_keys");
    for (int i = 0; i < hosts; ++i) {
        Host host;
        host.netns = prefix_ + "n" + std::to_string(i + 1);
        host.outerLink = prefix_ + "v" + std::to_string(i + 1);
        host.address = subnet_ + "." + std::to_string(11 + i);
        hosts_.push_back(std::move(host));
        const Host& h = hosts_.back();
        runOrThrow({"ip", "netns", "add", h.netns});
        runOrThrow({"ip", "link", "add", h.outerLink, "type", "veth", "peer", "name", "eth0", "netns", h.netns});
        runOrThrow({"ip", "link", "set", h.outerLink, "master", bridge_});
        runOrThrow({"ip", "link", "set", h.outerLink, "up"});
        runOrThrow({"ip", "-n", h.netns, "addr", "add", h.address + "/24", "dev", "eth0"});
        runOrThrow({"ip", "-n", h.netns, "link", "set", "eth0", "up"});
        runOrThrow({"ip", "-n", h.netns, "link", "set", "lo", "up"});
        startSshd(i);
    }
    writeClientFiles();
    for (int i = 0; i < hosts; ++i) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!tcpConnects(address(i), 22)) {
            if (!hosts_[static_cast<std::size_t>(i)].sshd->running())
                throw std::runtime_error("sshd in " + netns(i) +
                                         " exited: " + hosts_[static_cast<std::size_t>(i)].sshd->stderrTail());
            if (std::chrono::steady_clock::now() > deadline)
                throw std::runtime_error("sshd in " + netns(i) + " does not accept connections on " + address(i));
            std::this_thread::sleep_for(20ms);
        }
    }
}

void NetnsLab::startSshd(int index) {
    const Host& host = hosts_[static_cast<std::size_t>(index)];
    const auto hostDir = dir_ / alias(index);
    std::filesystem::create_directories(hostDir);
    generateKey(hostDir / "host_ed25519");
    std::ofstream(hostDir / "sshd_config") << "ListenAddress " << host.address << ":22\n"
                                           << "HostKey " << (hostDir / "host_ed25519").string() << "\n"
                                           << "PidFile none\n"
                                           << "AuthorizedKeysFile " << (dir_ / "authorized_keys").string() << "\n"
                                           << "StrictModes no\n"
                                           << "UsePAM no\n"
                                           << "PermitRootLogin prohibit-password\n"
                                           << "PasswordAuthentication no\n"
                                           << "KbdInteractiveAuthentication no\n"
                                           << "PubkeyAuthentication yes\n"
                                           << "MaxSessions 64\n"
                                           << "MaxStartups 64\n"
                                           << "ClientAliveInterval 2\n"
                                           << "ClientAliveCountMax 3\n"
                                           << "Subsystem sftp internal-sftp\n"
                                           << "LogLevel ERROR\n";
    ChildProcessOptions options;
    options.argv = {
        "ip", "netns", "exec", host.netns, "/usr/sbin/sshd", "-D", "-e", "-f", (hostDir / "sshd_config").string()};
    hosts_[static_cast<std::size_t>(index)].sshd = std::make_unique<ChildProcess>(options);
}

void NetnsLab::writeClientFiles() {
    std::ofstream known(knownHosts());
    for (int i = 0; i < hostCount(); ++i) {
        const auto key = readFile(dir_ / alias(i) / "host_ed25519.pub");
        known << alias(i) << "," << address(i) << " " << key.substr(0, key.rfind(' ')) << "\n";
    }
    known.close();
    std::ofstream(dir_ / "known_hosts_empty").flush();
    auto writeConfig = [&](const std::filesystem::path& path, const std::filesystem::path& key,
                           const std::filesystem::path& knownHosts) {
        std::ofstream config(path);
        for (int i = 0; i < hostCount(); ++i)
            config << "Host " << alias(i) << "\n  HostName " << address(i) << "\n";
        config << "Host *\n"
               << "  User root\n"
               << "  IdentityFile " << key.string() << "\n"
               << "  IdentitiesOnly yes\n"
               << "  IdentityAgent none\n"
               << "  UserKnownHostsFile " << knownHosts.string() << "\n"
               << "  GlobalKnownHostsFile /dev/null\n"
               << "  StrictHostKeyChecking yes\n"
               << "  UpdateHostKeys no\n"
               << "  ConnectTimeout 3\n"
               << "  LogLevel ERROR\n";
    };
    writeConfig(sshConfig(), identity(), knownHosts());
    writeConfig(wrongKeyConfig(), dir_ / "wrong_ed25519", knownHosts());
    writeConfig(unknownHostKeyConfig(), identity(), dir_ / "known_hosts_empty");
}

std::vector<pid_t> NetnsLab::processesIn(int index) const {
    return pidsOfNamespace(netns(index));
}

std::vector<pid_t> NetnsLab::strayProcessesIn(int index) const {
    const auto& sshd = hosts_.at(static_cast<std::size_t>(index)).sshd;
    std::vector<pid_t> stray;
    for (pid_t pid : processesIn(index))
        if (!sshd || pid != sshd->pid())
            stray.push_back(pid);
    return stray;
}

void NetnsLab::killHost(int index) {
    auto& host = hosts_.at(static_cast<std::size_t>(index));
    run({"ip", "-n", host.netns, "link", "set", "eth0", "down"});
    for (pid_t pid : processesIn(index))
        ::kill(pid, SIGKILL);
    if (host.sshd)
        host.sshd->stop(100ms);
}

std::string NetnsLab::unusedAddress() const {
    return subnet_ + ".250";
}

void NetnsLab::teardown() {
    for (auto& host : hosts_) {
        if (host.sshd)
            host.sshd->stop(200ms);
        host.sshd.reset();
        removeNamespace(host.netns); // also deletes the veth pair
        run({"ip", "link", "delete", host.outerLink});
    }
    hosts_.clear();
    if (!bridge_.empty())
        run({"ip", "link", "delete", bridge_});
    std::error_code ec;
    if (!dir_.empty())
        std::filesystem::remove_all(dir_, ec);
}

} // namespace loadscope::test
