// ChildProcess against real processes: output capture, errors, process groups, stop/kill escalation, the
// destructor, PDEATHSIG through a middle process, affinity and file descriptors.

#include "child_process.h"
#include "output_buffer.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

using namespace loadscope;
using namespace std::chrono_literals;

namespace {

// Collects the lines a child prints, so a test can wait for a given number of them.
struct LineCollector {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> lines;

    std::function<void(OutputStream, std::string_view)> callback() {
        return [this](OutputStream, std::string_view line) {
            std::lock_guard lock(mutex);
            lines.emplace_back(line);
            changed.notify_all();
        };
    }
    bool waitForLines(std::size_t count, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, [&] { return lines.size() >= count; });
    }
    std::vector<std::string> snapshot() {
        std::lock_guard lock(mutex);
        return lines;
    }
};

// Waits until every pid is gone (or a zombie) or the timeout passes.
bool allGone(const std::vector<pid_t>& pids, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        bool anyAlive = false;
        for (pid_t pid : pids)
            anyAlive = anyAlive || processIsAlive(pid);
        if (!anyAlive)
            return true;
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(10ms);
    }
}

ChildProcessOptions shell(const std::string& script) {
    ChildProcessOptions options;
    options.argv = {"/bin/sh", "-c", script};
    return options;
}

std::filesystem::path helperPath() {
    std::error_code error;
    return std::filesystem::read_symlink("/proc/self/exe", error).parent_path() / "test_child_process_helper";
}

} // namespace

TEST(OutputBuffer, KeepsOnlyTheMostRecentBytes) {
    BoundedOutputBuffer buffer(8);
    buffer.append("abc");
    EXPECT_EQ(buffer.tail(), "abc");
    buffer.append("defghijkl");
    EXPECT_EQ(buffer.tail(), "efghijkl");
    for (int i = 0; i < 100; ++i)
        buffer.append("0123456789");
    EXPECT_EQ(buffer.tail(), "23456789");
    EXPECT_EQ(buffer.totalBytes(), 12u + 1000u);
}

TEST(OutputBuffer, SplitsLinesAndCutsOverlongOnes) {
    std::vector<std::string> lines;
    LineSplitter splitter(4, [&](std::string_view line) { lines.emplace_back(line); });
    splitter.feed("ab\r\ncd");
    splitter.feed("\nabcdefghij\n\nxy");
    splitter.finish();
    EXPECT_EQ(lines, (std::vector<std::string>{"ab", "cd", "abcd", "efgh", "ij", "", "xy"}));
}

TEST(ChildProcess, CapturesStdoutStderrAndTheExitCode) {
    LineCollector collector;
    auto options = shell("echo out1; echo err1 >&2; echo out2; exit 3");
    options.onLine = collector.callback();
    ChildProcess child(options);
    EXPECT_GT(child.pid(), 0);
    const auto status = child.wait();
    EXPECT_TRUE(status.exited);
    EXPECT_EQ(status.code, 3);
    EXPECT_FALSE(status.success());
    EXPECT_EQ(status.toString(), "exit code 3");
    ASSERT_TRUE(child.waitForOutputEnd(2s));
    EXPECT_EQ(child.stdoutTail(), "out1\nout2\n");
    EXPECT_EQ(child.stderrTail(), "err1\n");
    auto lines = collector.snapshot();
    std::sort(lines.begin(), lines.end());
    EXPECT_EQ(lines, (std::vector<std::string>{"err1", "out1", "out2"}));
}

TEST(ChildProcess, ReportsTheKillingSignal) {
    ChildProcess child(shell("kill -SEGV $$"));
    const auto status = child.wait();
    EXPECT_FALSE(status.exited);
    EXPECT_EQ(status.signal, SIGSEGV);
    EXPECT_EQ(status.toString(), "killed by SIGSEGV");
}

