#include "timeline_codec.h"

#include <bit>
#include <cmath>
#include <cstdint>

namespace loadscope {
namespace {

constexpr char kTimelineMagic = 'T';
constexpr char kFormat = 1;

void putVarint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

std::uint64_t zigzag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

std::int64_t unzigzag(std::uint64_t z) {
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
}

void putMilliseconds(std::string& out, double ms) {
    // Latencies come from microsecond histograms, so almost every value is a whole number of microseconds.
    const double scaled = ms * 1000.0;
    if (std::isfinite(scaled) && std::fabs(scaled) < 4.0e18) {
        const auto us = static_cast<std::int64_t>(std::llround(scaled));
        if (std::bit_cast<std::uint64_t>(static_cast<double>(us) / 1000.0) == std::bit_cast<std::uint64_t>(ms) &&
            std::llabs(us) < (std::int64_t{1} << 61)) {
            putVarint(out, zigzag(us) << 1);
            return;
        }
    }
    putVarint(out, 1);
    const auto bits = std::bit_cast<std::uint64_t>(ms);
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

struct Reader {
    std::string_view in;
    std::size_t pos = 0;
    bool ok = true;

    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64 && ok; shift += 7) {
            if (pos >= in.size())
                break;
            const auto byte = static_cast<unsigned char>(in[pos++]);
            v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                return v;
        }
        ok = false;
        return 0;
    }
    std::int64_t signedVarint() { return unzigzag(varint()); }
    double milliseconds() {
        const std::uint64_t tag = varint();
        if (!(tag & 1))
            return static_cast<double>(unzigzag(tag >> 1)) / 1000.0;
        if (tag != 1 || pos + 8 > in.size()) {
            ok = false;
            return 0;
        }
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i)
            bits |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[pos++])) << (8 * i);
        return std::bit_cast<double>(bits);
    }
};

} // namespace

std::string encodeTimeline(const std::vector<TimelinePoint>& points) {
    std::string out;
    out.reserve(3 + points.size() * 14);
    out.push_back(kTimelineMagic);
    out.push_back(kFormat);
    putVarint(out, points.size());
    std::int64_t previous = -1;
    for (const auto& p : points) {
        putVarint(out, zigzag(static_cast<std::int64_t>(p.second) - previous - 1));
        previous = p.second;
        putVarint(out, zigzag(p.sent));
        putVarint(out, zigzag(p.completed));
        putVarint(out, zigzag(p.errors));
        putMilliseconds(out, p.p50Ms);
        putMilliseconds(out, p.p99Ms);
    }
    return out;
}

std::optional<std::vector<TimelinePoint>> decodeTimeline(std::string_view blob, std::string* error) {
    auto fail = [&](const char* message) -> std::optional<std::vector<TimelinePoint>> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (blob.size() < 3 || blob[0] != kTimelineMagic)
        return fail("not an encoded timeline");
    if (blob[1] != kFormat)
        return fail("timeline written in an unknown format");
    Reader r{blob, 2};
    const std::uint64_t count = r.varint();
    // Every point takes at least 6 bytes: a larger count is damage, and must not make us allocate it.
    if (!r.ok || count > blob.size() / 6)
        return fail("timeline has an impossible point count");
    std::vector<TimelinePoint> points(static_cast<std::size_t>(count));
    std::int64_t previous = -1;
    for (auto& p : points) {
        const std::int64_t second = previous + 1 + r.signedVarint();
        p.second = static_cast<int>(second);
        previous = second;
        p.sent = r.signedVarint();
        p.completed = r.signedVarint();
        p.errors = r.signedVarint();
        p.p50Ms = r.milliseconds();
        p.p99Ms = r.milliseconds();
        if (!r.ok)
            return fail("timeline is truncated");
    }
    if (r.pos != blob.size())
        return fail("timeline has trailing bytes");
    return points;
}

} // namespace loadscope
