#include "ssh_host.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <thread>

namespace loadscope {

using namespace std::chrono_literals;

std::string SshDestination::text() const {
    std::string out = user.empty() ? "" : user + "@";
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != 0)
        out += ":" + std::to_string(port);
    return out;
}

std::optional<SshDestination> parseSshDestination(const std::string& text, std::string& error) {
    const std::string expected = "expected user@host[:port], e.g. bench@10.0.0.5 or bench@server:2222";
    SshDestination d;
    std::string rest = text;
    if (const auto at = rest.rfind('@'); at != std::string::npos) {
        d.user = rest.substr(0, at);
        rest = rest.substr(at + 1);
        if (d.user.empty()) {
            error = "'" + text + "': the user before '@' is empty; " + expected;
            return std::nullopt;
        }
    }
    std::string portText;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string::npos) {
            error = "'" + text + "': '[' without ']'; " + expected;
            return std::nullopt;
        }
        d.host = rest.substr(1, close - 1);
        if (close + 1 < rest.size()) {
            if (rest[close + 1] != ':') {
                error = "'" + text + "': unexpected text after ']'; " + expected;
                return std::nullopt;
            }
            portText = rest.substr(close + 2);
        }
    } else if (const auto colon = rest.find(':'); colon != std::string::npos) {
        d.host = rest.substr(0, colon);
        portText = rest.substr(colon + 1);
    } else {
        d.host = rest;
    }
    const bool hostOk =
        !d.host.empty() && d.host.front() != '-' && d.host.find_first_of(" \t\n'\"\\;&|`$") == std::string::npos;
    if (!hostOk) {
        error = "'" + text + "': the host name is empty or not a host name; " + expected;
        return std::nullopt;
    }
    if (d.user.find_first_of(" \t\n'\"\\;&|`$:") != std::string::npos || (!d.user.empty() && d.user[0] == '-')) {
        error = "'" + text + "': the user name is not a user name; " + expected;
        return std::nullopt;
    }
    if (!portText.empty() || (text.find(':') != std::string::npos && d.host.find(':') == std::string::npos)) {
        const bool digits = !portText.empty() && portText.size() <= 5 &&
                            std::all_of(portText.begin(), portText.end(), [](char c) { return std::isdigit(c); });
        d.port = digits ? std::stoi(portText) : 0;
        if (!digits || d.port < 1 || d.port > 65535) {
            error = "'" + text + "': the port '" + portText + "' is not a number from 1 to 65535; " + expected;
            return std::nullopt;
        }
    }
    return d;
}

std::string shellQuote(const std::string& text) {
    if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                "@%+=:,./-_") == std::string::npos)
        return text;
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string shellCommand(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& arg : argv)
        out += (out.empty() ? "" : " ") + shellQuote(arg);
    return out;
}

std::string lastSshWords(const std::string& sshStderr) {
    std::string said = sshStderr;
    while (!said.empty() && std::isspace(static_cast<unsigned char>(said.back())))
        said.pop_back();
    if (const auto newline = said.rfind('\n'); newline != std::string::npos)
        said = said.substr(newline + 1);
    // ssh starts its own messages with "ssh: "; ours quote them as "(ssh: ...)" already.
    const std::string prefix = "ssh: ";
    if (said.rfind(prefix, 0) == 0)
        said.erase(0, prefix.size());
    return said;
}

std::string describeSshFailure(const std::string& host, const std::string& sshStderr) {
    auto has = [&](const char* needle) { return sshStderr.find(needle) != std::string::npos; };
    const std::string said = lastSshWords(sshStderr);
    const std::string quote = said.empty() ? "" : " (ssh: " + said + ")";
    if (has("Host key verification failed") || has("host key is known") || has("No ED25519 host key") ||
        has("No RSA host key") || has("No ECDSA host key"))
        return "the host key of " + host + " is not known" + quote + ": connect once with `ssh " + host +
               "` and check the fingerprint it shows (or add it with ssh-keyscan to ~/.ssh/known_hosts)";
    if (has("REMOTE HOST IDENTIFICATION HAS CHANGED"))
        return "the host key of " + host + " has changed" + quote +
               ": if the host was reinstalled, remove the old key with `ssh-keygen -R <host>` and connect once";
    if (has("Permission denied"))
        return host + " refused the key" + quote +
               ": add your public key to ~/.ssh/authorized_keys there (`ssh-copy-id " + host +
               "`), or load it into the agent (`ssh-add`); Loadscope never asks for a password (BatchMode)";
    if (has("Could not resolve hostname"))
        return host + " is unreachable: the name does not resolve" + quote + "; check the host name or ~/.ssh/config";
    if (has("Connection refused"))
        return host + " is unreachable: nothing accepts SSH connections there" + quote +
               "; is sshd running (apt-get install openssh-server) and is the port right?";
    if (has("timed out") || has("No route to host") || has("Network is unreachable"))
        return host + " is unreachable" + quote + "; check the address, the network and any firewall on the way";
    return "cannot connect to " + host + (quote.empty() ? std::string(" (ssh printed nothing)") : quote);
}

void removeStaleControlFolders() {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/tmp", ec)) {
        const auto folder = entry.path().filename().string();
        const std::string prefix = "loadscope-ssh-";
        if (folder.rfind(prefix, 0) != 0)
            continue;
        const auto dash = folder.find('-', prefix.size());
        const auto pidText = folder.substr(prefix.size(), dash == std::string::npos ? 0 : dash - prefix.size());
        if (pidText.empty() || !std::all_of(pidText.begin(), pidText.end(), [](char c) { return std::isdigit(c); }))
            continue;
        if (!processIsAlive(static_cast<pid_t>(std::stol(pidText))))
            std::filesystem::remove_all(entry.path(), ec);
    }
}