TEST(ChildProcess, ThrowsAClearErrorWhenItCannotStart) {
    try {
        ChildProcess child(ChildProcessOptions{{"/nonexistent/loadscope-server"}, {}, true, {}, {}, 1024, {}});
        FAIL() << "started a missing executable";
    } catch (const ChildProcessError& error) {
        EXPECT_NE(std::string(error.what()).find("/nonexistent/loadscope-server"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("No such file"), std::string::npos) << error.what();
    }
    try {
        ChildProcess child(ChildProcessOptions{{"loadscope-no-such-command"}, {}, true, {}, {}, 1024, {}});
        FAIL() << "started a missing command";
    } catch (const ChildProcessError& error) {
        EXPECT_NE(std::string(error.what()).find("not found in PATH"), std::string::npos) << error.what();
    }
    auto options = shell("true");
    options.workingDirectory = "/nonexistent/folder";
    EXPECT_THROW(ChildProcess{options}, ChildProcessError);
    EXPECT_THROW(ChildProcess{ChildProcessOptions{}}, ChildProcessError);
}

TEST(ChildProcess, PassesEnvironmentAndWorkingDirectory) {
    const auto folder = std::filesystem::temp_directory_path();
    auto options = shell("echo \"$LOADSCOPE_TEST_VALUE|$HOME|$(pwd)\"");
    options.env = {{"LOADSCOPE_TEST_VALUE", "forty two"}};
    options.workingDirectory = folder;
    {
        ChildProcess child(options);
        EXPECT_TRUE(child.wait().success());
        ASSERT_TRUE(child.waitForOutputEnd(2s));
        const std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
        EXPECT_EQ(child.stdoutTail(), "forty two|" + home + "|" + std::filesystem::canonical(folder).string() + "\n");
    }
    options.inheritEnvironment = false;
    ChildProcess isolated(options);
    EXPECT_TRUE(isolated.wait().success());
    ASSERT_TRUE(isolated.waitForOutputEnd(2s));
    EXPECT_EQ(isolated.stdoutTail().substr(0, 11), "forty two||");
}

TEST(ChildProcess, LeadsItsOwnProcessGroup) {
    ChildProcess child(ChildProcessOptions{{"sleep", "30"}, {}, true, {}, {}, 1024, {}});
    EXPECT_TRUE(child.running());
    EXPECT_EQ(processGroupOf(child.pid()), child.pid());
    EXPECT_NE(processGroupOf(child.pid()), processGroupOf(::getpid()));
    EXPECT_FALSE(child.waitFor(50ms).has_value());
    const auto status = child.stop();
    EXPECT_EQ(status.signal, SIGTERM);
    EXPECT_FALSE(child.running());
}

TEST(ChildProcess, StopEscalatesToSigkillAfterTheGracePeriod) {
    // The shell and its sleep ignore SIGTERM (an ignored disposition survives exec).
    LineCollector collector;
    auto options = shell("trap '' TERM; echo ready; sleep 30");
    options.onLine = collector.callback();
    ChildProcess child(options);
    ASSERT_TRUE(collector.waitForLines(1, 5s));
    const auto started = std::chrono::steady_clock::now();
    const auto status = child.stop(300ms);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(status.signal, SIGKILL) << status.toString();
    EXPECT_GE(took, 290ms);
    EXPECT_LT(took, 3s);
    EXPECT_EQ(child.stop().signal, SIGKILL); // idempotent
}

TEST(ChildProcess, GroupStopKillsGrandchildren) {
    LineCollector collector;
    auto options = shell("sleep 60 & echo $!; sleep 60 & echo $!; wait");
    options.onLine = collector.callback();
    ChildProcess child(options);
    ASSERT_TRUE(collector.waitForLines(2, 5s));
    std::vector<pid_t> grandchildren;
    for (const auto& line : collector.snapshot())
        grandchildren.push_back(std::stoi(line));
    for (pid_t pid : grandchildren) {
        EXPECT_TRUE(processIsAlive(pid));
        EXPECT_EQ(processGroupOf(pid), child.pid());
    }
    child.stop();
    EXPECT_TRUE(allGone(grandchildren, 2s));
}

TEST(ChildProcess, WhatIsLeftOfTheGroupDiesWithItsLeader) {
    // The leader exits on its own and leaves a background job behind: reaping the leader kills the job.
    LineCollector collector;
    auto options = shell("sleep 60 & echo $!; exit 0");
    options.onLine = collector.callback();
    ChildProcess child(options);
    ASSERT_TRUE(collector.waitForLines(1, 5s));
    const pid_t orphan = std::stoi(collector.snapshot().front());
    const auto status = child.waitFor(5s);
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(status->success());
    EXPECT_TRUE(allGone({orphan}, 2s));
}

TEST(ChildProcess, DestructorLeavesNothingBehind) {
    std::vector<pid_t> pids;
    const auto started = std::chrono::steady_clock::now();
    {
        LineCollector collector;
        auto options = shell("sleep 60 & echo $!; (sleep 60; echo never) & echo $!; echo $$; wait");
        options.onLine = collector.callback();
        ChildProcess child(options);
        ASSERT_TRUE(collector.waitForLines(3, 5s));
        for (const auto& line : collector.snapshot())
            pids.push_back(std::stoi(line));
        EXPECT_EQ(pids.back(), child.pid());
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_TRUE(allGone(pids, 2s));
    for (pid_t pid : pids)
        EXPECT_FALSE(processIsAlive(pid)) << pid;
}

TEST(ChildProcess, OutputCaptureIsBounded) {
    constexpr std::size_t limit = 64 * 1024;
    std::atomic<std::size_t> longestLine = 0;
    std::atomic<std::size_t> lineBytes = 0;
    auto options = shell("head -c 1048576 /dev/zero | tr '\\0' x; echo; echo END; head -c 300000 /dev/zero >&2");
    options.outputLimitBytes = limit;
    options.onLine = [&](OutputStream stream, std::string_view line) {
        if (stream != OutputStream::Stdout)
            return;
        lineBytes += line.size();
        if (line.size() > longestLine)
            longestLine = line.size();
    };
    ChildProcess child(options);
    EXPECT_TRUE(child.wait().success());
    ASSERT_TRUE(child.waitForOutputEnd(5s));
    const auto out = child.stdoutTail();
    EXPECT_EQ(out.size(), limit);
    EXPECT_EQ(out.substr(out.size() - 6), "x\nEND\n");
    EXPECT_EQ(child.stdoutTotalBytes(), 1048576u + 5u);
    EXPECT_EQ(child.stderrTail().size(), limit);
    EXPECT_EQ(child.stderrTotalBytes(), 300000u);
    EXPECT_EQ(longestLine.load(), limit);       // the megabyte line came in pieces of at most the limit
    EXPECT_EQ(lineBytes.load(), 1048576u + 3u); // every byte of it reached the callback
}

TEST(ChildProcess, SurvivesTheThreadThatStartedIt) {
    // PR_SET_PDEATHSIG fires when the forking thread exits: children are forked by the long-lived launcher thread.
    std::unique_ptr<ChildProcess> child;
    std::thread starter([&child] {
        child = std::make_unique<ChildProcess>(ChildProcessOptions{{"sleep", "30"}, {}, true, {}, {}, 1024, {}});
    });
    starter.join();
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(child->running());
    EXPECT_FALSE(child->waitFor(100ms).has_value());
}

TEST(ChildProcess, DiesWhenItsParentIsKilled) {
    // A middle process (the helper) starts `sleep 60` through ChildProcess and is then SIGKILLed: no destructor
    // runs in it, only PR_SET_PDEATHSIG can take the sleep down.
    const auto helper = helperPath();
    ASSERT_TRUE(std::filesystem::exists(helper)) << helper;
    LineCollector collector;
    ChildProcessOptions options;
    options.argv = {helper.string()};
    options.onLine = collector.callback();
    ChildProcess middle(options);
    ASSERT_TRUE(collector.waitForLines(1, 5s)) << middle.stderrTail();
    const auto line = collector.snapshot().front();
    ASSERT_EQ(line.rfind("child ", 0), 0u) << line;
    const pid_t grandchild = std::stoi(line.substr(6));
    std::this_thread::sleep_for(200ms);
    ASSERT_TRUE(processIsAlive(grandchild));             // it survived the helper's short-lived starter thread
    EXPECT_NE(processGroupOf(grandchild), middle.pid()); // its own group: a group kill of the helper won't reach it
    ASSERT_EQ(::kill(middle.pid(), SIGKILL), 0);         // the helper alone, not its group
    EXPECT_EQ(middle.wait().signal, SIGKILL);
    EXPECT_TRUE(allGone({grandchild}, 3s)) << "the grandchild outlived its SIGKILLed parent";
}

TEST(ChildProcess, AppliesCpuAffinity) {
    cpu_set_t allowed;
    ASSERT_EQ(::sched_getaffinity(0, sizeof(allowed), &allowed), 0);
    int cpu = 0;
    while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &allowed))
        ++cpu;
    ASSERT_LT(cpu, CPU_SETSIZE);
    auto options = shell("grep Cpus_allowed_list /proc/self/status");
    options.cpuAffinity = {cpu};
    ChildProcess child(options);
    EXPECT_TRUE(child.wait().success());
    ASSERT_TRUE(child.waitForOutputEnd(2s));
    EXPECT_EQ(child.stdoutTail(), "Cpus_allowed_list:\t" + std::to_string(cpu) + "\n");
    options.cpuAffinity = {-1};
    EXPECT_THROW(ChildProcess{options}, ChildProcessError);
}

