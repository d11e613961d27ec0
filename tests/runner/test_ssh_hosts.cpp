// SshHost and remote preflight against the lab's hosts (network namespaces running Debian's sshd): the shared
// connection, the failures a user meets first (unreachable, refused key, unknown host key, missing package) with
// messages naming the host and what to do, and loadscope-loadgen copied where it is absent and removed afterwards.
#include "install_paths.h"
#include "lab_test.h"
#include "remote_preflight.h"
#include "ssh_host.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

using namespace loadscope;
using namespace loadscope::test;
using namespace std::chrono_literals;

namespace {

using SshHosts = LabTest;

SshDestination destination(const std::string& text) {
    std::string error;
    auto parsed = parseSshDestination(text, error);
    EXPECT_TRUE(parsed) << error;
    return parsed.value_or(SshDestination{});
}

std::filesystem::path builtLoadgen() {
    return binDir() / "loadscope-loadgen";
}

} // namespace

TEST(SshDestination, ParsesUserHostAndPortAndRejectsWhatIsNot) {
    std::string error;
    const auto full = parseSshDestination("bench@198.18.0.5:2222", error);
    ASSERT_TRUE(full) << error;
    EXPECT_EQ(full->user, "bench");
    EXPECT_EQ(full->host, "198.18.0.5");
    EXPECT_EQ(full->port, 2222);
    EXPECT_EQ(full->text(), "bench@198.18.0.5:2222");
    const auto bare = parseSshDestination("server", error);
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->port, 0);
    EXPECT_TRUE(bare->user.empty());
    const auto v6 = parseSshDestination("me@[fd00::1]:22", error);
    ASSERT_TRUE(v6) << error;
    EXPECT_EQ(v6->host, "fd00::1");
    for (const char* bad : {"bench@host:0", "bench@host:http", "@host", "bench@", "bench@-oProxyCommand=x", "a@b;rm"}) {
        error.clear();
        EXPECT_FALSE(parseSshDestination(bad, error)) << bad;
        EXPECT_NE(error.find("expected user@host[:port]"), std::string::npos) << bad << ": " << error;
    }
}

TEST(SshDestination, ShellQuotingSurvivesTheRemoteShell) {
    EXPECT_EQ(shellQuote("plain/path-1.2"), "plain/path-1.2");
    EXPECT_EQ(shellQuote("it's"), "'it'\\''s'");
    EXPECT_EQ(shellQuote(""), "''");
    EXPECT_EQ(shellCommand({"echo", "a b", "$HOME"}), "echo 'a b' '$HOME'");
}

TEST_F(SshHosts, SharedConnectionRunsCommandsAndCloses) {
    NetnsLab lab(1);
    SshHost host(destination("root@h1"), LabTest::sshSettings(lab.sshConfig()));
    ASSERT_EQ(host.connect(), "");
    EXPECT_GT(host.connectSeconds(), 0.0);
    // Several commands, one TCP connection: sshd in the namespace sees one client connection.
    for (int i = 0; i < 3; ++i) {
        const auto echoed = host.run("echo hello $((1+" + std::to_string(i) + "))", 10s);
        ASSERT_TRUE(echoed.success()) << echoed.err;
        EXPECT_EQ(echoed.out, "hello " + std::to_string(1 + i) + "\n");
    }
    const auto connections = host.run("ss -Htn state established '( sport = :22 )' | wc -l", 10s);
    ASSERT_TRUE(connections.success()) << connections.err;
    EXPECT_EQ(std::stoi(connections.out), 1) << "commands must share the master's connection";
    host.close();
    EXPECT_FALSE(host.connected());
}

TEST_F(SshHosts, UnreachableHostFailsWithTheHostNamed) {
    NetnsLab lab(1);
    const std::string name = "root@" + lab.unusedAddress();
    SshHost host(destination(name), LabTest::sshSettings(lab.sshConfig()));
    const auto message = host.connect();
    EXPECT_NE(message.find(name + " is unreachable"), std::string::npos) << message;
    // A host whose sshd is not listening: refused.
    SshHost refused(destination("root@h1:2222"), LabTest::sshSettings(lab.sshConfig()));
    const auto refusedMessage = refused.connect();
    EXPECT_NE(refusedMessage.find("root@h1:2222 is unreachable: nothing accepts SSH connections"), std::string::npos)
        << refusedMessage;
    EXPECT_NE(refusedMessage.find("openssh-server"), std::string::npos);
}