SshHost::SshHost(SshDestination destination, SshSettings settings)
    : destination_(std::move(destination))
    , settings_(std::move(settings)) {}

SshHost::~SshHost() {
    close();
}

std::vector<std::string> SshHost::baseArgv() const {
    std::vector<std::string> argv{"ssh"};
    if (!settings_.configFile.empty())
        argv.insert(argv.end(), {"-F", settings_.configFile.string()});
    if (!settings_.identity.empty())
        argv.insert(argv.end(), {"-i", settings_.identity.string()});
    argv.insert(argv.end(), {"-o", "BatchMode=yes", "-o", "ConnectTimeout=" + std::to_string(settings_.connectTimeoutS),
                             "-o", "ServerAliveInterval=" + std::to_string(settings_.aliveIntervalS), "-o",
                             "ServerAliveCountMax=3", "-o", "ControlPath=" + (controlDir_ / "master").string()});
    if (destination_.port != 0)
        argv.insert(argv.end(), {"-p", std::to_string(destination_.port)});
    if (!destination_.user.empty())
        argv.insert(argv.end(), {"-l", destination_.user});
    return argv;
}

bool SshHost::connected() {
    return master_ && master_->running() && std::filesystem::exists(controlDir_ / "master");
}

std::string SshHost::connect() {
    if (connected())
        return {};
    const auto started = std::chrono::steady_clock::now();
    if (controlDir_.empty()) {
        removeStaleControlFolders();
        // The socket path must stay short (sockaddr_un holds 108 bytes). The pid in the name tells a folder left by
        // a Loadscope that was killed (its master died with it) from one in use.
        std::string pattern = "/tmp/loadscope-ssh-" + std::to_string(::getpid()) + "-XXXXXX";
        if (!::mkdtemp(pattern.data()))
            return "cannot create a folder for the SSH connection to " + name();
        controlDir_ = pattern;
    }
    ChildProcessOptions options;
    options.argv = baseArgv();
    options.argv.insert(options.argv.end(),
                        {"-M", "-N", "-o", "ControlMaster=yes", "-o", "ControlPersist=no", "--", destination_.host});
    try {
        master_ = std::make_unique<ChildProcess>(options);
    } catch (const ChildProcessError& error) {
        return std::string("cannot run ssh (apt-get install openssh-client): ") + error.what();
    }
    const auto deadline = started + std::chrono::seconds(settings_.connectTimeoutS + 10);
    while (!std::filesystem::exists(controlDir_ / "master")) {
        if (!master_->running()) {
            master_->waitForOutputEnd(500ms);
            const auto message = describeSshFailure(name(), master_->stderrTail());
            master_.reset();
            return message;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            master_.reset();
            return name() + " is unreachable: no SSH connection within " +
                   std::to_string(settings_.connectTimeoutS + 10) + " s";
        }
        std::this_thread::sleep_for(10ms);
    }
    connectSeconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return {};
}

void SshHost::close() {
    if (!remoteTemp_.empty() && connected())
        run("rm -rf " + shellQuote(remoteTemp_), 10s);
    remoteTemp_.clear();
    if (master_) {
        master_->stop(1s);
        master_.reset();
    }
    if (!controlDir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(controlDir_, ec);
        controlDir_.clear();
    }
}

std::vector<std::string> SshHost::commandArgv(const std::string& remoteCommand) const {
    auto argv = baseArgv();
    // Only through the master: a command must never open a second connection of its own (or prompt).
    argv.insert(argv.end(), {"-o", "ControlMaster=no", "-T", "--", destination_.host, remoteCommand});
    return argv;
}

CommandResult SshHost::run(const std::string& remoteCommand, std::chrono::milliseconds timeout) const {
    ChildProcessOptions options;
    options.argv = commandArgv(remoteCommand);
    options.outputLimitBytes = 1024 * 1024;
    return runCommand(options, timeout);
}

std::string SshHost::temporaryFolder() {
    if (!remoteTemp_.empty())
        return remoteTemp_;
    const auto made = run("mktemp -d \"${TMPDIR:-/tmp}/loadscope-XXXXXXXX\"", 15s);
    std::string folder = made.out;
    while (!folder.empty() && std::isspace(static_cast<unsigned char>(folder.back())))
        folder.pop_back();
    if (!made.success() || folder.empty() || folder.find('\n') != std::string::npos)
        throw std::runtime_error("cannot create a temporary folder on " + name() + ": " +
                                 (made.startError.empty() ? made.err : made.startError));
    remoteTemp_ = folder;
    return remoteTemp_;
}

std::string SshHost::copyFile(const std::filesystem::path& local, const std::string& remotePath) const {
    ChildProcessOptions options;
    const auto partial = remotePath + ".part";
    options.argv = commandArgv("cat > " + shellQuote(partial) + " && chmod 755 " + shellQuote(partial) + " && mv " +
                               shellQuote(partial) + " " + shellQuote(remotePath));
    const auto copied = runCommand(options, 120s, ChildStdin{local, false});
    if (copied.success())
        return {};
    return "cannot copy " + local.string() + " to " + name() + ":" + remotePath + ": " +
           (!copied.startError.empty() ? copied.startError
            : copied.timedOut          ? std::string("not done within 120 s")
                                       : copied.err);
}

} // namespace loadscope
