#include "input_file.h"

#include "import_types.h"

#include <cerrno>
#include <cstring>

#include <openssl/evp.h>

namespace loadscope::importers {

namespace {
constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxLineBytes = std::size_t{64} << 20;
} // namespace

struct InputFile::Hasher {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    ~Hasher() { EVP_MD_CTX_free(context); }
};

InputFile::InputFile(const std::filesystem::path& path)
    : name_(path.filename().string())
    , hasher_(std::make_unique<Hasher>()) {
    if (name_.empty())
        name_ = path.string();
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ImportError(path.string() + ": is a folder, expected a result file");
    file_ = std::fopen(path.c_str(), "rb");
    if (!file_)
        throw ImportError(path.string() + ": cannot read (" + std::strerror(errno) + ")");
    if (!hasher_->context || EVP_DigestInit_ex(hasher_->context, EVP_sha256(), nullptr) != 1)
        throw ImportError(name_ + ": cannot start a SHA-256 checksum (OpenSSL)");
}

InputFile::~InputFile() {
    if (file_)
        std::fclose(file_);
}

void InputFile::hash(const char* data, std::size_t n) {
    EVP_DigestUpdate(hasher_->context, data, n);
    bytesHashed_ += static_cast<std::int64_t>(n);
}

bool InputFile::fill() {
    if (eof_)
        return false;
    if (position_ > 0) { // keep only the unread part
        buffer_.erase(0, position_);
        position_ = 0;
    }
    const std::size_t old = buffer_.size();
    buffer_.resize(old + kChunkBytes);
    const std::size_t n = std::fread(buffer_.data() + old, 1, kChunkBytes, file_);
    buffer_.resize(old + n);
    if (n > 0)
        hash(buffer_.data() + old, n);
    if (n < kChunkBytes) {
        if (std::ferror(file_))
            fail(std::string("read error (") + std::strerror(errno) + ")");
        eof_ = true;
    }
    return n > 0;
}

bool InputFile::nextLine(std::string_view& line) {
    std::size_t searchFrom = position_;
    for (;;) {
        const char* start = buffer_.data() + searchFrom;
        const auto* newline = static_cast<const char*>(std::memchr(start, '\n', buffer_.size() - searchFrom));
        if (newline) {
            const std::size_t end = static_cast<std::size_t>(newline - buffer_.data());
            std::size_t length = end - position_;
            if (length > 0 && buffer_[end - 1] == '\r')
                --length;
            line = std::string_view(buffer_.data() + position_, length);
            position_ = end + 1;
            ++lineNumber_;
            return true;
        }
        if (buffer_.size() - position_ > kMaxLineBytes)
            failAt(lineNumber_ + 1, "a line longer than 64 MiB: not a text result file");
        const std::size_t unread = buffer_.size() - position_;
        if (!fill()) {
            if (unread == 0)
                return false;
            // The last line has no line end.
            std::size_t length = buffer_.size() - position_;
            if (length > 0 && buffer_[position_ + length - 1] == '\r')
                --length;
            line = std::string_view(buffer_.data() + position_, length);
            position_ = buffer_.size();
            ++lineNumber_;
            return true;
        }
        searchFrom = position_ + unread; // fill() moved the unread part to the front
    }
}

std::string_view InputFile::peek(std::size_t n) {
    while (buffer_.size() - position_ < n && fill()) {
    }
    return std::string_view(buffer_).substr(position_, n);
}

std::string InputFile::readAll(std::size_t limit) {
    while (fill()) {
        if (buffer_.size() - position_ > limit)
            fail("larger than " + std::to_string(limit >> 20) + " MiB: expected one small result document");
    }
    std::string rest = buffer_.substr(position_);
    position_ = buffer_.size();
    return rest;
}

std::string InputFile::finishChecksum() {
    while (fill()) {
        buffer_.clear();
        position_ = 0;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(hasher_->context, digest, &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 15];
    }
    return hex;
}

void InputFile::fail(const std::string& message) const {
    throw ImportError(name_ + ": " + message);
}

void InputFile::failAt(std::int64_t line, const std::string& message) const {
    throw ImportError(name_ + ":" + std::to_string(line) + ": " + message);
}

} // namespace loadscope::importers
