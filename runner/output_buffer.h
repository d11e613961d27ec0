#pragma once
// BoundedOutputBuffer keeps the most recent bytes of a child's output stream (so a server that logs forever
// cannot grow Loadscope's memory); LineSplitter cuts a byte stream into lines for callbacks. Neither is
// thread-safe: ChildProcess guards them.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace loadscope {

class BoundedOutputBuffer {
public:
    explicit BoundedOutputBuffer(std::size_t limitBytes)
        : limit_(limitBytes) {}
    void append(std::string_view bytes);
    // The last min(totalBytes(), limit) bytes.
    std::string tail() const;
    std::size_t totalBytes() const { return total_; }
    std::size_t limitBytes() const { return limit_; }

private:
    std::size_t limit_;
    std::size_t total_ = 0;
    std::string data_; // grows to 2 * limit_ before the front is dropped (amortised O(1) per byte)
};

class LineSplitter {
public:
    // `maxLineBytes`: longer lines are delivered in pieces of that size.
    LineSplitter(std::size_t maxLineBytes, std::function<void(std::string_view)> onLine)
        : maxLine_(maxLineBytes ? maxLineBytes : 1)
        , onLine_(std::move(onLine)) {}
    void feed(std::string_view bytes);
    // Delivers a last line without '\n', if any.
    void finish();

private:
    std::size_t maxLine_;
    std::function<void(std::string_view)> onLine_;
    std::string pending_;
};

} // namespace loadscope
