// What the command line prints, from runs built in the test: the summary table (repetitions merged through their
// histograms, flags, failed and skipped rates), the knees, the plain-text table and the progress bar.
#include "cli_progress.h"
#include "cli_summary.h"
#include "cli_table.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace loadscope;
using namespace loadscope::cli;

namespace {

Step step(const std::string& target, double rate, int rep, double latencyMs, std::int64_t n = 1000) {
    Step s;
    s.targetName = target;
    s.requestedRps = rate;
    s.repetition = rep;
    s.sequence = rep * 10 + static_cast<int>(rate / 100);
    LatencyHistogram h;
    for (std::int64_t i = 0; i < n; ++i)
        h.record(static_cast<std::int64_t>(latencyMs * 1000) + i);
    s.latencyHistogram = h;
    s.serviceTimeHistogram = h;
    s.latency = summarize(h);
    s.serviceTime = s.latency;
    s.due = s.ok = s.completed = s.sent = n;
    s.durationS = 2;
    s.achievedRps = rate;
    s.server.cpuPercent = rate / 10;
    return s;
}

Run sampleRun() {
    Run run;
    run.id = 7;
    run.name = "sample";
    run.planJson = R"({"targets": ["a", "b"], "rates": [100, 200], "slo": {"p99_max_ms": 60}})";
    run.environmentJson = R"({"targets": {"a": {"ideal_latency_ms": 50}, "b": {"ideal_latency_ms": 50}}})";
    TargetSnapshot a, b;
    a.name = "a";
    a.kneeRps = 200;
    b.name = "b";
    run.targets = {a, b};
    // a: two repetitions per rate; the second repetition at 200 is slow, which the merged row must show.
    run.steps = {step("a", 100, 1, 50), step("a", 100, 2, 50), step("a", 200, 1, 51), step("a", 200, 2, 90, 5)};
    run.steps.back().flags.connectionLimited = true;
    auto failed = step("b", 100, 1, 50);
    failed.status = StepStatus::Failed;
    failed.statusMessage = "server not ready after 10 s";
    auto skipped = step("b", 200, 1, 0);
    skipped.status = StepStatus::Skipped;
    skipped.statusMessage = "stop rule: the SLO was broken at 50 and 100 rps in a row";
    run.steps.push_back(failed);
    run.steps.push_back(skipped);
    return run;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        out.push_back(line);
    return out;
}

} // namespace

TEST(CliOutput, SummaryTableMergesRepetitionsAndMarksWhatIsFlagged) {
    std::ostringstream out;
    const auto run = sampleRun();
    printSummaryTable(out, run, analyzeRun(run));
    const auto text = out.str();
    const auto rows = lines(text);
    ASSERT_GE(rows.size(), 5u) << text;
    EXPECT_NE(rows[0].find("reps"), std::string::npos) << "repetitions column when there are several";
    // a @ 200: 1000 values near 51 ms and 5 near 90 ms merged: p99 stays near 52 ms (the 995th value), p99.9
    // lands in the slow repetition. Averaging the two p99s would have said ~71 ms.
    const auto a200 = rows[2];
    EXPECT_NE(a200.find("200"), std::string::npos) << a200;
    EXPECT_NE(a200.find("2/2"), std::string::npos) << a200;
    EXPECT_NE(a200.find(" 52.0 "), std::string::npos) << a200;
    EXPECT_NE(a200.find(" 90.0 "), std::string::npos) << a200;
    EXPECT_NE(a200.find("connection-limited"), std::string::npos) << a200;
    EXPECT_NE(a200.find("held"), std::string::npos) << "merged p99 52 ms meets p99 < 60 ms: " << a200;
    EXPECT_NE(text.find("an interval needs >= 3 repetitions"), std::string::npos) << text;
    EXPECT_NE(rows[3].find("failed: server not ready after 10 s"), std::string::npos) << rows[3];
    EXPECT_NE(rows[4].find("skipped: stop rule"), std::string::npos) << rows[4];
    EXPECT_NE(text.find("reps = measured / planned"), std::string::npos) << text;
}

TEST(CliOutput, ARepetitionSkippedByTheStopRuleSaysSo) {
    auto run = sampleRun();
    // a @ 200 measured once; its second repetition skipped by the stop rule: "1/2" and why.
    run.steps[3].status = StepStatus::Skipped;
    run.steps[3].statusMessage = "stop rule: the SLO was broken at 100 and 200 rps in a row";
    std::ostringstream out;
    printSummaryTable(out, run, analyzeRun(run));
    const auto rows = lines(out.str());
    ASSERT_GE(rows.size(), 3u) << out.str();
    EXPECT_NE(rows[2].find("1/2"), std::string::npos) << rows[2];
    EXPECT_NE(rows[2].find("1 repetition skipped by the stop rule"), std::string::npos) << rows[2];
}

