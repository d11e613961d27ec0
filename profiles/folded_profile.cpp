#include "folded_profile.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace loadscope {

std::uint64_t FoldedProfile::totalSamples() const {
    std::uint64_t total = 0;
    for (const auto& stack : stacks)
        total += stack.count;
    return total;
}

std::uint64_t FoldedProfile::idleSamples() const {
    std::uint64_t idle = 0;
    for (const auto& stack : stacks)
        if (stack.idle())
            idle += stack.count;
    return idle;
}

double FoldedProfile::idleShare() const {
    const auto total = totalSamples();
    return total == 0 ? 0.0 : static_cast<double>(idleSamples()) / static_cast<double>(total);
}

FoldedProfile makeFoldedProfile(std::vector<FoldedStack> stacks) {
    std::map<std::vector<std::string>, std::uint64_t> summed;
    for (auto& stack : stacks)
        summed[std::move(stack.frames)] += stack.count;
    FoldedProfile profile;
    profile.stacks.reserve(summed.size());
    for (auto& [frames, count] : summed)
        if (count > 0)
            profile.stacks.push_back({frames, count});
    return profile;
}

namespace {

std::vector<std::string> splitFrames(std::string_view text) {
    std::vector<std::string> frames;
    std::size_t start = 0;
    while (true) {
        const auto end = text.find(';', start);
        frames.emplace_back(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
        if (end == std::string_view::npos)
            return frames;
        start = end + 1;
    }
}

std::string_view trimmed(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
        line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
        line.remove_prefix(1);
    return line;
}

std::string parseLine(std::string_view line, std::vector<FoldedStack>& stacks) {
    const auto space = line.rfind(' ');
    std::uint64_t count = 0;
    if (space == std::string_view::npos)
        return "expected 'frame;frame count', got '" + std::string(line.substr(0, 80)) + "'";
    const auto number = line.substr(space + 1);
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), count);
    if (ec != std::errc() || end != number.data() + number.size())
        return "the sample count '" + std::string(number.substr(0, 20)) + "' is not a whole number";
    auto frames = splitFrames(trimmed(line.substr(0, space)));
    if (std::any_of(frames.begin(), frames.end(), [](const std::string& f) { return f.empty(); }))
        return "an empty frame (two ';' in a row, or one at an end)";
    stacks.push_back({std::move(frames), count});
    return {};
}

} // namespace

FoldedParseResult parseFolded(std::string_view text) {
    FoldedParseResult result;
    std::vector<FoldedStack> stacks;
    std::size_t lineNumber = 0, start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        ++lineNumber;
        const auto line = trimmed(text.substr(start, end - start));
        start = end + 1;
        if (line.empty())
            continue;
        if (auto error = parseLine(line, stacks); !error.empty()) {
            result.error = "line " + std::to_string(lineNumber) + ": " + error;
            return result;
        }
    }
    result.profile = makeFoldedProfile(std::move(stacks));
    return result;
}

std::string formatFolded(const FoldedProfile& profile) {
    std::string out;
    for (const auto& stack : profile.stacks) {
        for (std::size_t i = 0; i < stack.frames.size(); ++i) {
            if (i > 0)
                out += ';';
            out += stack.frames[i];
        }
        out += ' ';
        out += std::to_string(stack.count);
        out += '\n';
    }
    return out;
}

} // namespace loadscope
