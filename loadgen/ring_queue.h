#pragma once
// A FIFO on one growing ring buffer: after it has grown to the longest queue seen, pushes and pops never allocate
// (std::deque allocates and frees a block every few dozen elements).

#include <cstddef>
#include <utility>
#include <vector>

namespace loadscope::loadgen {

template <class T> class RingQueue {
public:
    bool empty() const { return size_ == 0; }
    std::size_t size() const { return size_; }
    T& front() { return items_[head_]; }
    void push_back(const T& item) {
        if (size_ == items_.size())
            grow();
        items_[(head_ + size_) % items_.size()] = item;
        ++size_;
    }
    void pop_front() {
        head_ = (head_ + 1) % items_.size();
        --size_;
    }
    template <class F> void forEach(F&& f) const {
        for (std::size_t i = 0; i < size_; ++i)
            f(items_[(head_ + i) % items_.size()]);
    }
    void clear() { head_ = size_ = 0; }

private:
    void grow() {
        std::vector<T> bigger(items_.empty() ? 64 : items_.size() * 2);
        for (std::size_t i = 0; i < size_; ++i)
            bigger[i] = std::move(items_[(head_ + i) % items_.size()]);
        items_ = std::move(bigger);
        head_ = 0;
    }

    std::vector<T> items_;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

} // namespace loadscope::loadgen
