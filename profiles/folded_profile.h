#pragma once
// Folded stacks: one line per distinct stack, root first, frames joined by ';', then a space and a sample count
// ("module:function;module:function 12"), the format of FlameGraph's stackcollapse tools and speedscope. Loadscope's
// profilers write it (resources/profilers/pysampler.py, and perf script folded by perf_script_folding.h), the store
// keeps it per step, and every view (flame graph, top functions, differences) starts from a FoldedProfile.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope {

// The last frame of a sample taken while the server's event loop waited for events (pysampler marks them).
inline constexpr std::string_view kIdleFrame = "[idle]";

struct FoldedStack {
    std::vector<std::string> frames; // root first
    std::uint64_t count = 0;
    bool idle() const { return !frames.empty() && frames.back() == kIdleFrame; }
};

struct FoldedProfile {
    std::vector<FoldedStack> stacks; // distinct stacks, sorted by their frames

    std::uint64_t totalSamples() const;
    std::uint64_t idleSamples() const;
    std::uint64_t busySamples() const { return totalSamples() - idleSamples(); }
    bool empty() const { return stacks.empty(); }
    // The idle share of all samples (0 without samples).
    double idleShare() const;
};

struct FoldedParseResult {
    FoldedProfile profile;
    std::string error; // empty when every line parsed: "line 3: expected 'frame;frame count', got 'abc'"
    bool ok() const { return error.empty(); }
};

// Parses folded text. Blank lines are skipped; identical stacks are summed; a line without a count after its last
// space, or with an empty frame, is an error naming the line.
FoldedParseResult parseFolded(std::string_view text);
// The text form, one stack a line, sorted; parseFolded(formatFolded(p)) == p.
std::string formatFolded(const FoldedProfile& profile);
// Builds a profile from stacks that may repeat (sums and sorts them).
FoldedProfile makeFoldedProfile(std::vector<FoldedStack> stacks);

} // namespace loadscope
