#include "output_buffer.h"

namespace loadscope {

void BoundedOutputBuffer::append(std::string_view bytes) {
    total_ += bytes.size();
    if (limit_ == 0)
        return;
    if (bytes.size() >= limit_) {
        data_.assign(bytes.substr(bytes.size() - limit_));
        return;
    }
    data_.append(bytes);
    if (data_.size() > 2 * limit_)
        data_.erase(0, data_.size() - limit_);
}

std::string BoundedOutputBuffer::tail() const {
    if (data_.size() <= limit_)
        return data_;
    return data_.substr(data_.size() - limit_);
}

void LineSplitter::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto newline = bytes.find('\n');
        const auto take = newline == std::string_view::npos ? bytes.size() : newline;
        const auto room = maxLine_ > pending_.size() ? maxLine_ - pending_.size() : 0;
        if (take > room) {
            // Too long for one line: deliver what fits as a piece.
            pending_.append(bytes.substr(0, room));
            bytes.remove_prefix(room);
            onLine_(pending_);
            pending_.clear();
            continue;
        }
        pending_.append(bytes.substr(0, take));
        if (newline == std::string_view::npos)
            return;
        bytes.remove_prefix(take + 1);
        if (!pending_.empty() && pending_.back() == '\r')
            pending_.pop_back();
        onLine_(pending_);
        pending_.clear();
    }
}

void LineSplitter::finish() {
    if (pending_.empty())
        return;
    onLine_(pending_);
    pending_.clear();
}

} // namespace loadscope