TEST_F(SshHosts, WrongKeyAndUnknownHostKeySayWhatToDo) {
    NetnsLab lab(1);
    SshHost wrongKey(destination("root@h1"), LabTest::sshSettings(lab.wrongKeyConfig()));
    const auto refused = wrongKey.connect();
    EXPECT_NE(refused.find("root@h1 refused the key"), std::string::npos) << refused;
    EXPECT_NE(refused.find("ssh-copy-id root@h1"), std::string::npos) << refused;
    SshHost unknown(destination("root@h1"), LabTest::sshSettings(lab.unknownHostKeyConfig()));
    const auto unknownMessage = unknown.connect();
    EXPECT_NE(unknownMessage.find("the host key of root@h1 is not known"), std::string::npos) << unknownMessage;
    EXPECT_NE(unknownMessage.find("ssh root@h1"), std::string::npos) << unknownMessage;
}

TEST_F(SshHosts, MissingPackageAndExecutableFailRemotePreflightWithTheFix) {
    NetnsLab lab(1);
    SshHost host(destination("root@h1"), LabTest::sshSettings(lab.sshConfig()));
    ASSERT_EQ(host.connect(), "");
    TargetDefinition target;
    target.name = "needs-things";
    target.argvTemplate = {"{python}", "-c", "pass", "--bind", "{host}"};
    target.requirements = {
        {Requirement::Kind::PythonModule, "loadscope_no_such_module", "python3-loadscope-nosuch", ""},
        {Requirement::Kind::PythonModule, "json", "python3", ""},
        {Requirement::Kind::Executable, "loadscope-no-such-tool", "loadscope-nosuch-tools", ""}};
    PlaceholderValues values = defaultPlaceholderValues(8080);
    values.host = lab.address(0);
    const auto problems = remoteTargetProblems(host, target, values);
    ASSERT_EQ(problems.size(), 2u) << (problems.empty() ? "" : problems.front());
    EXPECT_EQ(problems[0], "root@h1: loadscope-nosuch-tools is not installed (loadscope-no-such-tool is not in PATH): "
                           "apt-get install loadscope-nosuch-tools");
    EXPECT_NE(problems[1].find("root@h1: python3-loadscope-nosuch is not installed (no Python module "
                               "'loadscope_no_such_module'"),
              std::string::npos)
        << problems[1];
    EXPECT_NE(problems[1].find("apt-get install python3-loadscope-nosuch"), std::string::npos);
    // What is there passes.
    target.requirements = {{Requirement::Kind::PythonModule, "json", "python3", ""}};
    EXPECT_TRUE(remoteTargetProblems(host, target, values).empty());
}

TEST_F(SshHosts, LoadgenIsCopiedWhenAbsentCheckedAndRemovedAfterwards) {
    NetnsLab lab(1);
    std::string copiedTo;
    {
        SshHost host(destination("root@h1"), LabTest::sshSettings(lab.sshConfig()));
        ASSERT_EQ(host.connect(), "");
        const auto first = provideLoadgen(host, builtLoadgen());
        ASSERT_TRUE(first.error.empty()) << first.error;
        EXPECT_TRUE(first.copied);
        copiedTo = first.path;
        EXPECT_NE(copiedTo.find("/loadscope-"), std::string::npos);
        const auto sum = host.run("sha256sum " + shellQuote(copiedTo), 10s);
        EXPECT_EQ(sum.out.substr(0, 64), localSha256(builtLoadgen()));
        const auto mode = host.run("stat -c %a " + shellQuote(copiedTo.substr(0, copiedTo.rfind('/'))), 10s);
        EXPECT_EQ(mode.out, "700\n") << "the folder is private";
        // Same build already there: not copied again.
        const auto second = provideLoadgen(host, builtLoadgen());
        EXPECT_FALSE(second.copied);
        EXPECT_EQ(second.path, copiedTo);
        // Another build (a different file) is copied over.
        const auto other = lab.dir() / "other-loadgen";
        std::filesystem::copy_file(builtLoadgen(), other);
        std::ofstream(other, std::ios::app) << "another build";
        const auto replaced = provideLoadgen(host, other);
        EXPECT_TRUE(replaced.copied) << replaced.error;
        // close() removes the folder.
    }
    SshHost again(destination("root@h1"), LabTest::sshSettings(lab.sshConfig()));
    ASSERT_EQ(again.connect(), "");
    const auto gone = again.run("test -e " + shellQuote(copiedTo) + " && echo there || echo gone", 10s);
    EXPECT_EQ(gone.out, "gone\n");
}
