#pragma once
// How a step's folded stacks are stored: "LSP1", the text's length (4 bytes, little-endian), then the text deflated
// by zlib. Folded text repeats long frame names on every line, so it shrinks ~10x (1-3 KB a step).

#include <optional>
#include <string>
#include <string_view>

namespace loadscope {

std::string compressProfile(std::string_view folded);
// nullopt (with *error set) for bytes that are not a stored profile or are damaged.
std::optional<std::string> decompressProfile(std::string_view stored, std::string* error);

} // namespace loadscope
