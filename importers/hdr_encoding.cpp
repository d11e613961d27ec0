#include "hdr_encoding.h"

#include <bit>
#include <cmath>
#include <cstring>

#include <zlib.h>

namespace loadscope::importers {

namespace {

constexpr std::uint32_t kCompressedCookie = 0x1c849314;
constexpr std::uint32_t kCookie = 0x1c849313;
constexpr std::size_t kHeaderBytes = 40;

// The counter layout of an HdrHistogram(lowest, highest, digits).
struct Layout {
    int unitMagnitude = 0;
    int subBucketHalfCountMagnitude = 0;
    std::int64_t subBucketHalfCount = 0;

    static std::optional<Layout> of(std::int64_t lowest, int digits) {
        if (lowest < 1 || digits < 0 || digits > 5)
            return std::nullopt;
        Layout layout;
        const auto largestSingleUnitResolution = static_cast<std::int64_t>(2 * std::pow(10.0, digits));
        const int subBucketCountMagnitude =
            static_cast<int>(std::ceil(std::log2(static_cast<double>(largestSingleUnitResolution))));
        layout.subBucketHalfCountMagnitude = std::max(subBucketCountMagnitude, 1) - 1;
        layout.subBucketHalfCount = std::int64_t{1} << layout.subBucketHalfCountMagnitude;
        layout.unitMagnitude = 63 - std::countl_zero(static_cast<std::uint64_t>(lowest));
        if (layout.unitMagnitude + layout.subBucketHalfCountMagnitude > 61)
            return std::nullopt;
        return layout;
    }
    // The lowest value of counter `index`, and the width of its range; false past 63 bits.
    bool range(std::int64_t index, std::int64_t& lowest, std::int64_t& width) const {
        int bucket = static_cast<int>(index >> subBucketHalfCountMagnitude) - 1;
        std::int64_t subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount;
        if (bucket < 0) {
            subBucket -= subBucketHalfCount;
            bucket = 0;
        }
        const int shift = bucket + unitMagnitude;
        if (shift > 62 - subBucketHalfCountMagnitude - 1)
            return false;
        lowest = subBucket << shift;
        width = std::int64_t{1} << shift;
        return true;
    }
    std::int64_t indexOf(std::int64_t value) const {
        const std::int64_t mask = (subBucketHalfCount * 2 - 1) << unitMagnitude;
        const int pow2Ceiling = 64 - std::countl_zero(static_cast<std::uint64_t>(value | mask));
        const int bucket = pow2Ceiling - unitMagnitude - (subBucketHalfCountMagnitude + 1);
        const std::int64_t subBucket = value >> (bucket + unitMagnitude);
        return (static_cast<std::int64_t>(bucket + 1) << subBucketHalfCountMagnitude) +
               (subBucket - subBucketHalfCount);
    }
};

std::uint32_t readU32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
std::uint64_t readU64(const unsigned char* p) {
    return (std::uint64_t{readU32(p)} << 32) | readU32(p + 4);
}
void putU32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xff));
}
void putU64(std::string& out, std::uint64_t v) {
    putU32(out, static_cast<std::uint32_t>(v >> 32));
    putU32(out, static_cast<std::uint32_t>(v));
}

// ZigZag LEB128 as HdrHistogram writes it: up to 8 groups of 7 bits, then a 9th byte of 8 bits.
void putZigZag(std::string& out, std::int64_t value) {
    std::uint64_t v = (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
    for (int i = 0; i < 8; ++i) {
        if (v < 0x80) {
            out.push_back(static_cast<char>(v));
            return;
        }
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

bool getZigZag(const unsigned char*& p, const unsigned char* end, std::int64_t& value) {
    std::uint64_t v = 0;
    for (int i = 0; i < 9; ++i) {
        if (p >= end)
            return false;
        const unsigned char byte = *p++;
        if (i == 8) {
            v |= static_cast<std::uint64_t>(byte) << 56;
            break;
        }
        v |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
        if (!(byte & 0x80))
            break;
    }
    value = static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
    return true;
}

bool fail(std::string* error, const std::string& message) {
    if (error)
        *error = message;
    return false;
}

std::string hex(std::uint32_t v) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", v);
    return text;
}

bool inflateAll(const unsigned char* data, std::size_t size, std::string& out, std::string* error) {
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK)
        return fail(error, "zlib could not start");
    stream.next_in = const_cast<unsigned char*>(data);
    stream.avail_in = static_cast<uInt>(size);
    char chunk[16384];
    int status = Z_OK;
    while (status == Z_OK) {
        stream.next_out = reinterpret_cast<unsigned char*>(chunk);
        stream.avail_out = sizeof chunk;
        status = inflate(&stream, Z_NO_FLUSH);
        out.append(chunk, sizeof chunk - stream.avail_out);
        if (out.size() > (std::size_t{64} << 20))
            status = Z_MEM_ERROR;
    }
    inflateEnd(&stream);
    if (status != Z_STREAM_END)
        return fail(error, "expected zlib-compressed counters, found damaged or truncated data");
    return true;
}

} // namespace

