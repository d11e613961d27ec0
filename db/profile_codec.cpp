#include "profile_codec.h"

#include <zlib.h>

#include <cstdint>

namespace loadscope {

namespace {
constexpr std::string_view kProfileMagic = "LSP1";
constexpr std::size_t kHeader = 8;
constexpr std::uint32_t kMaxText = 256u << 20; // a profile is kilobytes; refuse absurd lengths from damaged bytes
} // namespace

std::string compressProfile(std::string_view folded) {
    uLongf bound = compressBound(static_cast<uLong>(folded.size()));
    std::string out(kHeader + bound, '\0');
    out.replace(0, 4, kProfileMagic);
    const auto size = static_cast<std::uint32_t>(folded.size());
    for (int i = 0; i < 4; ++i)
        out[4 + static_cast<std::size_t>(i)] = static_cast<char>((size >> (8 * i)) & 0xFF);
    const int rc = compress2(reinterpret_cast<Bytef*>(out.data() + kHeader), &bound,
                             reinterpret_cast<const Bytef*>(folded.data()), static_cast<uLong>(folded.size()), 9);
    if (rc != Z_OK)
        return {};
    out.resize(kHeader + bound);
    return out;
}

std::optional<std::string> decompressProfile(std::string_view stored, std::string* error) {
    auto fail = [&](const char* why) -> std::optional<std::string> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (stored.size() < kHeader || stored.substr(0, 4) != kProfileMagic)
        return fail("not a stored profile (no LSP1 header)");
    std::uint32_t size = 0;
    for (int i = 0; i < 4; ++i)
        size |= std::uint32_t{static_cast<unsigned char>(stored[4 + static_cast<std::size_t>(i)])} << (8 * i);
    if (size > kMaxText)
        return fail("its length field is implausible");
    std::string text(size, '\0');
    uLongf length = size;
    const int rc = uncompress(reinterpret_cast<Bytef*>(text.data()), &length,
                              reinterpret_cast<const Bytef*>(stored.data() + kHeader),
                              static_cast<uLong>(stored.size() - kHeader));
    if (rc != Z_OK || length != size)
        return fail("its compressed stacks are damaged");
    return text;
}

} // namespace loadscope
