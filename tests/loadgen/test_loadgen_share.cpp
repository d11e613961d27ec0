// --share K/N and --start-at: N generators (on other hosts in a real run, here two processes) split one schedule, so
// the arrivals at the server are those of one generator at the total rate: evenly spaced, not N bunched streams.

#include "loadgen_test_support.h"

#include <gtest/gtest.h>

#include <csignal>

#include <algorithm>
#include <chrono>
#include <thread>

using namespace loadscope::testing;

namespace {

std::int64_t unixMsIn(std::chrono::milliseconds lead) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               (std::chrono::system_clock::now() + lead).time_since_epoch())
        .count();
}

void expectRejected(const std::vector<std::string>& args, const std::string& expected) {
    const auto run = runLoadgen(args, std::chrono::seconds(10));
    EXPECT_EQ(run.exitCode, 2) << run.err;
    EXPECT_NE(run.err.find(expected), std::string::npos) << run.err;
}

} // namespace

TEST(LoadgenShare, BadSharesAreRefused) {
    const std::vector<std::string> base{"--url", "http://127.0.0.1:9/", "--rate", "10", "--duration", "1s"};
    for (const char* bad : {"3/2", "0/2", "1/0", "half", "1/2x", "1-2"}) {
        auto args = base;
        args.insert(args.end(), {"--share", bad});
        expectRejected(args, "--share");
    }
}

TEST(LoadgenShare, TwoSharesStartingTogetherKeepTheArrivalsEvenlySpaced) {
    TempDir dir;
    const auto log = dir.file("arrivals.log");
    const auto server = startRefServer({"--delay-ms", "1", "--arrivals-log", log});
    const std::string startAt = std::to_string(unixMsIn(std::chrono::milliseconds(400)));
    LoadgenRun first, second;
    auto run = [&](const std::string& share, LoadgenRun& into) {
        into = runLoadgen({"--url", server.url(), "--rate", "400", "--duration", "2s", "--json", "--share", share,
                           "--start-at", startAt},
                          std::chrono::seconds(20));
    };
    std::thread a([&] { run("1/2", first); });
    std::thread b([&] { run("2/2", second); });
    a.join();
    b.join();
    ASSERT_EQ(first.exitCode, 0) << first.err;
    ASSERT_EQ(second.exitCode, 0) << second.err;
    // Each sent half of the schedule.
    EXPECT_NEAR(first.json["target_rps"].get<double>(), 200, 1);
    EXPECT_NEAR(first.json["requests"]["due"].get<double>(), 400, 2);
    EXPECT_NEAR(second.json["requests"]["due"].get<double>(), 400, 2);
    server.process->sendSignal(SIGTERM); // flushes the log
    EXPECT_EQ(server.process->waitForExit(std::chrono::seconds(5)), 0);
    auto arrivals = readNumbers(log);
    ASSERT_GT(arrivals.size(), 700u);
    std::sort(arrivals.begin(), arrivals.end());
    std::vector<double> gapsMs;
    for (std::size_t i = arrivals.size() / 4; i + 1 < arrivals.size() * 3 / 4; ++i)
        gapsMs.push_back(static_cast<double>(arrivals[i + 1] - arrivals[i]) / 1000.0);
    std::sort(gapsMs.begin(), gapsMs.end());
    // 400 rps: 2.5 ms apart. Two unshifted streams of 200 rps would arrive in pairs (gaps near 0 and 5 ms).
    EXPECT_NEAR(gapsMs[gapsMs.size() / 2], 2.5, 0.3);
    const auto close = std::count_if(gapsMs.begin(), gapsMs.end(), [](double gap) { return gap < 0.6; });
    EXPECT_LT(static_cast<double>(close) / static_cast<double>(gapsMs.size()), 0.2) << "arrivals in pairs";
}