TEST(ChildProcess, LeaksNoFileDescriptorsIntoTheChild) {
    const int leaky = ::open("/dev/null", O_RDONLY); // deliberately without O_CLOEXEC
    ASSERT_GE(leaky, 0);
    ChildProcess child(shell("ls /proc/$$/fd"));
    EXPECT_TRUE(child.wait().success());
    ASSERT_TRUE(child.waitForOutputEnd(2s));
    ::close(leaky);
    std::istringstream lines(child.stdoutTail());
    std::vector<std::string> fds;
    for (std::string fd; std::getline(lines, fd);)
        fds.push_back(fd);
    EXPECT_EQ(fds, (std::vector<std::string>{"0", "1", "2"})) << child.stdoutTail();
}

TEST(ChildProcess, RunCommandCapturesAndTimesOut) {
    auto quick = runCommand(shell("echo hello; echo warn >&2"), 5s);
    EXPECT_TRUE(quick.success());
    EXPECT_EQ(quick.out, "hello\n");
    EXPECT_EQ(quick.err, "warn\n");

    const auto started = std::chrono::steady_clock::now();
    auto slow = runCommand(ChildProcessOptions{{"sleep", "30"}, {}, true, {}, {}, 1024, {}}, 200ms);
    EXPECT_TRUE(slow.timedOut);
    EXPECT_FALSE(slow.success());
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);

    auto missing = runCommand(ChildProcessOptions{{"/nonexistent/x"}, {}, true, {}, {}, 1024, {}}, 1s);
    EXPECT_FALSE(missing.success());
    EXPECT_NE(missing.startError.find("/nonexistent/x"), std::string::npos);
}

