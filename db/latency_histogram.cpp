#include "latency_histogram.h"

#include "histogram_codec.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include <zlib.h>

namespace loadscope {
namespace {

// 3 significant digits need 2 * 10^3 distinct values per bucket, rounded up to a power of two.
constexpr int kSubBucketCountMagnitude = 11; // 2048
constexpr std::int64_t kSubBucketCount = std::int64_t{1} << kSubBucketCountMagnitude;
constexpr int kSubBucketHalfCountMagnitude = kSubBucketCountMagnitude - 1;
constexpr std::int64_t kSubBucketHalfCount = kSubBucketCount / 2;
constexpr int kUnitMagnitude = 0; // lowest discernible value is 1 us
constexpr std::int64_t kSubBucketMask = (kSubBucketCount - 1) << kUnitMagnitude;

constexpr int bucketsNeeded() {
    std::int64_t smallestUntrackable = kSubBucketCount << kUnitMagnitude;
    int buckets = 1;
    while (smallestUntrackable <= LatencyHistogram::kHighestTrackableUs) {
        smallestUntrackable <<= 1;
        ++buckets;
    }
    return buckets;
}
constexpr int kBucketCount = bucketsNeeded();
constexpr std::size_t kCountsLength = static_cast<std::size_t>((kBucketCount + 1) * kSubBucketHalfCount);

int bucketIndexOf(std::int64_t value) {
    const int pow2Ceiling = 64 - std::countl_zero(static_cast<std::uint64_t>(value | kSubBucketMask));
    return pow2Ceiling - kUnitMagnitude - (kSubBucketHalfCountMagnitude + 1);
}

__extension__ using UInt128 = unsigned __int128;

constexpr char kMagic[4] = {'L', 'S', 'H', '1'};   // zlib-deflated counter deltas (read only)
constexpr char kMagicV2[4] = {'L', 'S', 'H', '2'}; // range-coded counters (histogram_codec.h)

void putVarint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

struct Reader {
    std::string_view in;
    std::size_t pos = 0;
    bool ok = true;
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= in.size()) {
                ok = false;
                return 0;
            }
            const auto byte = static_cast<unsigned char>(in[pos++]);
            v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                return v;
        }
        ok = false;
        return 0;
    }
    std::int64_t signedVarint() {
        const std::uint64_t z = varint();
        return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
    }
};

bool fail(std::string* error, const char* message) {
    if (error)
        *error = message;
    return false;
}

} // namespace

LatencyHistogram::LatencyHistogram()
    : counts_(kCountsLength, 0) {}

std::size_t LatencyHistogram::countsIndexFor(std::int64_t value) const noexcept {
    const int bucketIndex = bucketIndexOf(value);
    const std::int64_t subBucketIndex = value >> (bucketIndex + kUnitMagnitude);
    const std::int64_t bucketBaseIndex = static_cast<std::int64_t>(bucketIndex + 1) << kSubBucketHalfCountMagnitude;
    return static_cast<std::size_t>(bucketBaseIndex + (subBucketIndex - kSubBucketHalfCount));
}

std::int64_t LatencyHistogram::valueFromIndex(std::size_t index) const noexcept {
    int bucketIndex = static_cast<int>(index >> kSubBucketHalfCountMagnitude) - 1;
    std::int64_t subBucketIndex = static_cast<std::int64_t>(index & (kSubBucketHalfCount - 1)) + kSubBucketHalfCount;
    if (bucketIndex < 0) {
        subBucketIndex -= kSubBucketHalfCount;
        bucketIndex = 0;
    }
    return subBucketIndex << (bucketIndex + kUnitMagnitude);
}

std::int64_t LatencyHistogram::lowestEquivalent(std::int64_t value) const noexcept {
    value = std::clamp<std::int64_t>(value, 0, kHighestTrackableUs);
    const int bucketIndex = bucketIndexOf(value);
    const std::int64_t subBucketIndex = value >> (bucketIndex + kUnitMagnitude);
    return subBucketIndex << (bucketIndex + kUnitMagnitude);
}

