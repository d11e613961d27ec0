#pragma once
// Per-function totals of a profile (the "top functions" table) and the differences between two profiles (the table
// beside a differential flame graph: "tornado.gen:Runner.run +14.0 points of busy samples").
// Shares are of busy samples: idle samples (the loop waiting for events) are left out and reported on their own, so
// a server that is idle half the time and one that is never idle compare by where their work went.

#include "folded_profile.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loadscope {

struct FunctionTotal {
    std::string name;
    std::uint64_t selfSamples = 0;  // samples where it was the running frame
    std::uint64_t totalSamples = 0; // samples where it was anywhere on the stack (once per sample, even if recursive)
    double selfShare = 0, totalShare = 0; // of busy samples, 0..1
};

// Every function of the busy samples, by total samples (most first), then by name.
std::vector<FunctionTotal> functionTotals(const FoldedProfile& profile);

struct FunctionDifference {
    std::string name;
    double baseTotalShare = 0, totalShare = 0; // of each profile's busy samples, 0..1
    double baseSelfShare = 0, selfShare = 0;
    double totalDelta() const { return totalShare - baseTotalShare; } // share points gained (negative: lost)
    double selfDelta() const { return selfShare - baseSelfShare; }
};

// The functions of either profile by the size of their change in total share (largest first), then by name.
std::vector<FunctionDifference> functionDifferences(const FoldedProfile& base, const FoldedProfile& profile);

// "+14.0" / "-3.2" points (a share difference of 0.14 is "+14.0").
std::string pointsText(double delta);

} // namespace loadscope
