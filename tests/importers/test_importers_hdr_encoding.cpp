// HdrHistogram's V2 encoding: histograms encoded by HdrHistogram's own implementations decode to what their test
// suites expect; ours decode back losslessly; and a run exported as an interval log imports back unchanged.
#include "format_registry.h"
#include "hdr_encoding.h"
#include "hlog_writer.h"
#include "importer_test_support.h"
#include "run_assembler.h"

#include <gtest/gtest.h>

#include <random>
#include <zlib.h>

using namespace loadscope;
using namespace loadscope::importers;
using loadscope::importers::test::fixture;
using loadscope::importers::test::TempDir;

namespace {

// Encoded by HdrHistogram_c's test code from its standard test histograms, HdrHistogram(1, 3600000000, 3): 10,000
// values of 1000 and one of 100,000,000; and the same recorded with coordinated-omission correction for an
// expected interval of 10,000 (20,000 values). Published with HdrHistogram_py's interoperability test (test_hdrh.py,
// ENCODE_SAMPLES_HDRHISTOGRAM_C), whose expected percentiles are checked below.
constexpr const char* kCRaw = "HISTFAAAACl4nJNpmSzMwMBgyAABzFCaEURcm7yEwf4DROA8/4I5jNM7mJgAlWkH9g==";
constexpr const char* kCCorrected = "HISTFAAAAP94nJNpmSzMwCByigECmKE0I4i4NnkJg/0HiMB5/gVzGD8aM/3lZ7rPyTSbjektC9N7Fqa"
                                    "HzEzbmZi2whCEvZKRaSYj02wwiYng4tFM3lDoC2dhhwh5UyZlJlUMjClCmgpMEUUmQSZ+IBZEojFFCM"
                                    "vQRwUxenmZ2MGQFUqz4+CTo4I2pg4dFdQylZWJkYkZCaPyMEUIydPLjMHrssFixuB12XD0HRAwMsFJg"
                                    "kwilZHJHHKmjzp41MFDOjhYmFiQEUEmMWqGsvKBd8Fwd/Co/waTC9jYOMAIiSJRhLbKh5x9Q87Bo/YN"
                                    "bfsoM4CPhw+IIJAkxnDXN+QcTIpyAPnGh6k=";

LatencyHistogram decodeToLatency(const char* text) {
    std::string error;
    const auto data = decodeHdrHistogram(text, &error);
    EXPECT_TRUE(data) << error;
    LatencyHistogram h;
    if (data)
        addToLatencyHistogram(*data, 1.0, std::nullopt, h);
    return h;
}

void expectPercentile(const LatencyHistogram& h, double percentile, double value) {
    EXPECT_NEAR(static_cast<double>(h.valueAtPercentile(percentile)), value, value * 0.001) << "p" << percentile;
}

// The uncompressed bytes (header and counters) of an encoded histogram.
std::string inflated(const std::string& base64) {
    const auto bytes = base64Decode(base64);
    EXPECT_TRUE(bytes && bytes->size() > 8);
    std::string out(1 << 20, '\0');
    uLongf size = static_cast<uLongf>(out.size());
    EXPECT_EQ(uncompress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(bytes->data() + 8),
                         static_cast<uLong>(bytes->size() - 8)),
              Z_OK);
    out.resize(size);
    return out;
}

} // namespace

TEST(HdrEncoding, HdrHistogramCEncodedStandardHistograms) {
    const auto raw = decodeToLatency(kCRaw);
    EXPECT_EQ(raw.count(), 10001);
    for (const auto& [p, v] : std::vector<std::pair<double, double>>{
             {30, 1000}, {99, 1000}, {99.99, 1000}, {99.999, 100000000}, {100, 100000000}})
        expectPercentile(raw, p, v);
    const auto corrected = decodeToLatency(kCCorrected);
    EXPECT_EQ(corrected.count(), 20000);
    for (const auto& [p, v] : std::vector<std::pair<double, double>>{{30, 1000},
                                                                     {50, 1000},
                                                                     {75, 50000000},
                                                                     {90, 80000000},
                                                                     {99, 98000000},
                                                                     {99.999, 100000000},
                                                                     {100, 100000000}})
        expectPercentile(corrected, p, v);
}

