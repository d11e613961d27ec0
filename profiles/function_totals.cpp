#include "function_totals.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace loadscope {

namespace {

struct Counts {
    std::uint64_t self = 0, total = 0;
};

std::map<std::string, Counts> countFunctions(const FoldedProfile& profile) {
    std::map<std::string, Counts> counts;
    for (const auto& stack : profile.stacks) {
        if (stack.idle() || stack.frames.empty())
            continue;
        std::set<std::string_view> seen; // a recursive function counts once per sample
        for (const auto& frame : stack.frames)
            if (seen.insert(frame).second)
                counts[frame].total += stack.count;
        counts[stack.frames.back()].self += stack.count;
    }
    return counts;
}

double ratio(std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

} // namespace

std::vector<FunctionTotal> functionTotals(const FoldedProfile& profile) {
    const auto busy = profile.busySamples();
    std::vector<FunctionTotal> totals;
    for (const auto& [name, counts] : countFunctions(profile))
        totals.push_back({name, counts.self, counts.total, ratio(counts.self, busy), ratio(counts.total, busy)});
    std::stable_sort(totals.begin(), totals.end(),
                     [](const FunctionTotal& a, const FunctionTotal& b) { return a.totalSamples > b.totalSamples; });
    return totals;
}

std::vector<FunctionDifference> functionDifferences(const FoldedProfile& base, const FoldedProfile& profile) {
    const auto baseCounts = countFunctions(base), counts = countFunctions(profile);
    const auto baseBusy = base.busySamples(), busy = profile.busySamples();
    std::map<std::string, FunctionDifference> byName;
    for (const auto& [name, c] : baseCounts) {
        auto& d = byName[name];
        d.name = name;
        d.baseTotalShare = ratio(c.total, baseBusy);
        d.baseSelfShare = ratio(c.self, baseBusy);
    }
    for (const auto& [name, c] : counts) {
        auto& d = byName[name];
        d.name = name;
        d.totalShare = ratio(c.total, busy);
        d.selfShare = ratio(c.self, busy);
    }
    std::vector<FunctionDifference> differences;
    for (auto& [name, d] : byName)
        differences.push_back(std::move(d));
    std::stable_sort(differences.begin(), differences.end(),
                     [](const auto& a, const auto& b) { return std::abs(a.totalDelta()) > std::abs(b.totalDelta()); });
    return differences;
}

std::string pointsText(double delta) {
    char text[32];
    std::snprintf(text, sizeof text, "%+.1f", delta * 100.0);
    return text;
}

} // namespace loadscope
