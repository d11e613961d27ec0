// The SSH test lab itself (tests/runner/netns_lab.h): hosts reachable over SSH with the lab's key, from the root
// namespace and from each other, nothing left behind afterwards, leftovers of a dead test removed.
#include "netns_lab.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

using namespace loadscope;
using namespace loadscope::test;
using namespace std::chrono_literals;

namespace {

CommandResult ssh(const NetnsLab& lab, const std::string& host, const std::string& command,
                  const std::filesystem::path& config = {}) {
    ChildProcessOptions options;
    options.argv = {"ssh", "-F",   (config.empty() ? lab.sshConfig() : config).string(), "-o", "BatchMode=yes",
                    host,  command};
    return runCommand(options, 15s);
}

bool namespaceListed(const std::string& name) {
    return runOrThrow({"ip", "netns", "list"}).find(name) != std::string::npos;
}

#define SKIP_WITHOUT_LAB()                                                                                             \
    if (const auto why = NetnsLab::unavailableReason(); !why.empty())                                                  \
    GTEST_SKIP() << why

} // namespace

TEST(NetnsLab, HostsAnswerOverSshWithTheLabKeyAndReachEachOther) {
    SKIP_WITHOUT_LAB();
    NetnsLab lab(2);
    for (int i = 0; i < 2; ++i) {
        const auto result = ssh(lab, lab.alias(i), "ip -o -4 addr show dev eth0");
        ASSERT_TRUE(result.success()) << lab.alias(i) << ": " << result.err;
        EXPECT_NE(result.out.find(lab.address(i) + "/24"), std::string::npos) << result.out;
    }
    // h1 reaches h2's sshd through the bridge (generators probe the server host the same way).
    const auto across = ssh(lab, "h1",
                            "python3 -c \"import socket; socket.create_connection(('" + lab.address(1) +
                                "', 22), 3); print('connected')\"");
    EXPECT_TRUE(across.success()) << across.err;
    EXPECT_NE(across.out.find("connected"), std::string::npos);
    // The hosts are separate network stacks: h1 does not hold h2's address.
    const auto own = ssh(lab, "h1", "ip -o -4 addr show");
    EXPECT_EQ(own.out.find(lab.address(1)), std::string::npos) << own.out;
}

TEST(NetnsLab, WrongKeyAndUnknownHostKeyAreRefused) {
    SKIP_WITHOUT_LAB();
    NetnsLab lab(1);
    const auto wrongKey = ssh(lab, "h1", "true", lab.wrongKeyConfig());
    EXPECT_FALSE(wrongKey.success());
    EXPECT_NE(wrongKey.err.find("Permission denied"), std::string::npos) << wrongKey.err;
    const auto unknownHost = ssh(lab, "h1", "true", lab.unknownHostKeyConfig());
    EXPECT_FALSE(unknownHost.success());
    EXPECT_NE(unknownHost.err.find("Host key verification failed"), std::string::npos) << unknownHost.err;
}

TEST(NetnsLab, RemovesEverythingItCreated) {
    SKIP_WITHOUT_LAB();
    std::string netns, dir;
    {
        NetnsLab lab(1);
        netns = lab.netns(0);
        dir = lab.dir().string();
        ASSERT_TRUE(namespaceListed(netns));
        // A process started over SSH that would outlive its session is removed with the host.
        ASSERT_TRUE(ssh(lab, "h1", "setsid sleep 300 </dev/null >/dev/null 2>&1 &").success());
        EXPECT_FALSE(lab.strayProcessesIn(0).empty());
    }
    EXPECT_FALSE(namespaceListed(netns));
    EXPECT_FALSE(std::filesystem::exists(dir));
    EXPECT_EQ(runOrThrow({"ip", "-o", "link", "show"}).find(netns.substr(0, netns.find('n', 3))), std::string::npos);
}

TEST(NetnsLab, LeftoversOfADeadTestAreRemovedAtStart) {
    SKIP_WITHOUT_LAB();
    // The name a lab of a process that is gone would have had (a child we started and reaped).
    ChildProcessOptions options;
    options.argv = {"true"};
    pid_t deadPid = 0;
    {
        ChildProcess child(options);
        deadPid = child.pid();
        child.wait();
    }
    ASSERT_FALSE(processIsAlive(deadPid));
    const std::string leftover = "lsl" + std::to_string(deadPid) + "n1";
    runOrThrow({"ip", "netns", "add", leftover});
    ASSERT_TRUE(namespaceListed(leftover));
    NetnsLab lab(1);
    EXPECT_FALSE(namespaceListed(leftover));
}