std::int64_t HdrHistogramData::totalCount() const {
    std::int64_t total = 0;
    for (const auto& c : counters)
        total += c.count;
    return total;
}

namespace {

// The V2 compressed envelope (cookie, length, zlib stream) opened: the inner histogram's bytes.
std::optional<std::string> inflateEnvelope(std::string_view base64, std::string* error) {
    const auto bytes = base64Decode(base64);
    if (!bytes) {
        fail(error, "expected base64 text of an HdrHistogram, found other characters");
        return std::nullopt;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(bytes->data());
    if (bytes->size() < 8 || readU32(p) != kCompressedCookie) {
        fail(error, "expected an HdrHistogram V2 compressed histogram (cookie 0x1c849314, text 'HISTF...'), found " +
                        (bytes->size() < 4 ? std::string("too few bytes") : "cookie " + hex(readU32(p))));
        return std::nullopt;
    }
    const std::uint32_t compressedLength = readU32(p + 4);
    if (compressedLength > bytes->size() - 8) {
        fail(error, "expected " + std::to_string(compressedLength) + " compressed bytes, found " +
                        std::to_string(bytes->size() - 8) + " (cut short?)");
        return std::nullopt;
    }
    std::string inner;
    if (!inflateAll(p + 8, compressedLength, inner, error))
        return std::nullopt;
    return inner;
}

// The inner histogram's 40-byte header, checked: an integer histogram with a layout we can read.
struct InnerHeader {
    std::size_t counterBytes = 0;
    std::int32_t digits = 0;
    std::int64_t lowest = 0, highest = 0;
    Layout layout;
};

std::optional<InnerHeader> readInnerHeader(const std::string& inner, std::string* error) {
    const auto* q = reinterpret_cast<const unsigned char*>(inner.data());
    if (inner.size() < kHeaderBytes || readU32(q) != kCookie) {
        fail(error, "expected an integer histogram (inner cookie 0x1c849313), found " +
                        (inner.size() < 4 ? std::string("too few bytes") : "cookie " + hex(readU32(q))));
        return std::nullopt;
    }
    const std::uint32_t payloadLength = readU32(q + 4);
    const auto normalizingOffset = static_cast<std::int32_t>(readU32(q + 8));
    InnerHeader header;
    header.digits = static_cast<std::int32_t>(readU32(q + 12));
    header.lowest = static_cast<std::int64_t>(readU64(q + 16));
    header.highest = static_cast<std::int64_t>(readU64(q + 24));
    double ratio = 0;
    const std::uint64_t ratioBits = readU64(q + 32);
    std::memcpy(&ratio, &ratioBits, sizeof ratio);
    // HdrHistogram_c (before 0.11) counted the 40 header bytes in the payload length; Java counts the counters only.
    header.counterBytes = payloadLength == inner.size() ? inner.size() - kHeaderBytes : payloadLength;
    if (header.counterBytes > inner.size() - kHeaderBytes) {
        fail(error, "expected " + std::to_string(payloadLength) + " bytes of counters, found " +
                        std::to_string(inner.size() - kHeaderBytes));
        return std::nullopt;
    }
    if (normalizingOffset != 0) {
        fail(error, "expected a normalizing index offset of 0 (a shifted histogram is not supported), found " +
                        std::to_string(normalizingOffset));
        return std::nullopt;
    }
    if (ratio != 1.0) {
        fail(error, "expected an integer histogram (conversion ratio 1), found ratio " + std::to_string(ratio));
        return std::nullopt;
    }
    const auto layout = Layout::of(header.lowest, header.digits);
    if (!layout || header.highest < 2 * header.lowest) {
        fail(error, "expected a valid layout, found lowest " + std::to_string(header.lowest) + ", highest " +
                        std::to_string(header.highest) + ", " + std::to_string(header.digits) + " significant digits");
        return std::nullopt;
    }
    header.layout = *layout;
    return header;
}

// The counters, ZigZag LEB128 each; a negative one is a run of that many empty counters.
bool readCounters(const unsigned char* r, const unsigned char* end, const Layout& layout, HdrHistogramData& data,
                  std::string* error) {
    std::int64_t index = 0;
    while (r < end) {
        std::int64_t value = 0;
        if (!getZigZag(r, end, value)) {
            fail(error, "expected a complete counter at the end of the counters, found it cut short");
            return false;
        }
        if (value < 0) {
            if (value < -(std::int64_t{1} << 40)) {
                fail(error, "expected a run of zero counters, found a run of " + std::to_string(-value));
                return false;
            }
            index -= value;
            continue;
        }
        if (value > 0) {
            std::int64_t low = 0, width = 0;
            if (!layout.range(index, low, width)) {
                fail(error, "expected counters within the histogram's range, found counter " + std::to_string(index));
                return false;
            }
            data.counters.push_back({low, low + width - 1, value});
        }
        ++index;
    }
    return true;
}

} // namespace

std::optional<HdrHistogramData> decodeHdrHistogram(std::string_view base64, std::string* error) {
    const auto inner = inflateEnvelope(base64, error);
    if (!inner)
        return std::nullopt;
    const auto header = readInnerHeader(*inner, error);
    if (!header)
        return std::nullopt;
    HdrHistogramData data;
    data.significantDigits = header->digits;
    data.lowestDiscernible = header->lowest;
    data.highestTrackable = header->highest;
    const auto* counters = reinterpret_cast<const unsigned char*>(inner->data()) + kHeaderBytes;
    if (!readCounters(counters, counters + header->counterBytes, header->layout, data, error))
        return std::nullopt;
    return data;
}

std::string encodeHdrHistogram(const LatencyHistogram& histogram) {
    const auto layout = *Layout::of(LatencyHistogram::kLowestDiscernibleUs, LatencyHistogram::kSignificantDigits);
    std::string payload;
    std::int64_t nextIndex = 0;
    for (const auto& bucket : histogram.nonEmptyBuckets()) {
        const std::int64_t index = layout.indexOf(bucket.lowestUs);
        const std::int64_t zeros = index - nextIndex;
        if (zeros == 1)
            putZigZag(payload, 0);
        else if (zeros > 1)
            putZigZag(payload, -zeros);
        putZigZag(payload, bucket.count);
        nextIndex = index + 1;
    }
    std::string inner;
    putU32(inner, kCookie);
    putU32(inner, static_cast<std::uint32_t>(payload.size()));
    putU32(inner, 0);
    putU32(inner, LatencyHistogram::kSignificantDigits);
    putU64(inner, LatencyHistogram::kLowestDiscernibleUs);
    putU64(inner, LatencyHistogram::kHighestTrackableUs);
    const double ratio = 1.0;
    std::uint64_t ratioBits = 0;
    std::memcpy(&ratioBits, &ratio, sizeof ratio);
    putU64(inner, ratioBits);
    inner += payload;

    uLongf compressedSize = compressBound(static_cast<uLong>(inner.size()));
    std::string compressed(compressedSize, '\0');
    compress2(reinterpret_cast<Bytef*>(compressed.data()), &compressedSize,
              reinterpret_cast<const Bytef*>(inner.data()), static_cast<uLong>(inner.size()), Z_BEST_COMPRESSION);
    compressed.resize(compressedSize);
    std::string out;
    putU32(out, kCompressedCookie);
    putU32(out, static_cast<std::uint32_t>(compressed.size()));
    out += compressed;
    return base64Encode(out);
}

void addToLatencyHistogram(const HdrHistogramData& data, double microsPerUnit, std::optional<std::int64_t> maxUs,
                           LatencyHistogram& histogram) {
    const bool ourLayout = microsPerUnit == 1.0 && data.lowestDiscernible == LatencyHistogram::kLowestDiscernibleUs &&
                           data.significantDigits == LatencyHistogram::kSignificantDigits;
    auto toUs = [&](double value) { return static_cast<std::int64_t>(std::llround(value * microsPerUnit)); };
    for (std::size_t i = 0; i < data.counters.size(); ++i) {
        const auto& c = data.counters[i];
        const std::int64_t lowUs = toUs(static_cast<double>(c.lowest));
        const std::int64_t highUs = toUs(static_cast<double>(c.highest));
        // At the counter's lowest value, as HdrHistogram's own add() moves counts between layouts.
        const std::int64_t valueUs = ourLayout ? c.lowest : lowUs;
        std::int64_t count = c.count;
        if (i + 1 == data.counters.size() && maxUs && *maxUs >= lowUs && *maxUs <= highUs) {
            histogram.record(*maxUs, 1);
            --count;
        }
        histogram.record(valueUs, count);
    }
}

} // namespace loadscope::importers
