#include "server_session.h"

#include "http_probe.h"
#include "install_paths.h"
#include "plan_text.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace loadscope {

using namespace std::chrono_literals;

namespace {

// The inodes of sockets listening on `port` (IPv4 and IPv6, any local address).
std::set<std::string> listeningInodes(int port) {
    std::set<std::string> inodes;
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line); // header
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
            fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
            if (state != "0A") // TCP_LISTEN
                continue;
            const auto colon = local.rfind(':');
            if (colon == std::string::npos)
                continue;
            if (std::stoi(local.substr(colon + 1), nullptr, 16) == port)
                inodes.insert(inode);
        }
    }
    return inodes;
}

bool holdsSocket(const std::filesystem::path& procDir, const std::set<std::string>& inodes) {
    std::error_code ec;
    for (const auto& fd : std::filesystem::directory_iterator(procDir / "fd", ec)) {
        const auto target = std::filesystem::read_symlink(fd.path(), ec).string();
        if (target.rfind("socket:[", 0) == 0 && inodes.count(target.substr(8, target.size() - 9)))
            return true;
    }
    return false;
}

bool looksLikeAddressInUse(const std::string& log) {
    for (const char* needle : {"Address already in use", "address already in use", "EADDRINUSE", "Errno 98"})
        if (log.find(needle) != std::string::npos)
            return true;
    return false;
}

std::string lastLines(const std::string& text, int count) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!trim(line).empty())
            lines.push_back(line);
    if (static_cast<int>(lines.size()) > count)
        lines.erase(lines.begin(), lines.end() - count);
    return joinList(lines, " | ");
}

} // namespace

bool portHasListener(int port) {
    return !listeningInodes(port).empty();
}

bool processGroupListensOn(pid_t pgid, int port) {
    const auto inodes = listeningInodes(port);
    if (inodes.empty())
        return false;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const auto name = entry.path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit))
            continue;
        if (processGroupOf(static_cast<pid_t>(std::stol(name))) == pgid && holdsSocket(entry.path(), inodes))
            return true;
    }
    return false;
}

ServerSession::ServerSession(const TargetDefinition& target, std::string python, std::optional<int> cpuCore,
                             LineSink onLine)
    : target_(target)
    , python_(std::move(python))
    , cpuCore_(cpuCore)
    , onLine_(std::move(onLine)) {}

ServerSession::~ServerSession() {
    stop();
}

pid_t ServerSession::pid() const {
    return process_ ? process_->pid() : 0;
}

bool ServerSession::running() {
    return process_ && process_->running();
}

std::optional<ExitStatus> ServerSession::exitStatus() const {
    return process_ ? process_->exitStatus() : std::nullopt;
}

void ServerSession::stop() {
    if (process_ && process_->running())
        process_->stop(2s);
}

ServerSession::OutputMark ServerSession::outputMark() const {
    if (!process_)
        return {};
    return {process_->stdoutTotalBytes(), process_->stderrTotalBytes()};
}

std::string ServerSession::logTail(std::optional<OutputMark> since) const {
    if (!process_)
        return {};
    auto part = [](std::string tail, std::size_t total, std::optional<std::size_t> mark) {
        if (mark) {
            const std::size_t fresh = total > *mark ? total - *mark : 0;
            if (fresh < tail.size())
                tail.erase(0, tail.size() - fresh);
        }
        return tail;
    };
    const auto out = part(process_->stdoutTail(), process_->stdoutTotalBytes(),
                          since ? std::optional(since->stdoutBytes) : std::nullopt);
    const auto err = part(process_->stderrTail(), process_->stderrTotalBytes(),
                          since ? std::optional(since->stderrBytes) : std::nullopt);
    if (out.empty())
        return err;
    if (err.empty())
        return out;
    return "--- stdout ---\n" + out + (out.back() == '\n' ? "" : "\n") + "--- stderr ---\n" + err;
}

StartResult ServerSession::start(const std::atomic<bool>& cancel) {
    if (process_) {
        process_->stop(2s);
        // Keep the dead server's output until the new one replaces it: the caller has read it already.
    }
    ++starts_;
    auto values = defaultPlaceholderValues(findFreePort());
    values.python = python_;
    values.host = bindAddress_;
    values.bin = binDir();
    values.resources = resourcesDir();
    const auto launch = expandLaunch(target_, values);
    port_ = values.port;
    argv_ = argvWrapper_ ? argvWrapper_(launch.argv) : launch.argv;

    ChildProcessOptions options;
    options.argv = argv_;
    options.env = launch.env;
    options.workingDirectory = launch.workingDirectory;
    if (cpuCore_)
        options.cpuAffinity = {*cpuCore_};
    options.outputLimitBytes = 64 * 1024;
    options.onLine = [sink = onLine_](OutputStream, std::string_view line) {
        if (sink)
            sink(line);
    };
    const auto started = std::chrono::steady_clock::now();
    try {
        process_.reset();
        process_ = std::make_unique<ChildProcess>(options);
    } catch (const ChildProcessError& e) {
        return {false, std::string("the server could not start: ") + e.what(), 0};
    }
    auto result = waitUntilReady(cancel);
    result.startupS = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

StartResult ServerSession::waitUntilReady(const std::atomic<bool>& cancel) {
    const auto timeout = std::chrono::milliseconds(static_cast<long long>(target_.readinessTimeoutS * 1000));
    const auto readiness = loadscope::waitUntilReady(bindAddress_, port_, target_.readinessPath, timeout,
                                                     [&] { return !cancel.load() && process_->running(); });
    if (cancel.load())
        return {false, "cancelled while the server was starting", 0};
    if (!process_->running()) {
        process_->waitForOutputEnd(500ms);
        const auto status = process_->exitStatus();
        const auto log = logTail();
        std::string message =
            "the server exited (" + (status ? status->toString() : std::string("?")) + ") before it was ready";
        if (looksLikeAddressInUse(log))
            message = "the server could not bind its port (address already in use) and exited (" +
                      (status ? status->toString() : std::string("?")) + ")";
        if (const auto tail = lastLines(log, 3); !tail.empty())
            message += ": " + tail;
        return {false, message, 0};
    }
    if (!readiness.ready) {
        std::string message = "server not ready after " + formatNumber(target_.readinessTimeoutS, 1) + " s (GET " +
                              target_.readinessPath + " on port " + std::to_string(port_) + ": " + readiness.error +
                              ")";
        process_->stop(2s);
        return {false, message, 0};
    }
    // Something answered; make sure it is our server and not another program that holds the port.
    if (!processGroupListensOn(process_->pid(), port_)) {
        process_->stop(2s);
        return {false,
                "port " + std::to_string(port_) + " is answered by another program, not by the server we started " +
                    "(the port was taken)",
                0};
    }
    return {true, {}, 0};
}

} // namespace loadscope
