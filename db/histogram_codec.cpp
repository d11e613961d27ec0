#include "histogram_codec.h"

#include <algorithm>
#include <array>
#include <bit>
#include <memory>

namespace loadscope::histogram_codec {
namespace {

// An LZMA-style binary range coder: 32-bit range, 11-bit probabilities adapting by 1/32 of the error per bit.
constexpr int kProbabilityBits = 11;
constexpr std::uint16_t kProbabilityOne = 1 << kProbabilityBits;
constexpr int kAdaptShift = 5;
constexpr std::uint32_t kTop = 1u << 24;

class RangeEncoder {
public:
    explicit RangeEncoder(std::string& out)
        : out_(out) {}

    void bit(std::uint16_t& probability, unsigned bit) {
        const std::uint32_t bound = (range_ >> kProbabilityBits) * probability;
        if (bit == 0) {
            range_ = bound;
            probability = static_cast<std::uint16_t>(probability + ((kProbabilityOne - probability) >> kAdaptShift));
        } else {
            low_ += bound;
            range_ -= bound;
            probability = static_cast<std::uint16_t>(probability - (probability >> kAdaptShift));
        }
        normalize();
    }
    // The low `bits` bits of `value`, each with probability 1/2.
    void direct(std::uint64_t value, int bits) {
        for (int i = bits - 1; i >= 0; --i) {
            range_ >>= 1;
            if ((value >> i) & 1)
                low_ += range_;
            normalize();
        }
    }
    void finish() {
        for (int i = 0; i < 5; ++i)
            shiftLow();
    }

private:
    void normalize() {
        while (range_ < kTop) {
            range_ <<= 8;
            shiftLow();
        }
    }
    // Emits the top byte of `low_`, holding back runs of 0xFF until it is known whether a carry reaches them.
    void shiftLow() {
        if (static_cast<std::uint32_t>(low_) < 0xFF000000u || (low_ >> 32) != 0) {
            const auto carry = static_cast<std::uint8_t>(low_ >> 32);
            std::uint8_t pending = cache_;
            do {
                out_.push_back(static_cast<char>(static_cast<std::uint8_t>(pending + carry)));
                pending = 0xFF;
            } while (--cacheSize_ != 0);
            cache_ = static_cast<std::uint8_t>(low_ >> 24);
        }
        ++cacheSize_;
        low_ = (low_ & 0x00FFFFFFu) << 8;
    }

    std::string& out_;
    std::uint64_t low_ = 0;
    std::uint32_t range_ = 0xFFFFFFFFu;
    std::uint8_t cache_ = 0;
    std::uint64_t cacheSize_ = 1;
};

class RangeDecoder {
public:
    // The encoder's first byte is always 0 and is not stored: start from it.
    explicit RangeDecoder(std::string_view in)
        : in_(in) {
        for (int i = 0; i < 4; ++i)
            code_ = (code_ << 8) | next();
    }

    unsigned bit(std::uint16_t& probability) {
        const std::uint32_t bound = (range_ >> kProbabilityBits) * probability;
        unsigned bit = 0;
        if (code_ < bound) {
            range_ = bound;
            probability = static_cast<std::uint16_t>(probability + ((kProbabilityOne - probability) >> kAdaptShift));
        } else {
            code_ -= bound;
            range_ -= bound;
            probability = static_cast<std::uint16_t>(probability - (probability >> kAdaptShift));
            bit = 1;
        }
        normalize();
        return bit;
    }
    std::uint64_t direct(int bits) {
        std::uint64_t value = 0;
        for (int i = 0; i < bits; ++i) {
            range_ >>= 1;
            unsigned bit = 0;
            if (code_ >= range_) {
                code_ -= range_;
                bit = 1;
            }
            value = (value << 1) | bit;
            normalize();
        }
        return value;
    }
    // Bytes read past the end of the code (a complete code needs none).
    std::size_t overrun() const { return overrun_; }

private:
    void normalize() {
        while (range_ < kTop) {
            range_ <<= 8;
            code_ = (code_ << 8) | next();
        }
    }
    std::uint32_t next() {
        if (position_ < in_.size())
            return static_cast<unsigned char>(in_[position_++]);
        ++overrun_;
        return 0;
    }

