// The generator's JSON outputs (loadgen/format/loadgen_json.h) read by the runner (runner/loadgen_result.cpp): every
// field of a document whose values all differ lands in its own Step member (a swapped key fails), keys the generator
// never writes are refused, and progress lines are read only when they are whole progress records.
#include "loadgen_json.h"
#include "loadgen_result.h"

#include <gtest/gtest.h>

using namespace loadscope;
namespace lj = loadscope::loadgen_json;

namespace {

LatencyHistogram histogramFrom(std::int64_t firstUs, std::int64_t count) {
    LatencyHistogram h;
    for (std::int64_t i = 0; i < count; ++i)
        h.record(firstUs + i * 13);
    return h;
}

// Every value differs from every other (counts 1.., times and rates with fractions), as the generator could write it.
lj::LoadgenDocument distinctDocument() {
    lj::LoadgenDocument d;
    d.url = "http://127.0.0.1:1/x";
    d.method = "POST";
    d.schedule = "const(100,2s)";
    d.arrivals = "poisson";
    d.connections = 1;
    d.threads = 2;
    d.realtime = true;
    d.busyPoll = false;
    d.batchWindowMs = 3.5;
    d.timeoutS = 4.5;
    d.warmupS = 5.5;
    d.seed = 6;
    d.targetRps = 7.5;
    d.achievedRps = 8.5;
    d.durationS = 9.5;
    d.partial = true;
    d.requests = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
    d.errors = {20, 21, 22, {{"404", 23}, {"503", 24}}, 25, {{"read", "reset by peer"}}};
    d.latencyMs = {26.5, 27.5, 28.5, 29.5, 30.5, 31.5, 32.5, 33.5, 34.5};
    d.serviceTimeMs = {35.5, 36.5, 37.5, 38.5, 39.5, 40.5, 41.5, 42.5, 43.5};
    d.latenessMs = {44.5, 45.5, 46.5};
    d.generatorLimited = true;
    d.generatorLimitedReason = "lateness p99 45.5 ms > 1 ms";
    d.connectionLimited = false;
    d.generatorCpu = {47.5, 48.5, 96.0};
    d.timeline = {{0, 49.5, 50, 51, 52, 53.5, 54.5}, {1, 55.5, 56, 57, 58, 59.5, 60.5}};
    d.histogram = histogramFrom(2000, 300).toBase64();
    d.serviceHistogram = histogramFrom(1000, 300).toBase64();
    d.error = "could not connect";
    return d;
}

std::string text(const lj::LoadgenDocument& d) {
    return lj::toJson(d).dump(2);
}

std::string refusal(const lj::Json& document) {
    Step step;
    try {
        applyLoadgenJson(document.dump(), step);
    } catch (const LoadgenOutputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(LoadgenResult, TheDocumentRoundTripsThroughItsTable) {
    const auto original = distinctDocument();
    lj::LoadgenDocument back;
    lj::fromJson(lj::Json::parse(text(original)), back);
    EXPECT_EQ(back, original);
    auto withoutError = original;
    withoutError.error.reset();
    EXPECT_FALSE(lj::toJson(withoutError).contains("error")); // written only when there is one
    lj::fromJson(lj::toJson(withoutError), back);
    EXPECT_EQ(back, withoutError);
}

// The keys as docs/loadgen.md names them, written out by hand: a table entry pairing a key with the wrong member
// would still round-trip, but not put the right value under the documented key.
TEST(LoadgenResult, EveryMemberIsWrittenUnderItsDocumentedKey) {
    const auto j = lj::toJson(distinctDocument());
    const std::vector<std::pair<const char*, lj::Json>> expected{
        {"/schema", "loadscope-loadgen/1"},
        {"/url", "http://127.0.0.1:1/x"},
        {"/method", "POST"},
        {"/schedule", "const(100,2s)"},
        {"/arrivals", "poisson"},
        {"/connections", 1},
        {"/threads", 2},
        {"/realtime", true},
        {"/busy_poll", false},
        {"/batch_window_ms", 3.5},
        {"/timeout_s", 4.5},
        {"/warmup_s", 5.5},
        {"/seed", 6},
        {"/target_rps", 7.5},
        {"/achieved_rps", 8.5},
        {"/duration_s", 9.5},
        {"/partial", true},
        {"/requests/due", 10},
        {"/requests/sent", 11},
        {"/requests/completed", 12},
        {"/requests/ok", 13},
        {"/requests/waited", 14},
        {"/requests/peak_in_flight", 15},
        {"/requests/retried", 16},
        {"/requests/unsent", 17},
        {"/requests/abandoned", 18},
        {"/requests/connections_opened", 19},
        {"/errors/connect", 20},
        {"/errors/read", 21},
        {"/errors/timeout", 22},
        {"/errors/status/404", 23},
        {"/errors/status/503", 24},
        {"/errors/total", 25},
        {"/errors/first/read", "reset by peer"},
        {"/latency_ms/p50", 26.5},
        {"/latency_ms/p75", 27.5},
        {"/latency_ms/p90", 28.5},
        {"/latency_ms/p95", 29.5},
        {"/latency_ms/p99", 30.5},
        {"/latency_ms/p999", 31.5},
        {"/latency_ms/p9999", 32.5},
        {"/latency_ms/max", 33.5},
        {"/latency_ms/mean", 34.5},
        {"/service_time_ms/p50", 35.5},
        {"/service_time_ms/mean", 43.5},
        {"/lateness_ms/p50", 44.5},
        {"/lateness_ms/p99", 45.5},
        {"/lateness_ms/max", 46.5},
        {"/generator_limited", true},
        {"/generator_limited_reason", "lateness p99 45.5 ms > 1 ms"},
        {"/connection_limited", false},
        {"/generator_cpu/user_s", 47.5},
        {"/generator_cpu/system_s", 48.5},
        {"/generator_cpu/wall_s", 96.0},
        {"/timeline/1/t", 1},
        {"/timeline/1/scheduled", 55.5},
        {"/timeline/1/sent", 56},
        {"/timeline/1/completed", 57},
        {"/timeline/1/errors", 58},
        {"/timeline/1/p50_ms", 59.5},
        {"/timeline/1/p99_ms", 60.5},
        {"/histogram", histogramFrom(2000, 300).toBase64()},
        {"/service_histogram", histogramFrom(1000, 300).toBase64()},
        {"/error", "could not connect"},
    };
    for (const auto& [pointer, value] : expected)
        EXPECT_EQ(j.value(lj::Json::json_pointer(pointer), lj::Json()), value) << pointer;
    EXPECT_EQ(j.size(), 30u) << j.dump(1);
}

TEST(LoadgenResult, EveryFieldLandsInItsOwnStepMember) {
    const auto d = distinctDocument();
    Step step;
    const LoadgenReport report = applyLoadgenJson(text(d), step);
    EXPECT_EQ(step.achievedRps, 8.5);
    EXPECT_EQ(step.durationS, 9.5);
    EXPECT_EQ(step.due, 10);
    EXPECT_EQ(step.sent, 11);
    EXPECT_EQ(step.completed, 12);
    EXPECT_EQ(step.ok, 13);
    EXPECT_EQ(step.waited, 14);
    EXPECT_EQ(step.peakInFlight, 15);
    EXPECT_EQ(step.errors.connect, 20);
    EXPECT_EQ(step.errors.read, 21);
    EXPECT_EQ(step.errors.timeout, 22);
    EXPECT_EQ(step.errors.status, (std::map<int, std::int64_t>{{404, 23}, {503, 24}}));
    EXPECT_EQ(step.latenessP50Ms, 44.5);
    EXPECT_EQ(step.latenessP99Ms, 45.5);
    EXPECT_EQ(step.latenessMaxMs, 46.5);
    // The histograms are the truth: the summaries come from them, not from latency_ms.
    EXPECT_EQ(step.latencyHistogram, histogramFrom(2000, 300));
    EXPECT_EQ(step.serviceTimeHistogram, histogramFrom(1000, 300));
    EXPECT_EQ(step.latency.p99Ms, summarize(histogramFrom(2000, 300)).p99Ms);
    EXPECT_EQ(step.serviceTime.p99Ms, summarize(histogramFrom(1000, 300)).p99Ms);
    EXPECT_EQ(step.timeline, (std::vector<TimelinePoint>{{0, 50, 51, 52, 53.5, 54.5}, {1, 56, 57, 58, 59.5, 60.5}}));

    EXPECT_EQ(report.targetRps, 7.5);
    EXPECT_TRUE(report.partial);
    EXPECT_TRUE(report.generatorLimited);
    EXPECT_EQ(report.generatorLimitedReason, "lateness p99 45.5 ms > 1 ms");
    EXPECT_TRUE(report.connectionLimited) << "14 requests waited, whatever connection_limited says";
    EXPECT_EQ(report.unsent, 17);
    EXPECT_EQ(report.abandoned, 18);
    EXPECT_EQ(report.fatalError, "could not connect");
    EXPECT_DOUBLE_EQ(report.generatorCpuPercent, (47.5 + 48.5) / 96.0 * 100.0);
}

TEST(LoadgenResult, EmptyHistogramsKeepThePrintedPercentiles) {
    auto d = distinctDocument();
    d.histogram = LatencyHistogram().toBase64();
    d.serviceHistogram = LatencyHistogram().toBase64();
    Step step;
    applyLoadgenJson(text(d), step);
    const auto& l = step.latency;
    EXPECT_EQ(
        std::vector<double>({l.p50Ms, l.p75Ms, l.p90Ms, l.p95Ms, l.p99Ms, l.p999Ms, l.p9999Ms, l.maxMs, l.meanMs}),
        std::vector<double>({26.5, 27.5, 28.5, 29.5, 30.5, 31.5, 32.5, 33.5, 34.5}));
    EXPECT_EQ(step.serviceTime.p50Ms, 35.5);
    EXPECT_EQ(step.serviceTime.meanMs, 43.5);
}

TEST(LoadgenResult, KeysTheGeneratorNeverWritesAreRefusedByName) {
    const auto document = lj::toJson(distinctDocument());
    auto extra = document;
    extra["latency"] = 1; // an old spelling
    EXPECT_EQ(refusal(extra), "loadgen JSON: latency: not a field the generator writes");
    extra = document;
    extra["requests"]["dropped"] = 1;
    EXPECT_EQ(refusal(extra), "loadgen JSON: requests.dropped: not a field the generator writes");
    extra = document;
    extra["timeline"][1]["p90_ms"] = 1;
    EXPECT_EQ(refusal(extra), "loadgen JSON: timeline[1].p90_ms: not a field the generator writes");

    auto missing = document;
    missing["requests"].erase("due");
    EXPECT_EQ(refusal(missing), "loadgen JSON: requests.due: missing");
    auto wrongType = document;
    wrongType["requests"]["sent"] = "11";
    EXPECT_EQ(refusal(wrongType), "loadgen JSON: requests.sent: expected an integer, found string");
    auto badStatus = document;
    badStatus["errors"]["status"]["5xx"] = 1;
    EXPECT_EQ(refusal(badStatus), "loadgen JSON: errors.status.5xx: expected an HTTP status code as the key");
    auto otherSchema = document;
    otherSchema["schema"] = "loadscope-loadgen/2";
    EXPECT_EQ(refusal(otherSchema),
              "loadgen JSON: schema: expected \"loadscope-loadgen/1\", found \"loadscope-loadgen/2\"");
    auto badHistogram = document;
    badHistogram["histogram"] = "not base64!";
    EXPECT_NE(refusal(badHistogram).find("loadgen JSON: histogram: not a serialised LatencyHistogram"),
              std::string::npos);
    EXPECT_NE(refusal(lj::Json::array()).find("expected an object"), std::string::npos);
    Step step;
    EXPECT_THROW(applyLoadgenJson("{not json", step), LoadgenOutputError);
}

TEST(LoadgenResult, ProgressLinesAreReadOnlyWhenTheyAreWholeRecords) {
    const lj::LoadgenProgress line{1.25, 20, "measure", 100, 99, 98, 3, 7, 10.5, 11.5};
    const auto progress = parseProgressLine(lj::toJson(line).dump());
    ASSERT_TRUE(progress);
    EXPECT_EQ(progress->elapsedS, 1.25);
    EXPECT_EQ(progress->durationS, 20);
    EXPECT_EQ(progress->sent, 99);
    EXPECT_EQ(progress->completed, 98);
    EXPECT_EQ(progress->errors, 3);
    EXPECT_EQ(progress->p50Ms, 10.5);
    EXPECT_EQ(progress->p99Ms, 11.5);

    // The spellings the reader used to accept besides the generator's own ("elapsed", "p50", "p99") are not progress.
    EXPECT_FALSE(parseProgressLine(R"({"elapsed": 1.0, "sent": 3, "p50": 1, "p99": 2})"));
    auto renamed = lj::toJson(line);
    renamed.erase("p99_ms");
    renamed["p99"] = 11.5;
    EXPECT_FALSE(parseProgressLine(renamed.dump()));
    EXPECT_FALSE(parseProgressLine("loadscope-loadgen: warning: something"));
    EXPECT_FALSE(parseProgressLine("{broken"));
    EXPECT_FALSE(parseProgressLine(""));
}