TEST(HdrEncoding, OurEncodingOfTheStandardHistogramMatchesHdrHistogramC) {
    // Same layout, same counts: the uncompressed bytes are identical (zlib's output may differ) but for the payload
    // length, which this HdrHistogram_c counted with the 40 header bytes (49) where Java counts the counters (9).
    LatencyHistogram h;
    h.record(1000, 10000);
    h.record(100000000);
    const auto ours = inflated(encodeHdrHistogram(h));
    const auto theirs = inflated(kCRaw);
    ASSERT_EQ(ours.size(), theirs.size());
    EXPECT_EQ(ours.substr(0, 4), theirs.substr(0, 4));
    EXPECT_EQ(ours.substr(8), theirs.substr(8));
    EXPECT_EQ(static_cast<unsigned char>(ours[7]), 9);
    EXPECT_EQ(static_cast<unsigned char>(theirs[7]), 49);
    EXPECT_EQ(encodeHdrHistogram(h).substr(0, 5), "HISTF");
}

TEST(HdrEncoding, RoundTripOfOurHistogramsIsLossless) {
    std::mt19937_64 random(7);
    std::lognormal_distribution<double> latency(std::log(5000.0), 1.2);
    LatencyHistogram h;
    for (int i = 0; i < 100000; ++i)
        h.record(static_cast<std::int64_t>(latency(random)));
    h.record(LatencyHistogram::kHighestTrackableUs);
    h.record(0);
    std::string error;
    const auto data = decodeHdrHistogram(encodeHdrHistogram(h), &error);
    ASSERT_TRUE(data) << error;
    EXPECT_EQ(data->lowestDiscernible, 1);
    EXPECT_EQ(data->highestTrackable, LatencyHistogram::kHighestTrackableUs);
    LatencyHistogram back;
    addToLatencyHistogram(*data, 1.0, h.max(), back);
    const auto a = h.nonEmptyBuckets();
    const auto b = back.nonEmptyBuckets();
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].lowestUs, b[i].lowestUs);
        EXPECT_EQ(a[i].count, b[i].count);
    }
    EXPECT_EQ(back.max(), h.max());
    for (double p : {0.1, 50.0, 90.0, 99.0, 99.9, 99.999, 100.0})
        EXPECT_EQ(back.valueAtPercentile(p), h.valueAtPercentile(p)) << p;
}

TEST(HdrEncoding, EmptyHistogramRoundTrips) {
    std::string error;
    const auto data = decodeHdrHistogram(encodeHdrHistogram(LatencyHistogram{}), &error);
    ASSERT_TRUE(data) << error;
    EXPECT_EQ(data->totalCount(), 0);
}

TEST(HdrEncoding, JHiccupLogFromHdrHistogramJavaTests) {
    // HistogramLogReaderWriterTest.jHiccupV2Log: 38 intervals, 30874 values, p99.9 956825599 ns, max 981991423 ns.
    const auto steps = importFile(fixture("hdrhistogram_jhiccup_v2.hlog"), FileFormat::Hlog);
    ASSERT_EQ(steps.size(), 1u);
    const auto& s = steps[0].step;
    EXPECT_NE(steps[0].provenance.detail.find("38 intervals"), std::string::npos) << steps[0].provenance.detail;
    EXPECT_NE(steps[0].provenance.detail.find("values in ns"), std::string::npos) << steps[0].provenance.detail;
    ASSERT_TRUE(s.latencyHistogram);
    EXPECT_EQ(s.latencyHistogram->count(), 30874);
    expectPercentile(*s.latencyHistogram, 99.9, 956825.599);
    // Java's 981991423 is the top counter's lowest value (this log keeps 2 digits: 981.47-985.66 ms share a counter)
    // as Java's add() re-records it; the import keeps the exact maximum the log's Interval_Max column gives.
    EXPECT_NEAR(static_cast<double>(s.latencyHistogram->max()), 981991.423, 981991.423 * 0.004);
    EXPECT_EQ(s.latencyHistogram->max(), 985661);
    EXPECT_NE(steps[0].provenance.detail.find("2 significant digits"), std::string::npos);
    EXPECT_EQ(s.startedMs, 1441753532570 + 126);
    EXPECT_NEAR(s.durationS, 37.132 + 1.0 - 0.126, 1e-9);
    EXPECT_EQ(s.timeline.size(), 37u); // 38 intervals, two of them in second 20
    EXPECT_EQ(s.timeline.front().second, 0);
}

