#include "frame_tree.h"

#include <algorithm>

namespace loadscope {

int FrameTree::child(int parent, const std::string& name) {
    for (int c : nodes_[static_cast<std::size_t>(parent)].children)
        if (nodes_[static_cast<std::size_t>(c)].name == name)
            return c;
    FrameNode node;
    node.name = name;
    node.parent = parent;
    node.depth = nodes_[static_cast<std::size_t>(parent)].depth + 1;
    nodes_.push_back(std::move(node));
    const int index = static_cast<int>(nodes_.size()) - 1;
    nodes_[static_cast<std::size_t>(parent)].children.push_back(index);
    return index;
}

void FrameTree::add(const FoldedStack& stack, bool base) {
    int current = root();
    auto count = [&](int index) -> std::uint64_t& {
        auto& node = nodes_[static_cast<std::size_t>(index)];
        return base ? node.baseTotal : node.total;
    };
    count(current) += stack.count;
    for (const auto& frame : stack.frames) {
        current = child(current, frame);
        count(current) += stack.count;
    }
    if (!base)
        nodes_[static_cast<std::size_t>(current)].self += stack.count;
}

void FrameTree::sortChildren() {
    for (auto& node : nodes_)
        std::sort(node.children.begin(), node.children.end(), [this](int a, int b) {
            return nodes_[static_cast<std::size_t>(a)].name < nodes_[static_cast<std::size_t>(b)].name;
        });
}

FrameTree FrameTree::build(const FoldedProfile& profile, bool includeIdle) {
    return buildDifferential(FoldedProfile{}, profile, includeIdle);
}

FrameTree FrameTree::buildDifferential(const FoldedProfile& base, const FoldedProfile& profile, bool includeIdle) {
    FrameTree tree;
    tree.nodes_.push_back(FrameNode{"all", 0, 0, 0, -1, 0, {}});
    for (const auto& stack : profile.stacks)
        if (includeIdle || !stack.idle())
            tree.add(stack, false);
    for (const auto& stack : base.stacks)
        if (includeIdle || !stack.idle())
            tree.add(stack, true);
    tree.sortChildren();
    return tree;
}

int FrameTree::maxDepth() const {
    int depth = 0;
    for (const auto& node : nodes_)
        depth = std::max(depth, node.depth);
    return depth;
}

std::string FrameTree::pathText(int index) const {
    std::vector<const std::string*> names;
    for (int i = index; i > root(); i = node(i).parent)
        names.push_back(&node(i).name);
    std::string text;
    for (auto it = names.rbegin(); it != names.rend(); ++it) {
        if (!text.empty())
            text += ';';
        text += **it;
    }
    return text;
}

double FrameTree::share(int index) const {
    const auto total = rootTotal();
    return total == 0 ? 0.0 : static_cast<double>(node(index).total) / static_cast<double>(total);
}

double FrameTree::baseShare(int index) const {
    const auto total = baseRootTotal();
    return total == 0 ? 0.0 : static_cast<double>(node(index).baseTotal) / static_cast<double>(total);
}

} // namespace loadscope
