#include "remote_server.h"

#include "http_probe.h"
#include "plan_text.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <thread>

namespace loadscope {

using namespace std::chrono_literals;

namespace {

// python3 on the generator host: GET until an answer below 500 or the deadline.
constexpr const char* kReadinessProbe = R"PY(import sys, time, urllib.request, urllib.error
url, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
last = "no attempt"
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            if answer.status < 500:
                print("ready", flush=True)
                sys.exit(0)
            last = "HTTP %d" % answer.status
    except urllib.error.HTTPError as error:
        if error.code < 500:
            print("ready", flush=True)
            sys.exit(0)
        last = "HTTP %d" % error.code
    except Exception as error:
        last = str(error)
    time.sleep(0.05)
print(last, flush=True)
sys.exit(1)
)PY";

// Every 250 ms: "t <ns>", one "p <ticks> <rss pages> <threads> <voluntary> <involuntary>" per process of the group,
// "e"; ends when the group is gone. Fields of /proc/PID/stat after "(comm) ": 3 pgrp, 12 utime, 13 stime,
// 18 threads, 22 rss.
constexpr const char* kSampler = R"SH(pg=$1
echo "h $(getconf CLK_TCK) $(getconf PAGESIZE)"
while kill -0 -$pg 2>/dev/null; do
  echo "t $(date +%s%N)"
  for f in /proc/[0-9]*/stat; do
    read -r l < "$f" 2>/dev/null || continue
    set -- ${l##*) }
    [ "$3" = "$pg" ] || continue
    d=${f%/stat}
    v=$(sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' "$d/status" 2>/dev/null)
    n=$(sed -n 's/^nonvoluntary_ctxt_switches:[[:space:]]*//p' "$d/status" 2>/dev/null)
    echo "p $((${12} + ${13})) ${22} ${18} ${v:-0} ${n:-0}"
  done
  echo e
  sleep 0.25
done)SH";

std::string lastServerLine(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    const auto newline = text.rfind('\n');
    return newline == std::string::npos ? text : text.substr(newline + 1);
}

} // namespace

// The server leads its own process group (setsid execs in place: a background job of a non-interactive shell is
// no group leader); the watchdog waits for end of file on the session's stdin, then stops the group. The session's
// exit status is the command's.
std::string underRemoteWatchdog(const std::vector<std::string>& argv, const std::string& stopSignal, double graceS) {
    const int tenths = std::max(1, static_cast<int>(std::lround(graceS * 10)));
    // A background job's stdin is /dev/null unless redirected: the watchdog reads the session's through fd 3.
    const std::string script = "exec 3<&0\n"
                               "setsid \"$@\" </dev/null 3<&- &\n"
                               "pid=$!\n"
                               "echo \"loadscope-remote-pgid $pid\" >&2\n"
                               "(cat <&3 >/dev/null; kill -" +
                               stopSignal +
                               " -$pid 2>/dev/null; i=0\n"
                               " while kill -0 -$pid 2>/dev/null && [ $i -lt " +
                               std::to_string(tenths) +
                               " ]; do sleep 0.1; i=$((i+1)); done\n"
                               " kill -KILL -$pid 2>/dev/null) >/dev/null 2>&1 &\n"
                               "exec 3<&-\n"
                               "wait $pid";
    return "sh -c " + shellQuote(script) + " loadscope-watchdog " + shellCommand(argv);
}

std::string probeReadinessFrom(const SshHost& from, const std::string& address, int port, const std::string& path,
                               double timeoutS, const std::function<bool()>& keepGoing) {
    ChildProcessOptions options;
    const std::string url = "http://" + address + ":" + std::to_string(port) + path;
    options.argv = from.commandArgv(shellCommand({"python3", "-c", kReadinessProbe, url, formatNumber(timeoutS, 1)}));
    try {
        ChildProcess probe(options);
        while (!probe.waitFor(50ms)) {
            if (!keepGoing()) {
                probe.stop(100ms);
                return "stopped waiting";
            }
        }
        probe.waitForOutputEnd(1s);
        if (probe.exitStatus()->success())
            return {};
        const auto said = lastServerLine(probe.stdoutTail());
        return "GET " + url + " from " + from.name() + ": " +
               (said.empty() ? lastServerLine(probe.stderrTail()) + " (is python3 installed there?)" : said);
    } catch (const ChildProcessError& error) {
        return error.what();
    }
}

RemoteServerSession::RemoteServerSession(const TargetDefinition& target, SshHost& host, std::string address,
                                         std::string python, const SshHost* probeFrom, LineSink onLine)
    : target_(target)
    , host_(host)
    , address_(std::move(address))
    , python_(std::move(python))
    , probeFrom_(probeFrom)
    , onLine_(std::move(onLine)) {}

RemoteServerSession::~RemoteServerSession() {
    stop();
}

bool RemoteServerSession::running() {
    return session_ && session_->running();
}

std::optional<ExitStatus> RemoteServerSession::exitStatus() const {
    return session_ ? session_->exitStatus() : std::nullopt;
}

void RemoteServerSession::stop() {
    if (!session_ || !session_->running())
        return;
    // End of file first: the watchdog stops the group (SIGTERM, SIGKILL after 2 s) and the session ends with it.
    session_->closeStdin();
    if (!session_->waitFor(3s))
        session_->stop(1s);
}

std::string RemoteServerSession::logTail() const {
    if (!session_)
        return {};
    const auto out = session_->stdoutTail(), err = session_->stderrTail();
    if (out.empty())
        return err;
    return "--- stdout ---\n" + out + "--- stderr ---\n" + err;
}

int RemoteServerSession::pickRemotePort(std::string& error) {
    // A random port in 20000-29999 that nothing listens on there (ss from iproute2).
    const auto picked = host_.run("for i in 1 2 3 4 5 6 7 8 9 10; do p=$(shuf -i 20000-29999 -n 1); "
                                  "ss -Htln \"sport = :$p\" | grep -q . || { echo $p; exit 0; }; done; exit 1",
                                  15s);
    if (!picked.success()) {
        error = "cannot pick a free port on " + host_.name() +
                " (needs shuf and ss: coreutils, iproute2): " + lastServerLine(picked.err);
        return 0;
    }
    return std::atoi(picked.out.c_str());
}

// The target's command line for that host, with its environment and working directory, under the remote watchdog
// (end of file on stdin stops the group with SIGTERM).
std::string RemoteServerSession::remoteCommand() {
    auto values = defaultPlaceholderValues(port_);
    values.python = python_;
    values.host = address_;
    const auto launch = expandLaunch(target_, values);
    argv_ = launch.argv;
    std::vector<std::string> command{"env"};
    for (const auto& [name, value] : launch.env)
        command.push_back(name + "=" + value);
    command.insert(command.end(), launch.argv.begin(), launch.argv.end());
    std::string remote = underRemoteWatchdog(command, "TERM", 2.0);
    if (!launch.workingDirectory.empty())
        remote = "cd " + shellQuote(launch.workingDirectory.string()) + " && " + remote;
    return remote;
}

// "" once the server answers its readiness path (probed from a generator host when there is one: the path the load
// takes), else why not.
std::string RemoteServerSession::waitUntilServing(const std::atomic<bool>& cancel) {
    auto keepGoing = [&] { return !cancel.load() && session_->running(); };
    if (probeFrom_)
        return probeReadinessFrom(*probeFrom_, address_, port_, target_.readinessPath, target_.readinessTimeoutS,
                                  keepGoing);
    const auto ready =
        waitUntilReady(address_, port_, target_.readinessPath,
                       std::chrono::milliseconds(static_cast<long long>(target_.readinessTimeoutS * 1000)), keepGoing);
    return ready.ready ? "" : ready.error;
}

StartResult RemoteServerSession::start(const std::atomic<bool>& cancel) {
    stop();
    ++starts_;
    remotePgid_ = 0;
    const auto started = std::chrono::steady_clock::now();
    std::string error;
    port_ = pickRemotePort(error);
    if (port_ == 0)
        return {false, error, 0};
    ChildProcessOptions options;
    options.argv = host_.commandArgv(remoteCommand());
    options.onLine = [this, sink = onLine_](OutputStream, std::string_view line) {
        if (line.rfind("loadscope-remote-pgid ", 0) == 0) {
            remotePgid_ = static_cast<pid_t>(std::atol(std::string(line.substr(22)).c_str()));
            return;
        }
        if (sink)
            sink(line);
    };
    try {
        session_ = std::make_unique<ChildProcess>(options, ChildStdin{{}, true});
    } catch (const ChildProcessError& e) {
        return {false, std::string("the server could not start on ") + host_.name() + ": " + e.what(), 0};
    }
    const std::string notReady = waitUntilServing(cancel);
    const double startupS = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (cancel.load())
        return {false, "cancelled while the server was starting", startupS};
    if (!session_->running()) {
        session_->waitForOutputEnd(500ms);
        const auto status = session_->exitStatus();
        return {false,
                "the server exited on " + host_.name() + " (" + (status ? status->toString() : std::string("?")) +
                    ") before it was ready: " + lastServerLine(logTail()),
                startupS};
    }
    if (!notReady.empty()) {
        stop();
        return {false,
                "server on " + host_.name() + " not ready after " + formatNumber(target_.readinessTimeoutS, 1) +
                    " s: " + notReady,
                startupS};
    }
    return {true, {}, startupS};
}

RemoteResourceSampler::RemoteResourceSampler(const SshHost& host, pid_t processGroup) {
    ChildProcessOptions options;
    options.argv = host.commandArgv("sh -c " + shellQuote(kSampler) + " sampler " + std::to_string(processGroup));
    options.onLine = [this](OutputStream stream, std::string_view line) {
        if (stream == OutputStream::Stdout)
            onLine(line);
    };
    try {
        loop_ = std::make_unique<ChildProcess>(options);
    } catch (const ChildProcessError&) {
        // No samples: the step keeps empty server resources.
    }
}

RemoteResourceSampler::~RemoteResourceSampler() {
    if (loop_)
        loop_->stop(200ms);
}

void RemoteResourceSampler::onLine(std::string_view line) {
    std::istringstream in{std::string(line)};
    std::string kind;
    in >> kind;
    std::lock_guard lock(mutex_);
    if (kind == "h") {
        in >> ticksPerSecond_ >> pageBytes_;
    } else if (kind == "t") {
        std::int64_t ns = 0;
        in >> ns;
        current_ = Sample{};
        current_.wallS = static_cast<double>(ns) / 1e9;
    } else if (kind == "p") {
        std::int64_t ticks = 0, rss = 0, voluntary = 0, involuntary = 0;
        int threads = 0;
        in >> ticks >> rss >> threads >> voluntary >> involuntary;
        current_.cpuS += static_cast<double>(ticks) / ticksPerSecond_;
        current_.rssBytes += rss * pageBytes_;
        current_.threads += threads;
        current_.voluntary += voluntary;
        current_.involuntary += involuntary;
    } else if (kind == "e" && windowOpen_ && !windowClosed_) {
        if (!first_)
            first_ = current_;
        last_ = current_;
        peakRss_ = std::max(peakRss_, current_.rssBytes);
        peakThreads_ = std::max(peakThreads_, current_.threads);
    }
}

void RemoteResourceSampler::openWindow() {
    std::lock_guard lock(mutex_);
    windowOpen_ = true;
}

void RemoteResourceSampler::closeWindow() {
    std::lock_guard lock(mutex_);
    windowClosed_ = true;
}

ServerResources RemoteResourceSampler::windowSummary() const {
    std::lock_guard lock(mutex_);
    ServerResources r;
    if (!first_ || !last_ || last_->wallS <= first_->wallS)
        return r;
    r.cpuPercent = 100.0 * (last_->cpuS - first_->cpuS) / (last_->wallS - first_->wallS);
    r.peakRssBytes = peakRss_;
    r.threads = peakThreads_;
    r.voluntaryContextSwitches = last_->voluntary - first_->voluntary;
    r.involuntaryContextSwitches = last_->involuntary - first_->involuntary;
    return r;
}

} // namespace loadscope