TEST(HdrEncoding, TaggedLogGivesOneStepPerTag) {
    const auto steps = importFile(fixture("hdrhistogram_tagged_non_monotonic.hlog"), FileFormat::Hlog);
    ASSERT_EQ(steps.size(), 3u);
    EXPECT_EQ(steps[0].provenance.tag, "A");
    EXPECT_EQ(steps[1].provenance.tag, "B");
    EXPECT_EQ(steps[2].provenance.tag, "C");
    for (const auto& s : steps)
        EXPECT_GT(s.step.latencyHistogram->count(), 0);
}

TEST(HdrEncoding, ExportedRunImportsBackUnchanged) {
    loadscope::Run run;
    run.id = 7;
    run.name = "round trip";
    run.createdMs = 1'700'000'000'000;
    std::mt19937_64 random(3);
    for (int i = 0; i < 3; ++i) {
        Step s;
        s.targetName = i == 2 ? "tornado, async" : "aiohttp";
        s.requestedRps = 1000.0 * (i + 1);
        s.repetition = 1;
        s.startedMs = run.createdMs + i * 12'000;
        s.durationS = 10;
        LatencyHistogram h;
        std::lognormal_distribution<double> latency(std::log(1500.0 * (i + 1)), 0.8);
        for (int k = 0; k < 20000; ++k)
            h.record(static_cast<std::int64_t>(latency(random)));
        s.latencyHistogram = h;
        run.steps.push_back(s);
    }
    const std::string text = runToHlog(run);
    EXPECT_NE(text.find("Tag=tornado__async@3000rps#1,24.000,10.000,"), std::string::npos) << text.substr(0, 600);
    const TempDir dir;
    const auto path = dir.file("run.hlog", text);
    const auto steps = importFile(path, detectFormat(path));
    ASSERT_EQ(steps.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        const auto& original = *run.steps[i].latencyHistogram;
        const auto& back = *steps[i].step.latencyHistogram;
        EXPECT_EQ(steps[i].provenance.tag, hlogTag(run.steps[i]));
        EXPECT_NE(steps[i].provenance.detail.find("values in us"), std::string::npos) << steps[i].provenance.detail;
        EXPECT_EQ(back.count(), original.count());
        EXPECT_EQ(back.max(), original.max());
        for (double p : {1.0, 50.0, 90.0, 99.0, 99.9, 100.0})
            EXPECT_EQ(back.valueAtPercentile(p), original.valueAtPercentile(p)) << i << " p" << p;
        EXPECT_EQ(steps[i].step.startedMs, run.steps[i].startedMs);
        EXPECT_DOUBLE_EQ(steps[i].step.durationS, 10);
    }
    // The tags give the targets and rates back.
    const auto again = assembleRun({steps}, AssembleOptions{});
    ASSERT_EQ(again.steps.size(), 3u);
    EXPECT_EQ(again.steps[0].targetName, "aiohttp");
    EXPECT_EQ(again.steps[1].requestedRps, 2000);
    EXPECT_EQ(again.steps[2].targetName, "tornado__async");
    EXPECT_EQ(again.steps[2].requestedRps, 3000);
}
