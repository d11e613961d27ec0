// Errors by kind, against a real refserver (or none): exit 3, status codes, reconnects, timeouts.

#include "loadgen_test_support.h"

#include <gtest/gtest.h>

#include <csignal>

#include <unistd.h>

using namespace loadscope::testing;

TEST(LoadgenErrors, NoServerExitsWith3AndSaysWhy) {
    const int port = unusedPort();
    const auto run = runLoadgen(
        {"--url", "http://127.0.0.1:" + std::to_string(port) + "/", "--rate", "100", "--duration", "2s", "--json"},
        std::chrono::seconds(10));
    EXPECT_EQ(run.exitCode, 3) << run.err;
    EXPECT_NE(run.err.find("could not connect to 127.0.0.1:" + std::to_string(port)), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("refused"), std::string::npos) << run.err;
    ASSERT_TRUE(run.json.is_object()) << run.out;
    EXPECT_NE(run.json["error"].get<std::string>().find("could not connect"), std::string::npos);
    EXPECT_EQ(run.json["requests"]["sent"], 0);
    // Text mode says the same.
    const auto text =
        runLoadgen({"--url", "http://127.0.0.1:" + std::to_string(port) + "/", "--rate", "100", "--duration", "2s"},
                   std::chrono::seconds(10));
    EXPECT_EQ(text.exitCode, 3);
    EXPECT_NE(text.out.find("nothing sent: could not connect"), std::string::npos) << text.out;
    EXPECT_EQ(text.out.find("errors    connect 0"), std::string::npos) << "no table of zeros\n" << text.out;
}

TEST(LoadgenErrors, StatusCodesAreCountedPerCode) {
    auto server = startRefServer({"--status", "503"});
    const auto run = runLoadgen({"--url", server.url(), "--rate", "200", "--duration", "1s", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto& j = run.json;
    EXPECT_EQ(j["requests"]["due"], 200);
    EXPECT_EQ(j["requests"]["completed"], 200);
    EXPECT_EQ(j["requests"]["ok"], 0);
    EXPECT_EQ(j["errors"]["status"]["503"], 200);
    EXPECT_EQ(j["errors"]["status"].size(), 1u);
    EXPECT_EQ(j["errors"]["total"], 200);
    EXPECT_EQ(j["errors"]["connect"], 0);
    EXPECT_EQ(j["errors"]["read"], 0);
    EXPECT_EQ(j["errors"]["timeout"], 0);
    EXPECT_EQ(j["errors"]["first"]["status"], "HTTP 503");
    // The timeline counts them as errors in the second they happened.
    std::int64_t timelineErrors = 0;
    for (const auto& second : j["timeline"])
        timelineErrors += second["errors"].get<std::int64_t>();
    EXPECT_EQ(timelineErrors, 200);
    // /health stays 200 whatever --status says (readiness checks must pass).
    const auto health = runLoadgen({"--url", server.url("/health"), "--rate", "50", "--duration", "200ms", "--json"});
    EXPECT_EQ(health.json["requests"]["ok"], 10);
    EXPECT_EQ(health.json["errors"]["total"], 0);
}

TEST(LoadgenErrors, ClosedConnectionsAreReopenedWithoutErrors) {
    auto server = startRefServer({"--close-every", "10"});
    const auto run = runLoadgen({"--url", server.url(), "--rate", "1000", "--duration", "2s", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto& j = run.json;
    EXPECT_EQ(j["requests"]["due"], 2000);
    EXPECT_EQ(j["requests"]["completed"], 2000);
    EXPECT_EQ(j["requests"]["ok"], 2000);
    EXPECT_EQ(j["errors"]["total"], 0) << j["errors"].dump();
    // Every 10th response closed its connection: about 200 connections were opened.
    EXPECT_GE(j["requests"]["connections_opened"].get<int>(), 200);
}

TEST(LoadgenErrors, IdleConnectionsClosedByTheServerAreReopenedWithoutErrors) {
    // Like a server's keep-alive timeout: connections idle longer than this are closed with no Connection: close.
    // When the timeout is shorter than the gap between requests (30 ms at 20 rps, 5 ms at 100 rps) every connection
    // is closed before its next use, so nearly every request needs a new one. When it is as long as the gap (10 ms at
    // 100 rps) the close can cross the next request, which then goes out once more on a fresh connection; how often
    // that happens is a race, so only the outcome is checked: no request fails.
    struct Case {
        const char* idleMs;
        int rate;
        bool closedBeforeEveryUse;
    };
    for (const auto& c : {Case{"30", 20, true}, Case{"5", 100, true}, Case{"10", 100, false}}) {
        SCOPED_TRACE(std::string("idle timeout ") + c.idleMs + " ms at " + std::to_string(c.rate) + " rps");
        auto server = startRefServer({"--idle-timeout-ms", c.idleMs});
        const auto run =
            runLoadgen({"--url", server.url(), "--rate", std::to_string(c.rate), "--duration", "2s", "--json"});
        ASSERT_EQ(run.exitCode, 0) << run.err;
        const auto& j = run.json;
        EXPECT_EQ(j["requests"]["due"], 2 * c.rate);
        EXPECT_EQ(j["requests"]["ok"], j["requests"]["due"]) << j["errors"].dump();
        EXPECT_EQ(j["errors"]["total"], 0) << j["errors"].dump();
        if (c.closedBeforeEveryUse) {
            EXPECT_GT(j["requests"]["connections_opened"].get<int>(), c.rate);
        }
    }
}

TEST(LoadgenErrors, SlowResponsesAreTimeoutsAndNotRetried) {
    auto server = startRefServer({"--delay-ms", "1000"});
    TempDir dir;
    const auto run =
        runLoadgen({"--url", server.url(), "--rate", "50", "--duration", "1s", "--timeout", "200ms", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto& j = run.json;
    EXPECT_EQ(j["requests"]["due"], 50);
    EXPECT_EQ(j["requests"]["sent"], 50);
    EXPECT_EQ(j["requests"]["completed"], 0);
    EXPECT_EQ(j["errors"]["timeout"], 50);
    EXPECT_EQ(j["errors"]["total"], 50);
    EXPECT_EQ(j["requests"]["retried"], 0);
    // Each timed-out connection was closed, so each request needed a new one.
    EXPECT_GE(j["requests"]["connections_opened"].get<int>(), 50);
}

TEST(LoadgenErrors, AServerThatDiesCountsConnectAndReadErrors) {
    auto server = startRefServer({"--delay-ms", "100"});
    const std::string url = server.url();
    loadscope::testing::TestProcess generator(
        {loadgenPath(), "--url", url, "--rate", "200", "--duration", "2s", "--json"});
    usleep(700'000);
    server.process->sendSignal(SIGKILL);
    const auto code = generator.waitForExit(std::chrono::seconds(10));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0) << generator.stderrText(); // it did connect at first
    const auto j = nlohmann::json::parse(generator.stdoutText());
    EXPECT_GT(j["requests"]["ok"].get<int>(), 50);
    // Refused after the kill. The requests in flight at the kill are read errors, or connect errors when their
    // reused connection's close looked like a stale keep-alive and the one retry found the port closed.
    EXPECT_GT(j["errors"]["connect"].get<int>(), 100);
    EXPECT_EQ(j["errors"]["timeout"], 0);
    EXPECT_EQ(j["requests"]["due"], 400);
    EXPECT_EQ(j["requests"]["ok"].get<int>() + j["errors"]["total"].get<int>(), 400) << j.dump();
}