std::int64_t LatencyHistogram::highestEquivalent(std::int64_t value) const noexcept {
    value = std::clamp<std::int64_t>(value, 0, kHighestTrackableUs);
    const int bucketIndex = bucketIndexOf(value);
    const std::int64_t subBucketIndex = value >> (bucketIndex + kUnitMagnitude);
    const int adjustedBucket = subBucketIndex >= kSubBucketCount ? bucketIndex + 1 : bucketIndex;
    const std::int64_t rangeSize = std::int64_t{1} << (kUnitMagnitude + adjustedBucket);
    return lowestEquivalent(value) + rangeSize - 1;
}

void LatencyHistogram::record(std::int64_t value, std::int64_t count) noexcept {
    if (count <= 0)
        return;
    value = std::clamp<std::int64_t>(value, 0, kHighestTrackableUs);
    counts_[countsIndexFor(value)] += count;
    if (totalCount_ == 0) {
        min_ = max_ = value;
    } else {
        min_ = std::min(min_, value);
        max_ = std::max(max_, value);
    }
    totalCount_ += count;
    sum_ += static_cast<Int128>(value) * count;
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
    if (other.totalCount_ == 0)
        return;
    for (std::size_t i = 0; i < counts_.size(); ++i)
        counts_[i] += other.counts_[i];
    if (totalCount_ == 0) {
        min_ = other.min_;
        max_ = other.max_;
    } else {
        min_ = std::min(min_, other.min_);
        max_ = std::max(max_, other.max_);
    }
    totalCount_ += other.totalCount_;
    sum_ += other.sum_;
}

void LatencyHistogram::reset() noexcept {
    std::fill(counts_.begin(), counts_.end(), 0);
    totalCount_ = 0;
    min_ = max_ = 0;
    sum_ = 0;
}

double LatencyHistogram::mean() const noexcept {
    return totalCount_ ? static_cast<double>(sum_) / static_cast<double>(totalCount_) : 0.0;
}

std::int64_t LatencyHistogram::valueAtPercentile(double percentile) const noexcept {
    if (totalCount_ == 0)
        return 0;
    if (!(percentile > 0.0)) // also catches NaN
        return min_;
    if (percentile >= 100.0)
        return max_;
    // The rank of the value asked for, 1-based: the smallest k with k >= percentile% of the count.
    const auto rank = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(std::ceil(percentile / 100.0 * static_cast<double>(totalCount_) - 1e-9)));
    std::int64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            // Report the counter's upper edge, but never beyond what was really recorded.
            return std::clamp(highestEquivalent(valueFromIndex(i)), min_, max_);
        }
    }
    return max_;
}

std::vector<LatencyHistogram::Bucket> LatencyHistogram::nonEmptyBuckets() const {
    std::vector<Bucket> buckets;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
        if (counts_[i] != 0) {
            const std::int64_t low = valueFromIndex(i);
            buckets.push_back({low, highestEquivalent(low), counts_[i]});
        }
    }
    return buckets;
}

std::string LatencyHistogram::serialize() const {
    std::string out(kMagicV2, sizeof kMagicV2);
    putVarint(out, static_cast<std::uint64_t>(kSignificantDigits));
    putVarint(out, static_cast<std::uint64_t>(kHighestTrackableUs));
    putVarint(out, static_cast<std::uint64_t>(totalCount_));
    putVarint(out, static_cast<std::uint64_t>(min()));
    putVarint(out, static_cast<std::uint64_t>(max()));
    // The exact sum, as two 64-bit halves, so the mean survives the round trip.
    putVarint(out, static_cast<std::uint64_t>(static_cast<UInt128>(sum_) >> 64));
    putVarint(out, static_cast<std::uint64_t>(sum_));
    // Only the counters from the first non-empty one to the last: a step's latencies span a few thousand of them.
    std::size_t first = 0;
    while (first < counts_.size() && counts_[first] == 0)
        ++first;
    std::size_t last = counts_.size();
    while (last > first && counts_[last - 1] == 0)
        --last;
    putVarint(out, first);
    putVarint(out, last - first);
    histogram_codec::encodeCounts(counts_.data() + first, last - first, out);
    // A range code has no redundancy: without a checksum a damaged blob would decode to other, plausible counts.
    const auto crc =
        static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size())));
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
    return out;
}