TEST(ChildProcess, ProcIsAliveTellsZombiesFromLiveProcesses) {
    EXPECT_TRUE(processIsAlive(::getpid()));
    EXPECT_FALSE(processIsAlive(0));
    EXPECT_FALSE(processIsAlive(-5));
    const pid_t zombie = ::fork();
    if (zombie == 0)
        ::_exit(0);
    std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(processIsAlive(zombie)); // exited, not yet reaped
    int status = 0;
    ::waitpid(zombie, &status, 0);
    EXPECT_FALSE(processIsAlive(zombie));
}

TEST(ChildProcess, LooksCommandsUpInTheChildsPath) {
    EXPECT_EQ(findInPath("sh", "/nonexistent::/bin"), std::filesystem::path("/bin/sh"));
    EXPECT_TRUE(findInPath("sh", "/nonexistent").empty());
    EXPECT_TRUE(findInPath("bin/sh", "/").empty());
    ChildProcessOptions options{{"sleep", "0"}, {{"PATH", "/nonexistent"}}, true, {}, {}, 1024, {}};
    EXPECT_THROW(ChildProcess{options}, ChildProcessError); // the child's PATH has no sleep
    options.env["PATH"] = "/nonexistent:/usr/bin:/bin";
    ChildProcess found(options);
    EXPECT_TRUE(found.wait().success());
}
