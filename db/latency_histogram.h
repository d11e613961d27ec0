#pragma once
// LatencyHistogram: an HDR-style histogram of latencies in microseconds, 1 us to 1 h at 3 significant digits.
// The one histogram implementation of the project: the load generator records into it, the store keeps its
// serialised form, the GUI merges and queries it. No Qt, no SQLite: it is linkable from every executable.
//
// Layout follows Gil Tene's HdrHistogram: buckets of 2048 sub-buckets, each bucket doubling the value range, so any
// recorded value is reported within 0.1 % (one part in 10^3) of its true value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope {

class LatencyHistogram {
public:
    static constexpr std::int64_t kLowestDiscernibleUs = 1;
    static constexpr std::int64_t kHighestTrackableUs = 3'600'000'000; // one hour
    static constexpr int kSignificantDigits = 3;

    LatencyHistogram();

    // Records `count` occurrences of `valueUs`. Negative values count as 0, values above one hour as one hour.
    // Never allocates: safe in a load generator's hot path.
    void record(std::int64_t valueUs, std::int64_t count = 1) noexcept;
    // Adds every count of `other` (both have the same layout): merging then querying equals recording everything.
    void merge(const LatencyHistogram& other) noexcept;
    void reset() noexcept;

    std::int64_t count() const noexcept { return totalCount_; }
    bool empty() const noexcept { return totalCount_ == 0; }
    // Exact minimum and maximum of the recorded values (0 when empty).
    std::int64_t min() const noexcept { return totalCount_ ? min_ : 0; }
    std::int64_t max() const noexcept { return totalCount_ ? max_ : 0; }
    // Exact mean of the recorded values (0 when empty).
    double mean() const noexcept;
    // The value at or below which `percentile` percent of the recorded values fall, within the 3-digit bound.
    // percentile is clamped to [0, 100]; 0 gives min(), 100 gives max(); 0 when empty.
    std::int64_t valueAtPercentile(double percentile) const noexcept;

    // Equivalence ranges: every value in [lowestEquivalent(v), highestEquivalent(v)] shares v's counter.
    std::int64_t lowestEquivalent(std::int64_t valueUs) const noexcept;
    std::int64_t highestEquivalent(std::int64_t valueUs) const noexcept;

    struct Bucket {
        std::int64_t lowestUs;
        std::int64_t highestUs;
        std::int64_t count;
    };
    // The non-empty counters in increasing value order (for spectra, CSV export and tests).
    std::vector<Bucket> nonEmptyBuckets() const;

    // Compact, lossless binary form ("LSH2": a varint header, then the range of non-empty counters range-coded by
    // histogram_codec.h): about 1.3 KB for 20,000 latencies around 50 ms. deserialize() also reads the older
    // "LSH1" blobs, and returns nullopt and fills `error` for anything that is not such a blob.
    std::string serialize() const;
    static std::optional<LatencyHistogram> deserialize(std::string_view bytes, std::string* error = nullptr);
    // The same blob as base64 text, for JSON documents.
    std::string toBase64() const;
    static std::optional<LatencyHistogram> fromBase64(std::string_view text, std::string* error = nullptr);

    friend bool operator==(const LatencyHistogram& a, const LatencyHistogram& b) noexcept;

private:
    bool readVersion1Counters(std::string_view bytes, std::size_t position, std::string* error);
    std::size_t countsIndexFor(std::int64_t valueUs) const noexcept;
    std::int64_t valueFromIndex(std::size_t index) const noexcept;

    std::vector<std::int64_t> counts_;
    std::int64_t totalCount_ = 0;
    std::int64_t min_ = 0;
    std::int64_t max_ = 0;
    // Sum of the recorded values, kept exactly for the mean (a long double would round at 10^9 requests of 1 h).
    __extension__ using Int128 = __int128;
    Int128 sum_ = 0;
};

// The percentiles every report shows, in milliseconds.
struct LatencySummary {
    std::int64_t count = 0;
    double p50Ms = 0, p75Ms = 0, p90Ms = 0, p95Ms = 0, p99Ms = 0, p999Ms = 0, p9999Ms = 0;
    double maxMs = 0, meanMs = 0, minMs = 0;
};
LatencySummary summarize(const LatencyHistogram& histogram);

// Base64 (RFC 4648, with padding) used by the JSON forms of histograms.
std::string base64Encode(std::string_view bytes);
std::optional<std::string> base64Decode(std::string_view text);

} // namespace loadscope