std::optional<LatencyHistogram> LatencyHistogram::deserialize(std::string_view bytes, std::string* error) {
    const bool v2 = bytes.size() >= sizeof kMagicV2 && std::memcmp(bytes.data(), kMagicV2, sizeof kMagicV2) == 0;
    const bool v1 = bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
    if (!v1 && !v2) {
        fail(error, "not a Loadscope latency histogram (expected the 'LSH2' or 'LSH1' header)");
        return std::nullopt;
    }
    Reader r{bytes, sizeof kMagic};
    const auto digits = r.varint();
    const auto highest = r.varint();
    if (r.ok && (digits != static_cast<std::uint64_t>(kSignificantDigits) ||
                 highest != static_cast<std::uint64_t>(kHighestTrackableUs))) {
        fail(error, "latency histogram has an unsupported layout (expected 3 significant digits up to 1 h)");
        return std::nullopt;
    }
    LatencyHistogram h;
    const auto total = static_cast<std::int64_t>(r.varint());
    const auto minValue = static_cast<std::int64_t>(r.varint());
    const auto maxValue = static_cast<std::int64_t>(r.varint());
    const auto sumHigh = r.varint();
    const auto sumLow = r.varint();
    if (!r.ok) {
        fail(error, "latency histogram is truncated in its header");
        return std::nullopt;
    }
    if (v2) {
        std::uint32_t stored = 0;
        for (int i = 0; i < 4; ++i)
            stored |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[bytes.size() - 4 + i])) << (8 * i);
        const auto computed = static_cast<std::uint32_t>(
            crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size() - 4)));
        if (r.pos + 4 > bytes.size() || stored != computed) {
            fail(error, "latency histogram is damaged (its checksum does not match)");
            return std::nullopt;
        }
        bytes.remove_suffix(4);
        const auto first = r.varint();
        const auto n = r.varint();
        if (!r.ok || first > h.counts_.size() || n > h.counts_.size() - first) {
            fail(error, "latency histogram is truncated or has an impossible size");
            return std::nullopt;
        }
        if (!histogram_codec::decodeCounts(bytes.substr(r.pos), h.counts_.data() + first,
                                           static_cast<std::size_t>(n))) {
            fail(error, "latency histogram's counters are corrupt (their code does not decode)");
            return std::nullopt;
        }
    } else if (!h.readVersion1Counters(bytes, r.pos, error)) {
        return std::nullopt;
    }
    std::int64_t seen = 0;
    for (const std::int64_t count : h.counts_)
        if (__builtin_add_overflow(seen, count, &seen)) {
            fail(error, "latency histogram's counters are corrupt (their total overflows)");
            return std::nullopt;
        }
    if (seen != total || minValue > maxValue || maxValue > kHighestTrackableUs) {
        fail(error, "latency histogram is inconsistent (its counters do not add up to its total)");
        return std::nullopt;
    }
    h.totalCount_ = total;
    h.min_ = total ? minValue : 0;
    h.max_ = total ? maxValue : 0;
    h.sum_ = static_cast<Int128>((static_cast<UInt128>(sumHigh) << 64) | sumLow);
    return h;
}

