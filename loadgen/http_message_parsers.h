#pragma once
// Incremental HTTP/1.1 parsers that keep only what the generator and the reference server need (the status, the
// method, keep-alive) and discard headers and bodies as they stream past. Boost.Beast's basic_parser does the
// parsing (Content-Length, chunked, read-until-close); this header keeps Beast out of every other file.
// reset() re-creates the parser in place: no heap allocation per message.

#include <cstddef>
#include <memory>
#include <string>

namespace loadscope::loadgen {

enum class ParseStatus { NeedMore, Done, Error };

class ResponseParser {
public:
    ResponseParser();
    ~ResponseParser();
    ResponseParser(const ResponseParser&) = delete;
    ResponseParser& operator=(const ResponseParser&) = delete;

    // Prepares for the next response. A response to HEAD has no body whatever its headers say.
    void reset(bool toHeadRequest = false);
    // Feeds received bytes; `consumed` says how many were used (the rest stays for the next call, e.g. an
    // incomplete header). Done: the response is complete.
    ParseStatus feed(const char* data, std::size_t size, std::size_t& consumed);
    // The peer closed the connection: completes a response delimited by the close, else Error.
    ParseStatus finishAtEof();
    bool receivedAnything() const;
    int status() const;
    bool keepAlive() const; // the connection may carry another request
    std::string error() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class RequestParser {
public:
    RequestParser();
    ~RequestParser();
    RequestParser(const RequestParser&) = delete;
    RequestParser& operator=(const RequestParser&) = delete;

    void reset();
    ParseStatus feed(const char* data, std::size_t size, std::size_t& consumed);
    bool receivedAnything() const;
    bool isHead() const;
    const std::string& target() const; // path and query of the request line (kept in a reused buffer)
    bool keepAlive() const;
    std::string error() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace loadscope::loadgen
