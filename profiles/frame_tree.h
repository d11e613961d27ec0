#pragma once
// The call tree of a profile: every distinct path from the root, with the samples under it (total) and the samples
// that ended in it (self). A flame graph draws it; a differential tree carries a second profile's counts on the
// same paths so each frame can be coloured by how its share changed.

#include "folded_profile.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loadscope {

struct FrameNode {
    std::string name;            // "tornado.gen:Runner.run"; the root is "all"
    std::uint64_t total = 0;     // samples whose stack passes through this path
    std::uint64_t self = 0;      // samples whose stack ends here
    std::uint64_t baseTotal = 0; // differential trees: the same path's samples in the base profile
    int parent = -1;
    int depth = 0;             // the root is 0
    std::vector<int> children; // sorted by name, so two trees of the same code line up
};

class FrameTree {
public:
    // The tree of `profile`; with includeIdle false the idle samples are left out (the busy profile).
    static FrameTree build(const FoldedProfile& profile, bool includeIdle);
    // The tree of `profile` with `base`'s counts on the same paths (paths only in `base` are added with total 0).
    static FrameTree buildDifferential(const FoldedProfile& base, const FoldedProfile& profile, bool includeIdle);

    const FrameNode& node(int index) const { return nodes_.at(static_cast<std::size_t>(index)); }
    int size() const { return static_cast<int>(nodes_.size()); }
    static constexpr int root() { return 0; }
    int maxDepth() const;
    std::uint64_t rootTotal() const { return nodes_.front().total; }
    std::uint64_t baseRootTotal() const { return nodes_.front().baseTotal; }
    // The frames from the root's first child down to `index` ("a;b;c").
    std::string pathText(int index) const;
    // The share of this frame's total in the root's (0..1), and in the base profile for differential trees.
    double share(int index) const;
    double baseShare(int index) const;

private:
    int child(int parent, const std::string& name);
    void add(const FoldedStack& stack, bool base);
    void sortChildren();

    std::vector<FrameNode> nodes_;
};

} // namespace loadscope
