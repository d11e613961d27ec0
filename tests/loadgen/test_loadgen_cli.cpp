// Bad command lines: exit code 2 and a message naming the argument and what is expected. Real processes, but
// nothing is ever sent (every check happens before the run).

#include "loadgen_test_support.h"

#include <gtest/gtest.h>

using namespace loadscope::testing;

namespace {
const std::string kUrl = "http://127.0.0.1:9/";

void expectRejected(const std::vector<std::string>& args, const std::vector<std::string>& expectedInMessage) {
    const auto run = runLoadgen(args, std::chrono::seconds(10));
    std::string joined;
    for (const auto& a : args)
        joined += a + " ";
    EXPECT_EQ(run.exitCode, 2) << joined << "\n" << run.err;
    EXPECT_TRUE(run.out.empty()) << joined << "\n" << run.out;
    for (const auto& expected : expectedInMessage)
        EXPECT_NE(run.err.find(expected), std::string::npos) << joined << "\nstderr: " << run.err;
}
} // namespace

TEST(LoadgenCli, MissingOrConflictingArgumentsAreNamed) {
    expectRejected({"--rate", "10", "--duration", "1s"}, {"--url"});
    expectRejected({"--url", kUrl}, {"--rate", "--schedule"});
    expectRejected({"--url", kUrl, "--rate", "10"}, {"--rate", "--duration"});
    expectRejected({"--url", kUrl, "--duration", "1s"}, {"--duration", "--rate"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--schedule", "const(1,1s)"},
                   {"--schedule", "excludes"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--frobnicate"}, {"--frobnicate"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--body", "x", "--body-file", "/etc/hostname"},
                   {"--body"});
}

TEST(LoadgenCli, BadValuesSayWhatIsExpected) {
    expectRejected({"--url", kUrl, "--rate", "fast", "--duration", "1s"},
                   {"--rate", "\"fast\"", "requests per second, 0 to 10000000"});
    expectRejected({"--url", kUrl, "--rate", "-5", "--duration", "1s"}, {"--rate", "\"-5\""});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--connections", "2.5"},
                   {"--connections", "a whole number of connections"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--threads", "0"}, {"--threads", "1 to 64"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "10x"}, {"--duration", "10x", "500ms, 20s"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "0s"}, {"--duration", "longer than 0"});
    expectRejected({"--url", kUrl, "--rate", "0.1", "--duration", "1s"}, {"--rate", "sends no request"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--warmup", "soon"}, {"--warmup", "soon"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--timeout", "0ms"}, {"--timeout"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--arrivals", "bursty"}, {"--arrivals"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--batch-window", "soon"}, {"--batch-window"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--batch-window", "5ms"},
                   {"--batch-window", "at most 1ms", "5ms"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--connections", "0"}, {"--connections"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--threads", "4", "--connections", "2"},
                   {"--threads", "--connections"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--header", "NoColon"},
                   {"--header", "Name: value"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--method", "GE T"}, {"--method"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--body-file", "/nonexistent/body"},
                   {"--body-file", "/nonexistent/body"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--cpu", "99999"}, {"--cpu"});
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--cpu", "one"}, {"--cpu"});
    expectRejected({"--url", "https://127.0.0.1/", "--rate", "10", "--duration", "1s"}, {"--url", "http://"});
    expectRejected({"--url", "http://127.0.0.1:99999/", "--rate", "10", "--duration", "1s"}, {"--url", "port"});
}

TEST(LoadgenCli, MalformedSchedulesArePointedAt) {
    expectRejected({"--url", kUrl, "--schedule", "line(100,3000,60x) const(3000,30s)"},
                   {"--schedule", "bad duration \"60x\"", "line(100,3000,60x) const(3000,30s)\n                ^^^"});
    expectRejected({"--url", kUrl, "--schedule", "const(100,1s) burst(5,1s)"},
                   {"--schedule", "unknown phase \"burst\""});
    expectRejected({"--url", kUrl, "--schedule", "step(1,10,1)"}, {"--schedule", "step takes 4 arguments"});
    expectRejected({"--url", kUrl, "--schedule", "const(0,5s)"}, {"--schedule", "sends no request"});
}

TEST(LoadgenCli, ConnectionsThatCannotFitAreRefusedBeforeTheRun) {
    // The hard open-file limit of this machine is far below a million; the message says what would fit.
    expectRejected({"--url", kUrl, "--rate", "10", "--duration", "1s", "--connections", "1000000"},
                   {"--connections 1000000", "open files", "lower --connections"});
}

TEST(LoadgenCli, HelpAndVersionExitZero) {
    auto run = runLoadgen({"--help"});
    EXPECT_EQ(run.exitCode, 0);
    EXPECT_NE(run.out.find("--schedule"), std::string::npos);
    EXPECT_NE(run.out.find("Exit codes"), std::string::npos);
    run = runLoadgen({"--version"});
    EXPECT_EQ(run.exitCode, 0);
    EXPECT_FALSE(run.out.empty());
}