    std::string_view in_;
    std::size_t position_ = 0;
    std::size_t overrun_ = 0;
    std::uint32_t range_ = 0xFFFFFFFFu;
    std::uint32_t code_ = 0;
};

// The model: each count is predicted by the rounded mean of the 8 counts before it. The residual's zig-zag value is
// sent as its bit length (0..64), then the two bits below its leading one, then the rest raw (close to uniform).
// The length and the two bits are adaptive, learnt per context: the size of the prediction in half-octaves (a
// residual's spread grows with the square root of the count it is about).
constexpr int kWindow = 8;
constexpr int kContexts = 24;
constexpr int kMaxLength = 64;   // a zig-zag residual has at most 64 bits
constexpr int kModelledBits = 2; // bits below the leading one that get probabilities

struct Model {
    // lengths[context][k]: the probability that the length is k, given that it is at least k (unary code).
    std::array<std::array<std::uint16_t, kMaxLength>, kContexts> lengths;
    std::array<std::array<std::array<std::uint16_t, 1 << kModelledBits>, 65>, kContexts> leadingBits;
    Model() {
        for (auto& tree : lengths)
            tree.fill(kProbabilityOne / 2);
        for (auto& byLength : leadingBits)
            for (auto& tree : byLength)
                tree.fill(kProbabilityOne / 2);
    }
};

class Predictor {
public:
    std::int64_t value() const { return static_cast<std::int64_t>((sum_ + kWindow / 2) / kWindow); }
    // The context: the window's sum, finely while it is small (most counters of a latency histogram lie in its
    // thin tails, where telling a mean of 0.125 from 0.5 matters most), then by octaves.
    int context() const {
        static constexpr std::array<std::uint8_t, 16> kSmall{0, 1, 2, 3, 4, 4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7};
        if (sum_ < kSmall.size())
            return kSmall[static_cast<std::size_t>(sum_)];
        const auto s = sum_ >= (UInt128{1} << 63) ? ~std::uint64_t{0} : static_cast<std::uint64_t>(sum_);
        return std::min(kContexts - 1, 8 + (60 - std::countl_zero(s))); // 16..31 -> 8, 32..63 -> 9, ...
    }
    void push(std::int64_t count) {
        sum_ -= window_[next_];
        window_[next_] = static_cast<std::uint64_t>(count);
        sum_ += window_[next_];
        next_ = (next_ + 1) % kWindow;
    }

private:
    __extension__ using UInt128 = unsigned __int128; // 8 counts of up to 2^63 each
    std::array<std::uint64_t, kWindow> window_{};
    UInt128 sum_ = 0;
    int next_ = 0;
};

int bitLength(std::uint64_t value) {
    return 64 - std::countl_zero(value);
}
std::uint64_t zigzag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t z) {
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
}

} // namespace

void encodeCounts(const std::int64_t* counts, std::size_t n, std::string& out) {
    if (n == 0)
        return;
    const std::size_t start = out.size();
    RangeEncoder coder(out);
    const auto model = std::make_unique<Model>();
    Predictor predictor;
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t prediction = predictor.value();
        auto& tree = model->lengths[static_cast<std::size_t>(predictor.context())];
        const std::uint64_t residual = zigzag(counts[i] - prediction);
        const int length = bitLength(residual);
        for (int k = 0; k < kMaxLength; ++k) {
            const unsigned more = length > k ? 1u : 0u;
            coder.bit(tree[static_cast<std::size_t>(k)], more);
            if (!more)
                break;
        }
        // Below the leading one: the first bits modelled, the rest raw.
        const int below = length - 1;
        const int modelled = std::clamp(below, 0, kModelledBits);
        auto& bitsTree =
            model->leadingBits[static_cast<std::size_t>(predictor.context())][static_cast<std::size_t>(length)];
        unsigned bitNode = 1;
        for (int b = below - 1; b >= below - modelled; --b) {
            const unsigned bit = static_cast<unsigned>((residual >> b) & 1u);
            coder.bit(bitsTree[bitNode], bit);
            bitNode = (bitNode << 1) | bit;
        }
        if (below > modelled)
            coder.direct(residual, below - modelled);
        predictor.push(counts[i]);
    }
    coder.finish();
    out.erase(start, 1); // always 0
}

bool decodeCounts(std::string_view code, std::int64_t* counts, std::size_t n) {
    if (n == 0)
        return true;
    RangeDecoder coder(code);
    const auto model = std::make_unique<Model>();
    Predictor predictor;
    for (std::size_t i = 0; i < n; ++i) {
        const std::int64_t prediction = predictor.value();
        auto& tree = model->lengths[static_cast<std::size_t>(predictor.context())];
        int length = 0;
        while (length < kMaxLength && coder.bit(tree[static_cast<std::size_t>(length)]))
            ++length;
        std::uint64_t residual = 0;
        if (length > 0) {
            const int below = length - 1;
            const int modelled = std::clamp(below, 0, kModelledBits);
            auto& bitsTree =
                model->leadingBits[static_cast<std::size_t>(predictor.context())][static_cast<std::size_t>(length)];
            residual = 1;
            unsigned bitNode = 1;
            for (int b = 0; b < modelled; ++b) {
                const unsigned bit = coder.bit(bitsTree[bitNode]);
                bitNode = (bitNode << 1) | bit;
                residual = (residual << 1) | bit;
            }
            if (below > modelled)
                residual = (residual << (below - modelled)) | coder.direct(below - modelled);
        }
        std::int64_t count = 0;
        if (__builtin_add_overflow(prediction, unzigzag(residual), &count) || count < 0)
            return false;
        counts[i] = count;
        predictor.push(count);
        if (coder.overrun() > 8) // far past the end: the code was cut short
            return false;
    }
    return true;
}

} // namespace loadscope::histogram_codec