TEST(CliOutput, ProfiledRepetitionsAreMarked) {
    auto run = sampleRun();
    // a @ 200 repetition 2 ran with a profiler: left out of the merge (repetition 1 is unprofiled) and said so.
    run.steps[3].profile = StepProfile{"python", 100, ""};
    // a @ 100: both repetitions profiled, so both are judged.
    run.steps[0].profile = StepProfile{"python", 100, ""};
    run.steps[1].profile = StepProfile{"python", 100, ""};
    std::ostringstream out;
    printSummaryTable(out, run, analyzeRun(run));
    const auto rows = lines(out.str());
    ASSERT_GE(rows.size(), 5u) << out.str();
    EXPECT_NE(rows[1].find("profiled: repetitions 1, 2"), std::string::npos) << rows[1];
    EXPECT_EQ(rows[1].find("left out"), std::string::npos) << rows[1];
    EXPECT_NE(rows[2].find("1/2"), std::string::npos) << rows[2];
    EXPECT_NE(rows[2].find("profiled: repetition 2, left out (unprofiled ones judged)"), std::string::npos) << rows[2];
    // Without the slow profiled repetition, a @ 200 is repetition 1's 1000 values near 51 ms alone.
    EXPECT_EQ(rows[2].find(" 90.0 "), std::string::npos) << rows[2];
    EXPECT_EQ(rows[3].find("profiled"), std::string::npos) << rows[3];
}

TEST(CliOutput, ASharedSloLimitIsStatedOnce) {
    auto run = sampleRun();
    // A factor of the ideal latency, the same ideal for both targets: one limit, not "75 ms for a, 75 ms for b".
    run.planJson = R"({"targets": ["a", "b"], "rates": [100, 200], "slo": {"p99_factor_of_ideal": 1.5}})";
    // Stored limits that differ only in the last bits of a double are one limit too.
    run.environmentJson = R"({"targets": {"a": {"ideal_latency_ms": 50, "p99_limit_ms": 75},
                                          "b": {"ideal_latency_ms": 50, "p99_limit_ms": 75.00000000000001}}})";
    std::ostringstream knees;
    printKnees(knees, run, analyzeRun(run));
    EXPECT_NE(knees.str().find("(p99 limit 75 ms)"), std::string::npos) << knees.str();
    EXPECT_EQ(knees.str().find(" ms for "), std::string::npos) << knees.str();
}

TEST(CliOutput, KneesAndProblems) {
    std::ostringstream knees;
    const auto sample = sampleRun();
    printKnees(knees, sample, analyzeRun(sample));
    EXPECT_NE(knees.str().find("p99 <= 60 ms, errors < 0.1 % (p99 limit 60 ms)"), std::string::npos) << knees.str();
    // 200 is the highest rate a was run at, held with confidence: a lower bound, said as one.
    EXPECT_NE(knees.str().find("a  200+: held with confidence up to 200 req/s"), std::string::npos) << knees.str();
    EXPECT_NE(knees.str().find("b  not measured"), std::string::npos) << knees.str();

    auto run = sampleRun();
    run.steps[4].serverLogTail = "line 1\nTraceback: boom\n";
    std::ostringstream problems;
    printProblems(problems, run, true);
    EXPECT_NE(problems.str().find("b @ 100 rps: failed: server not ready after 10 s"), std::string::npos)
        << problems.str();
    EXPECT_NE(problems.str().find("Traceback: boom"), std::string::npos) << problems.str();
    EXPECT_NE(problems.str().find("a @ 200 rps (repetition 2): ok: connection-limited"), std::string::npos)
        << problems.str();
}

TEST(CliOutput, TextTableAlignsColumns) {
    TextTable table;
    table.addColumn("name", TextTable::Align::Left);
    table.addColumn("rps");
    table.addRow({"aiohttp", "1500"});
    table.addRow({"tornado-gen", "250"});
    std::ostringstream out;
    table.print(out);
    EXPECT_EQ(out.str(), "name          rps\n"
                         "aiohttp      1500\n"
                         "tornado-gen   250\n");
    EXPECT_EQ(formatMs(0.4123), "0.412");
    EXPECT_EQ(formatMs(51.25), "51.2");
    EXPECT_EQ(formatMs(1234.5), "1234");
    EXPECT_EQ(formatBytes(3 * 1024 * 1024), "3.0 MiB");
}

TEST(CliOutput, ProgressBarShowsStepLiveP99AndEta) {
    const auto line = ProgressPrinter::barLine(0.5, 2, 4, "a @ 500 rps", 1.0, 2.0, 1.2, 7, 200);
    EXPECT_EQ(line, "[##########----------]  50%  step 2/4  a @ 500 rps  1.0/2s  p99 1.20 ms  ETA 7s");
    EXPECT_NE(ProgressPrinter::barLine(0, 1, 4, "x", -0.5, 2, 0, 65, 200).find("warm-up  ETA 1m5s"), std::string::npos);
    EXPECT_LE(ProgressPrinter::barLine(0.5, 2, 4, "a very long step label indeed", 1, 2, 1, 7, 40).size(), 39u)
        << "never wider than the terminal";
}