// Format LSH1 (the first one; still read): every counter up to the last non-empty one as the zig-zag varint of its
// difference from the previous one, deflated with zlib.
bool LatencyHistogram::readVersion1Counters(std::string_view bytes, std::size_t position, std::string* error) {
    Reader r{bytes, position};
    const auto bodySize = r.varint();
    // A counter takes at most 10 bytes; anything claiming more is not ours (and must not make us allocate it).
    if (!r.ok || bodySize > counts_.size() * 10)
        return fail(error, "latency histogram is truncated or has an impossible size");
    std::string body(bodySize, '\0');
    uLongf unpackedSize = static_cast<uLongf>(bodySize);
    if (bodySize > 0 && (uncompress(reinterpret_cast<Bytef*>(body.data()), &unpackedSize,
                                    reinterpret_cast<const Bytef*>(bytes.data() + r.pos),
                                    static_cast<uLong>(bytes.size() - r.pos)) != Z_OK ||
                         unpackedSize != bodySize))
        return fail(error, "latency histogram's counters are corrupt (they do not inflate)");
    r = Reader{body, 0};
    std::size_t index = 0;
    std::int64_t previous = 0;
    while (r.pos < body.size()) {
        const std::int64_t count = previous + r.signedVarint();
        if (!r.ok || index >= counts_.size() || count < 0)
            return fail(error, "latency histogram's counters are corrupt (more counters than its layout, or negative)");
        counts_[index++] = count;
        previous = count;
    }
    return true;
}

std::string LatencyHistogram::toBase64() const {
    return base64Encode(serialize());
}

std::optional<LatencyHistogram> LatencyHistogram::fromBase64(std::string_view text, std::string* error) {
    const auto bytes = base64Decode(text);
    if (!bytes) {
        fail(error, "latency histogram is not valid base64");
        return std::nullopt;
    }
    return deserialize(*bytes, error);
}

bool operator==(const LatencyHistogram& a, const LatencyHistogram& b) noexcept {
    return a.totalCount_ == b.totalCount_ && a.min() == b.min() && a.max() == b.max() && a.sum_ == b.sum_ &&
           a.counts_ == b.counts_;
}

LatencySummary summarize(const LatencyHistogram& h) {
    auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1000.0; };
    LatencySummary s;
    s.count = h.count();
    s.p50Ms = ms(h.valueAtPercentile(50));
    s.p75Ms = ms(h.valueAtPercentile(75));
    s.p90Ms = ms(h.valueAtPercentile(90));
    s.p95Ms = ms(h.valueAtPercentile(95));
    s.p99Ms = ms(h.valueAtPercentile(99));
    s.p999Ms = ms(h.valueAtPercentile(99.9));
    s.p9999Ms = ms(h.valueAtPercentile(99.99));
    s.maxMs = ms(h.max());
    s.minMs = ms(h.min());
    s.meanMs = h.mean() / 1000.0;
    return s;
}

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string base64Encode(std::string_view in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const std::uint32_t n = (static_cast<unsigned char>(in[i]) << 16) |
                                (static_cast<unsigned char>(in[i + 1]) << 8) | static_cast<unsigned char>(in[i + 2]);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
        out += kAlphabet[n & 63];
    }
    if (i < in.size()) {
        std::uint32_t n = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size())
            n |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64Decode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+')
            return 62;
        if (c == '/')
            return 63;
        return -1;
    };
    if (in.size() % 4 != 0)
        return std::nullopt;
    std::string out;
    out.reserve(in.size() / 4 * 3);
    for (std::size_t i = 0; i < in.size(); i += 4) {
        int v[4];
        int padding = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = in[i + static_cast<std::size_t>(k)];
            if (c == '=' && i + 4 == in.size() && k >= 2) {
                v[k] = 0;
                ++padding;
            } else if (padding > 0 || (v[k] = value(c)) < 0) {
                return std::nullopt;
            }
        }
        const std::uint32_t n = (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
                                (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
        out += static_cast<char>((n >> 16) & 0xff);
        if (padding < 2)
            out += static_cast<char>((n >> 8) & 0xff);
        if (padding < 1)
            out += static_cast<char>(n & 0xff);
    }
    return out;
}

} // namespace loadscope
