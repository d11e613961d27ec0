// The serialised histogram (LSH2, range-coded counters): exact round trips for shapes far from a latency curve,
// damage always refused, the first format (LSH1) still read, and the size goal of the results store.
#include "histogram_codec.h"
#include "latency_histogram.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <random>

using loadscope::LatencyHistogram;

namespace {

void expectRoundTrip(const LatencyHistogram& h, const char* what) {
    const auto blob = h.serialize();
    ASSERT_EQ(blob.substr(0, 4), "LSH2") << what;
    std::string error;
    const auto back = LatencyHistogram::deserialize(blob, &error);
    ASSERT_TRUE(back) << what << ": " << error;
    EXPECT_EQ(*back, h) << what;
    EXPECT_EQ(back->mean(), h.mean()) << what;
    EXPECT_EQ(back->valueAtPercentile(99.9), h.valueAtPercentile(99.9)) << what;
}

void putVarint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

// A blob in the first format exactly as LatencyHistogram wrote it before LSH2: header varints, then every counter up
// to the last non-empty one as the zig-zag varint of its difference from the previous one, deflated.
std::string versionOneBlob(const LatencyHistogram& h) {
    std::string out = "LSH1";
    putVarint(out, 3);
    putVarint(out, 3'600'000'000);
    putVarint(out, static_cast<std::uint64_t>(h.count()));
    putVarint(out, static_cast<std::uint64_t>(h.min()));
    putVarint(out, static_cast<std::uint64_t>(h.max()));
    // The exact sum (two 64-bit halves) is not recoverable from the buckets; the test compares counters, not means.
    putVarint(out, 0);
    putVarint(out, 0);
    std::string body;
    std::int64_t previous = 0;
    std::int64_t value = 0;
    const auto buckets = h.nonEmptyBuckets();
    std::size_t next = 0;
    while (next < buckets.size()) {
        const std::int64_t count = buckets[next].lowestUs == value ? buckets[next++].count : 0;
        const std::int64_t delta = count - previous;
        putVarint(body, (static_cast<std::uint64_t>(delta) << 1) ^ static_cast<std::uint64_t>(delta >> 63));
        previous = count;
        value = h.highestEquivalent(value) + 1;
    }
    putVarint(out, body.size());
    uLongf packedSize = compressBound(static_cast<uLong>(body.size()));
    std::string packed(packedSize, '\0');
    compress2(reinterpret_cast<Bytef*>(packed.data()), &packedSize, reinterpret_cast<const Bytef*>(body.data()),
              static_cast<uLong>(body.size()), Z_BEST_COMPRESSION);
    packed.resize(packedSize);
    return out + packed;
}

} // namespace

TEST(HistogramCodec, ShapesFarFromALatencyCurveRoundTripExactly) {
    expectRoundTrip(LatencyHistogram(), "empty");
    LatencyHistogram single;
    single.record(0);
    expectRoundTrip(single, "a single 0");
    LatencyHistogram hour;
    hour.record(LatencyHistogram::kHighestTrackableUs, 3);
    expectRoundTrip(hour, "three hours-long requests");
    LatencyHistogram huge;
    huge.record(1, std::int64_t{1} << 50);
    huge.record(2, 1);
    huge.record(3, std::int64_t{1} << 40);
    huge.record(50'000, 123'456'789'012);
    expectRoundTrip(huge, "enormous counts next to tiny ones");
    LatencyHistogram everyCounter;
    for (std::int64_t v = 0; v < 5'000'000; v = everyCounter.highestEquivalent(v) + 1)
        everyCounter.record(v, 1 + v % 7);
    expectRoundTrip(everyCounter, "every counter up to 5 s non-empty");
    std::mt19937_64 rng(11);
    for (int round = 0; round < 20; ++round) {
        LatencyHistogram random;
        std::uniform_int_distribution<std::int64_t> value(0, LatencyHistogram::kHighestTrackableUs);
        std::geometric_distribution<std::int64_t> count(0.01);
        for (int i = 0; i < 300; ++i)
            random.record(value(rng) >> (rng() % 30), 1 + count(rng));
        expectRoundTrip(random, "random sparse counts");
    }
}

TEST(HistogramCodec, EveryDamagedOrTruncatedBlobIsRefused) {
    std::mt19937_64 rng(5);
    std::lognormal_distribution<double> latency(std::log(50'000.0), 0.4);
    LatencyHistogram h;
    for (int i = 0; i < 5'000; ++i)
        h.record(static_cast<std::int64_t>(latency(rng)));
    const std::string blob = h.serialize();
    std::string error;
    for (std::size_t length = 0; length < blob.size(); ++length)
        EXPECT_FALSE(LatencyHistogram::deserialize(blob.substr(0, length), &error)) << "cut at " << length;
    for (std::size_t i = 0; i < blob.size(); ++i) {
        std::string damaged = blob;
        damaged[i] = static_cast<char>(damaged[i] ^ (1 << (i % 8)));
        EXPECT_FALSE(LatencyHistogram::deserialize(damaged, &error)) << "bit flipped in byte " << i;
    }
    EXPECT_FALSE(error.empty());
    // Garbage after a valid header and the right checksum length still cannot pass.
    std::string garbage = blob.substr(0, 20) + std::string(200, '\xAB');
    EXPECT_FALSE(LatencyHistogram::deserialize(garbage, &error));
}

TEST(HistogramCodec, TheCodeRejectsImpossibleCountsWithoutReadingPastItsEnd) {
    const std::int64_t counts[] = {0, 5, 7, 1000, 3};
    std::string code;
    loadscope::histogram_codec::encodeCounts(counts, 5, code);
    std::int64_t decoded[5] = {};
    ASSERT_TRUE(loadscope::histogram_codec::decodeCounts(code, decoded, 5));
    EXPECT_EQ(std::vector<std::int64_t>(decoded, decoded + 5), std::vector<std::int64_t>(counts, counts + 5));
    // Asking for far more counts than were coded runs off the end: refused (and ASan checks no read goes beyond).
    std::vector<std::int64_t> many(100'000);
    EXPECT_FALSE(loadscope::histogram_codec::decodeCounts(code, many.data(), many.size()));
    EXPECT_FALSE(loadscope::histogram_codec::decodeCounts("", many.data(), many.size()));
}

TEST(HistogramCodec, BlobsOfTheFirstFormatStillRead) {
    std::mt19937_64 rng(8);
    std::lognormal_distribution<double> latency(std::log(30'000.0), 0.5);
    LatencyHistogram h;
    for (int i = 0; i < 20'000; ++i)
        h.record(static_cast<std::int64_t>(latency(rng)));
    std::string error;
    const auto back = LatencyHistogram::deserialize(versionOneBlob(h), &error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->nonEmptyBuckets().size(), h.nonEmptyBuckets().size());
    EXPECT_EQ(back->count(), h.count());
    EXPECT_EQ(back->min(), h.min());
    EXPECT_EQ(back->max(), h.max());
    for (double p : {50.0, 90.0, 99.0, 99.9})
        EXPECT_EQ(back->valueAtPercentile(p), h.valueAtPercentile(p)) << "p" << p;
}

// The store's goal: both histograms of a step (20,000 requests around 50 ms) in at most 4 KiB, for every spread a
// real server shows (sigma 0.2: tight; 0.6: a long tail).
TEST(HistogramCodec, TwoHistogramsOfATypicalStepFitInFourKibibytes) {
    std::mt19937_64 rng(2024);
    for (double sigma : {0.2, 0.4, 0.6}) {
        std::lognormal_distribution<double> service(std::log(45'000.0), sigma);
        std::exponential_distribution<double> queueing(1.0 / 5'000.0);
        LatencyHistogram serviceTime;
        LatencyHistogram latency;
        for (int i = 0; i < 20'000; ++i) {
            const double s = service(rng);
            serviceTime.record(static_cast<std::int64_t>(s));
            latency.record(static_cast<std::int64_t>(s + queueing(rng)));
        }
        const auto bytes = serviceTime.serialize().size() + latency.serialize().size();
        std::printf("sigma %.1f: %zu bytes for both histograms\n", sigma, bytes);
        EXPECT_LE(bytes, 4096u) << "sigma " << sigma;
    }
}
