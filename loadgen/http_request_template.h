#pragma once
// The one request the generator sends, over and over: its URL taken apart and its bytes serialised once, so the hot
// path only copies a pointer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope::loadgen {

// http://HOST[:PORT][/PATH][?QUERY]; HOST may be a name, an IPv4 address or [IPv6].
struct HttpUrl {
    std::string host; // without brackets
    std::uint16_t port = 80;
    std::string target = "/"; // path and query, as sent on the request line
    std::string hostHeader;   // "host:port" (brackets kept for IPv6, port left out when 80)
};
// nullopt with `error` set ("expected http://HOST:PORT/PATH ...") for anything else.
std::optional<HttpUrl> parseHttpUrl(std::string_view url, std::string& error);

struct RequestSpec {
    std::string method = "GET";
    std::vector<std::string> headers; // "Name: value"
    std::string body;
};

// What is wrong with one "Name: value" header, or an empty string when it is fine.
std::string headerProblem(std::string_view header);
// What is wrong with a method, or an empty string.
std::string methodProblem(std::string_view method);

// The complete request bytes. Host, User-Agent and Accept are added unless the spec sets them; Content-Length is
// added for a body (and for POST, PUT and PATCH without one).
std::string serializeRequest(const HttpUrl& url, const RequestSpec& spec, std::string_view userAgent);

} // namespace loadscope::loadgen
