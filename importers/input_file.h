#pragma once
// InputFile: a file read once from start to end in fixed-size chunks (memory independent of its size), line by line,
// with the line numbers error messages need and the SHA-256 of every byte read (the provenance's checksum).

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace loadscope::importers {

class InputFile {
public:
    // Throws ImportError "<path>: cannot read (...)" when the file cannot be opened.
    explicit InputFile(const std::filesystem::path& path);
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;
    ~InputFile();

    // The next line without its end ("\n" or "\r\n"); false at the end of the file. The view stays valid until the
    // next call. A line longer than 64 MiB throws ImportError (no format has such lines; it is not a text file).
    bool nextLine(std::string_view& line);
    // 1-based number of the line nextLine returned last.
    std::int64_t lineNumber() const { return lineNumber_; }
    // The first `n` bytes of the file, without consuming them (format detection).
    std::string_view peek(std::size_t n);
    // The rest of the file as one string, for formats that are one small document (oha JSON, wrk text). Throws
    // ImportError past `limit` bytes.
    std::string readAll(std::size_t limit);
    // Reads what is left (so the checksum covers the whole file) and returns the SHA-256 as lower-case hex.
    std::string finishChecksum();
    std::int64_t bytesRead() const { return bytesHashed_; }

    const std::string& displayName() const { return name_; } // the file name without folders
    // "<name>:<line>: <message>" as an ImportError.
    [[noreturn]] void fail(const std::string& message) const;
    [[noreturn]] void failAt(std::int64_t line, const std::string& message) const;

private:
    bool fill(); // appends the next chunk to buffer_; false at the end
    void hash(const char* data, std::size_t n);

    std::string name_;
    std::FILE* file_ = nullptr;
    std::string buffer_;
    std::size_t position_ = 0; // start of the unread part of buffer_
    bool eof_ = false;
    std::int64_t lineNumber_ = 0;
    std::int64_t bytesHashed_ = 0;
    struct Hasher;
    std::unique_ptr<Hasher> hasher_;
};

} // namespace loadscope::importers
