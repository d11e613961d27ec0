#include "perf_script_folding.h"

#include <algorithm>

namespace loadscope {

namespace {

std::string_view trimmedPerfText(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// "7f1c2a3b4c5d busy_work(long)+0x24 (/usr/bin/loadscope-refserver)" -> "busy_work(long)"
std::string frameName(std::string_view line) {
    line = trimmedPerfText(line);
    const auto firstSpace = line.find(' ');
    if (firstSpace == std::string_view::npos)
        return "[unknown]";
    auto rest = trimmedPerfText(line.substr(firstSpace + 1));
    std::string_view dso;
    if (rest.ends_with(')')) {
        const auto open = rest.rfind(" (");
        if (open != std::string_view::npos) {
            dso = rest.substr(open + 2, rest.size() - open - 3);
            rest = trimmedPerfText(rest.substr(0, open));
        }
    }
    if (const auto plus = rest.rfind("+0x"); plus != std::string_view::npos)
        rest = rest.substr(0, plus);
    std::string name(rest.empty() || rest == "[unknown]" ? std::string_view{} : rest);
    if (name.empty()) {
        const auto slash = dso.rfind('/');
        name = dso.empty() || dso == "unknown" || dso == "[unknown]" ? "[unknown]"
                                                                     : "[" + std::string(dso.substr(slash + 1)) + "]";
    }
    std::replace(name.begin(), name.end(), ';', ':'); // ';' separates frames
    if (dso.starts_with("[kernel") || dso == "[vdso]")
        name += "_[k]";
    return name;
}

} // namespace

FoldedProfile foldPerfScript(std::string_view text) {
    std::vector<FoldedStack> stacks;
    std::vector<std::string> leafFirst;
    bool inSample = false;
    auto finishSample = [&] {
        if (inSample && !leafFirst.empty())
            stacks.push_back({std::vector<std::string>(leafFirst.rbegin(), leafFirst.rend()), 1});
        leafFirst.clear();
        inSample = false;
    };
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        const auto line = text.substr(start, end - start);
        start = end + 1;
        if (trimmedPerfText(line).empty()) {
            finishSample();
        } else if (line.front() == '#') {
            continue; // perf's header comments
        } else if (line.front() != ' ' && line.front() != '\t') {
            finishSample(); // a header line starts a sample
            inSample = true;
        } else if (inSample) {
            leafFirst.push_back(frameName(line));
        }
        if (end == text.size())
            break;
    }
    finishSample();
    return makeFoldedProfile(std::move(stacks));
}

} // namespace loadscope
