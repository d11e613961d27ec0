#include "http_message_parsers.h"

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <limits>
#include <optional>

namespace loadscope::loadgen {
// A named namespace, not an anonymous one: the parsers' Impl structs (declared in the header) hold these types, and
// GCC warns (-Wsubobject-linkage) when a unity build puts them side by side.
namespace parser_detail {

namespace http = boost::beast::http;
using boost::beast::error_code;
using boost::beast::string_view;

// Callbacks that keep nothing but the status line (or the request line) and drop headers and body bytes.
template <bool isRequest> class DiscardingParser final : public http::basic_parser<isRequest> {
public:
    explicit DiscardingParser(std::string* target)
        : target_(target) {
        this->eager(true);
        // Not boost::none: Boost 1.74 compares a Content-Length against an empty optional as "greater" and rejects
        // every body (fixed in later Boost); the largest value means "no limit" in every version.
        this->body_limit(std::numeric_limits<std::uint64_t>::max());
        this->header_limit(64 * 1024);
    }
    int status = 0;
    bool head = false;

private:
    void on_request_impl(http::verb method, string_view, string_view target, int, error_code&) override {
        head = method == http::verb::head;
        if (target_)
            target_->assign(target.data(), target.size());
    }
    void on_response_impl(int code, string_view, int, error_code&) override { status = code; }
    void on_field_impl(http::field, string_view, string_view, error_code&) override {}
    void on_header_impl(error_code&) override {}
    void on_body_init_impl(boost::optional<std::uint64_t> const&, error_code&) override {}
    std::size_t on_body_impl(string_view body, error_code&) override { return body.size(); }
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override { return body.size(); }
    void on_finish_impl(error_code&) override {}

    std::string* target_;
};

template <class Parser>
ParseStatus feedParser(Parser& parser, error_code& lastError, const char* data, std::size_t size,
                       std::size_t& consumed) {
    consumed = 0;
    while (consumed < size) {
        error_code ec;
        const std::size_t used = parser.put(boost::asio::const_buffer(data + consumed, size - consumed), ec);
        consumed += used;
        if (ec == http::error::need_more)
            return ParseStatus::NeedMore;
        if (ec) {
            lastError = ec;
            return ParseStatus::Error;
        }
        if (parser.is_done())
            return ParseStatus::Done;
        if (used == 0)
            break;
    }
    return parser.is_done() ? ParseStatus::Done : ParseStatus::NeedMore;
}

} // namespace parser_detail

struct ResponseParser::Impl {
    std::optional<parser_detail::DiscardingParser<false>> parser;
    boost::beast::error_code lastError;
};

ResponseParser::ResponseParser()
    : impl_(std::make_unique<Impl>()) {
    reset();
}
ResponseParser::~ResponseParser() = default;

void ResponseParser::reset(bool toHeadRequest) {
    impl_->parser.emplace(nullptr);
    impl_->lastError = {};
    if (toHeadRequest)
        impl_->parser->skip(true);
}

ParseStatus ResponseParser::feed(const char* data, std::size_t size, std::size_t& consumed) {
    return parser_detail::feedParser(*impl_->parser, impl_->lastError, data, size, consumed);
}

ParseStatus ResponseParser::finishAtEof() {
    auto& parser = *impl_->parser;
    if (parser.is_done())
        return ParseStatus::Done;
    if (!parser.got_some()) {
        impl_->lastError = boost::beast::http::error::end_of_stream;
        return ParseStatus::Error;
    }
    boost::beast::error_code ec;
    parser.put_eof(ec);
    if (ec) {
        impl_->lastError = ec;
        return ParseStatus::Error;
    }
    return parser.is_done() ? ParseStatus::Done : ParseStatus::Error;
}

bool ResponseParser::receivedAnything() const {
    return impl_->parser->got_some();
}
int ResponseParser::status() const {
    return impl_->parser->status;
}
bool ResponseParser::keepAlive() const {
    return impl_->parser->is_done() && impl_->parser->keep_alive();
}
std::string ResponseParser::error() const {
    return impl_->lastError.message();
}

struct RequestParser::Impl {
    std::optional<parser_detail::DiscardingParser<true>> parser;
    boost::beast::error_code lastError;
    std::string target;
};

RequestParser::RequestParser()
    : impl_(std::make_unique<Impl>()) {
    impl_->target.reserve(256);
    reset();
}
RequestParser::~RequestParser() = default;

void RequestParser::reset() {
    impl_->parser.emplace(&impl_->target);
    impl_->lastError = {};
    impl_->target.clear();
}

ParseStatus RequestParser::feed(const char* data, std::size_t size, std::size_t& consumed) {
    return parser_detail::feedParser(*impl_->parser, impl_->lastError, data, size, consumed);
}

bool RequestParser::receivedAnything() const {
    return impl_->parser->got_some();
}
bool RequestParser::isHead() const {
    return impl_->parser->head;
}
const std::string& RequestParser::target() const {
    return impl_->target;
}
bool RequestParser::keepAlive() const {
    return impl_->parser->keep_alive();
}
std::string RequestParser::error() const {
    return impl_->lastError.message();
}

} // namespace loadscope::loadgen
