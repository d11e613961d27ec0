#include "http_request_template.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace loadscope::loadgen {
namespace {

bool isTokenChar(char c) {
    // RFC 9110 tchar
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view headerName(std::string_view header) {
    return header.substr(0, header.find(':'));
}

bool specHasHeader(const RequestSpec& spec, std::string_view name) {
    return std::any_of(spec.headers.begin(), spec.headers.end(),
                       [&](const std::string& h) { return equalsIgnoreCase(headerName(h), name); });
}

} // namespace

namespace {

// The request target from the URL's path and query (a query alone gets a "/" before it). False when it holds a byte
// that cannot go on the wire as it is.
bool readUrlTarget(std::string_view url, std::string_view pathAndQuery, std::string& target, std::string& error) {
    target = std::string(pathAndQuery);
    if (target.front() == '?')
        target.insert(target.begin(), '/');
    for (char c : target) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
            error =
                "the path of \"" + std::string(url) + "\" contains a space or control character (percent-encode it)";
            return false;
        }
    }
    return true;
}

// "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT" split; the port text is what follows the colon (maybe empty).
bool splitAuthority(std::string_view url, std::string_view authority, std::string& host, std::string_view& portText,
                    std::string& error) {
    if (authority.find('@') != std::string_view::npos) {
        error = "user names and passwords in the URL are not supported (use --header \"Authorization: ...\")";
        return false;
    }
    if (authority.empty() || authority.front() != '[') {
        const std::size_t colon = authority.rfind(':');
        host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos)
            portText = authority.substr(colon + 1);
        return true;
    }
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
        error = "unterminated IPv6 address in \"" + std::string(url) + "\"";
        return false;
    }
    host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
        error = "unexpected text after the IPv6 address in \"" + std::string(url) + "\"";
        return false;
    }
    if (!after.empty())
        portText = after.substr(1);
    return true;
}

std::optional<std::uint16_t> readUrlPort(std::string_view url, std::string_view portText, std::string& error) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), value);
    if (portText.empty() || ec != std::errc() || end != portText.data() + portText.size() || value == 0 ||
        value > 65535) {
        error = "bad port \"" + std::string(portText) + "\" in \"" + std::string(url) +
                "\" (expected a number from 1 to 65535)";
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

} // namespace

std::optional<HttpUrl> parseHttpUrl(std::string_view url, std::string& error) {
    constexpr std::string_view kExpected = "expected http://HOST:PORT/PATH, e.g. http://127.0.0.1:8080/simple";
    const std::size_t schemeEnd = url.find("://");
    if (schemeEnd == std::string_view::npos) {
        error = "\"" + std::string(url) + "\" has no scheme (" + std::string(kExpected) + ")";
        return std::nullopt;
    }
    const std::string_view scheme = url.substr(0, schemeEnd);
    if (!equalsIgnoreCase(scheme, "http")) {
        error = "scheme \"" + std::string(scheme) + "\" is not supported: only plain http:// (HTTP/1.1 without TLS)";
        return std::nullopt;
    }
    std::string_view rest = url.substr(schemeEnd + 3);
    if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos)
        rest = rest.substr(0, hash); // fragments never go on the wire
    const std::size_t pathStart = rest.find_first_of("/?");
    const std::string_view authority = rest.substr(0, pathStart);
    HttpUrl result;
    if (pathStart != std::string_view::npos && !readUrlTarget(url, rest.substr(pathStart), result.target, error))
        return std::nullopt;
    std::string_view portText;
    if (!splitAuthority(url, authority, result.host, portText, error))
        return std::nullopt;
    if (result.host.empty()) {
        error = "\"" + std::string(url) + "\" has no host (" + std::string(kExpected) + ")";
        return std::nullopt;
    }
    if (!portText.empty() || authority.find(':') != std::string_view::npos) {
        const auto port = readUrlPort(url, portText, error);
        if (!port)
            return std::nullopt;
        result.port = *port;
    }
    const bool ipv6 = result.host.find(':') != std::string::npos;
    result.hostHeader = ipv6 ? "[" + result.host + "]" : result.host;
    if (result.port != 80)
        result.hostHeader += ":" + std::to_string(result.port);
    return result;
}

std::string headerProblem(std::string_view header) {
    const std::size_t colon = header.find(':');
    if (colon == std::string_view::npos || colon == 0)
        return "\"" + std::string(header) + "\" is not a header (expected \"Name: value\")";
    const std::string_view name = header.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), isTokenChar))
        return "header name \"" + std::string(name) + "\" contains characters not allowed in a name";
    const std::string_view value = header.substr(colon + 1);
    if (std::any_of(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; }))
        return "header \"" + std::string(name) + "\" has a line break or NUL in its value";
    if (equalsIgnoreCase(name, "Content-Length") || equalsIgnoreCase(name, "Transfer-Encoding"))
        return "header \"" + std::string(name) + "\" is set by the generator from --body / --body-file";
    return {};
}

std::string methodProblem(std::string_view method) {
    if (method.empty() || !std::all_of(method.begin(), method.end(), isTokenChar))
        return "\"" + std::string(method) + "\" is not an HTTP method (expected e.g. GET, POST, PUT)";
    return {};
}

std::string serializeRequest(const HttpUrl& url, const RequestSpec& spec, std::string_view userAgent) {
    std::string out;
    out.reserve(256 + spec.body.size());
    out += spec.method + " " + url.target + " HTTP/1.1\r\n";
    if (!specHasHeader(spec, "Host"))
        out += "Host: " + url.hostHeader + "\r\n";
    if (!specHasHeader(spec, "User-Agent"))
        out += "User-Agent: " + std::string(userAgent) + "\r\n";
    if (!specHasHeader(spec, "Accept"))
        out += "Accept: */*\r\n";
    for (const auto& header : spec.headers) {
        // Normalise "Name:value" and "Name:   value" to "Name: value".
        const std::size_t colon = header.find(':');
        std::size_t valueStart = colon + 1;
        while (valueStart < header.size() && (header[valueStart] == ' ' || header[valueStart] == '\t'))
            ++valueStart;
        out += header.substr(0, colon) + ": " + header.substr(valueStart) + "\r\n";
    }
    const bool bodyMethod = spec.method == "POST" || spec.method == "PUT" || spec.method == "PATCH";
    if (!spec.body.empty() || bodyMethod)
        out += "Content-Length: " + std::to_string(spec.body.size()) + "\r\n";
    out += "\r\n";
    out += spec.body;
    return out;
}

} // namespace loadscope::loadgen
