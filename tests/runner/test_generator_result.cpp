// What a finished load generator left, read the same way for a step's only generator and for each of several on
// other hosts (runner/generator_result.h): the failure in words, the last line worth quoting, the limit flags; and
// ssh's own messages quoted once.
#include "generator_result.h"
#include "ssh_host.h"

#include <gtest/gtest.h>

#include <string>

using namespace loadscope;

namespace {

ExitStatus exitedWith(int code) {
    ExitStatus status;
    status.exited = true;
    status.code = code;
    return status;
}

GeneratorResult parsedResult() {
    GeneratorResult result;
    result.printed = true;
    result.parsed = true;
    return result;
}

} // namespace

TEST(GeneratorResult, TheLastWordsSkipProgressLinesTheUsageHintAndTheWatchdogsLine) {
    // A whole progress record, as loadscope-loadgen --progress prints it.
    const std::string progress = R"({"elapsed_s": 1.0, "duration_s": 20, "phase": "measure", "due": 10, "sent": 10, )"
                                 R"("completed": 9, "errors": 0, "in_flight": 1, "p50_ms": 1.5, "p99_ms": 2.5})";
    ASSERT_TRUE(parseProgressLine(progress)) << "the record this test stands on must read as progress";
    const std::string stderrText = "loadscope-remote-pgid 4242\n"
                                   "loadscope-loadgen: --rate: expected a number\n" +
                                   progress +
                                   "\n"
                                   "Run 'loadscope-loadgen --help' for the options.\n"
                                   "   \r\n";
    EXPECT_EQ(lastGeneratorWords(stderrText), "loadscope-loadgen: --rate: expected a number");
    EXPECT_EQ(lastGeneratorWords(progress + "\n"), "");
    EXPECT_EQ(lastGeneratorWords("loadscope-loadgen: out of memory\n{\"elapsed_s\": 3.0, \"dura"),
              "loadscope-loadgen: out of memory")
        << "a record cut short by a crash is no reason either";
    EXPECT_EQ(lastGeneratorWords(""), "");
}

TEST(GeneratorResult, FailuresNameTheHostAndSayWhatHappened) {
    GeneratorEnd end;
    end.url = "http://198.18.0.1:8080/";
    end.status = exitedWith(0);
    EXPECT_EQ(generatorFailure(end, parsedResult()), "") << "a clean exit with a result is no failure";
    EXPECT_EQ(generatorFailure(end, GeneratorResult{}), "the load generator printed no result");

    GeneratorResult unreadable;
    unreadable.printed = true;
    unreadable.parseError = "loadgen JSON: requests.due: expected a number";
    EXPECT_EQ(generatorFailure(end, unreadable),
              "the result of the load generator could not be read: loadgen JSON: requests.due: expected a number");

    end.host = "root@h2";
    end.overSsh = true;
    end.status = exitedWith(3);
    end.said = "loadscope-loadgen: could not connect";
    auto connect = parsedResult();
    connect.report.fatalError = "could not connect to 198.18.0.1:8080: Connection refused";
    EXPECT_EQ(generatorFailure(end, connect), "the load generator on root@h2 could not connect to "
                                              "http://198.18.0.1:8080/: could not connect to 198.18.0.1:8080: "
                                              "Connection refused");

    end.status = exitedWith(137); // ssh passes on the remote shell's 128 + SIGKILL
    end.said = "";
    EXPECT_EQ(generatorFailure(end, GeneratorResult{}), "the load generator on root@h2 crashed (exit code 137)");

    end.status = exitedWith(255);
    end.said = "ssh: connect to host h2 port 22: Connection timed out";
    EXPECT_EQ(generatorFailure(end, GeneratorResult{}),
              "the generator host root@h2 was lost (ssh: connect to host h2 port 22: Connection timed out)");
    end.said = "";
    EXPECT_EQ(generatorFailure(end, GeneratorResult{}), "the generator host root@h2 was lost (ssh: connection closed)");

    end.status.reset();
    EXPECT_EQ(generatorFailure(end, GeneratorResult{}),
              "the load generator on root@h2 did not finish in time and was stopped");
}

TEST(GeneratorResult, LimitsAreFlaggedWithTheHostAndAddToTheStepsReason) {
    Step step;
    step.flags.reason = "SLO: p99 above 50 ms";
    LoadgenReport report;
    report.generatorLimited = true;
    report.connectionLimited = true;
    flagGeneratorLimits(report, " on root@h3", 17, 64, step);
    EXPECT_TRUE(step.flags.generatorLimited);
    EXPECT_TRUE(step.flags.connectionLimited);
    EXPECT_EQ(step.flags.reason, "SLO: p99 above 50 ms; generator-limited on root@h3: it could not keep its schedule; "
                                 "connection-limited on root@h3: 17 requests waited for one of 64 connections");

    Step quiet;
    flagGeneratorLimits(LoadgenReport{}, "", 0, 64, quiet);
    EXPECT_FALSE(quiet.flags.generatorLimited || quiet.flags.connectionLimited);
    EXPECT_EQ(quiet.flags.reason, "");
}

TEST(GeneratorResult, AResultThatIsNotJsonIsNotParsedAndSaysWhy) {
    Step step;
    const auto nothing = readGeneratorResult("", step);
    EXPECT_FALSE(nothing.printed);
    EXPECT_FALSE(nothing.parsed);
    const auto garbage = readGeneratorResult("not json", step);
    EXPECT_TRUE(garbage.printed);
    EXPECT_FALSE(garbage.parsed);
    EXPECT_FALSE(garbage.parseError.empty());
}

TEST(SshMessages, SshsOwnPrefixIsQuotedOnce) {
    const auto message =
        describeSshFailure("root@nowhere", "ssh: Could not resolve hostname nowhere: Name or service not known\n");
    EXPECT_NE(message.find("(ssh: Could not resolve hostname nowhere"), std::string::npos) << message;
    EXPECT_EQ(message.find("ssh: ssh:"), std::string::npos) << message;
    const auto refused = describeSshFailure("root@h1:2222", "ssh: connect to host h1 port 2222: Connection refused\n");
    EXPECT_NE(refused.find("(ssh: connect to host h1 port 2222: Connection refused)"), std::string::npos) << refused;
    EXPECT_EQ(lastSshWords("Warning: something\nssh: connect to host h1 port 22: No route to host\n"),
              "connect to host h1 port 22: No route to host");
    EXPECT_EQ(lastSshWords("Permission denied (publickey).\n"), "Permission denied (publickey).");
}
