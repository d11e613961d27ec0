// URL parsing, header checks, request serialisation and the response parser (no processes).

#include "http_message_parsers.h"
#include "http_request_template.h"

#include <gtest/gtest.h>

using namespace loadscope::loadgen;

TEST(HttpUrl, TakesApartHostPortAndTarget) {
    std::string error;
    auto url = parseHttpUrl("http://127.0.0.1:8080/simple?x=1#frag", error);
    ASSERT_TRUE(url) << error;
    EXPECT_EQ(url->host, "127.0.0.1");
    EXPECT_EQ(url->port, 8080);
    EXPECT_EQ(url->target, "/simple?x=1");
    EXPECT_EQ(url->hostHeader, "127.0.0.1:8080");

    url = parseHttpUrl("HTTP://localhost", error);
    ASSERT_TRUE(url) << error;
    EXPECT_EQ(url->port, 80);
    EXPECT_EQ(url->target, "/");
    EXPECT_EQ(url->hostHeader, "localhost");

    url = parseHttpUrl("http://[::1]:9000?q", error);
    ASSERT_TRUE(url) << error;
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->target, "/?q");
    EXPECT_EQ(url->hostHeader, "[::1]:9000");
}

TEST(HttpUrl, RejectsWhatItCannotSendWithAReason) {
    const std::pair<const char*, const char*> cases[] = {
        {"127.0.0.1:8080/x", "no scheme"},  {"https://example.com/", "only plain http://"},
        {"http://:8080/", "no host"},       {"http://host:0/", "bad port"},
        {"http://host:70000/", "bad port"}, {"http://host:abc/", "bad port"},
        {"http://host:/", "bad port"},      {"http://user:pw@host/", "passwords"},
        {"http://host/a b", "space"},       {"http://[::1/", "IPv6"},
    };
    for (const auto& [text, expected] : cases) {
        std::string error;
        EXPECT_FALSE(parseHttpUrl(text, error)) << text;
        EXPECT_NE(error.find(expected), std::string::npos) << text << " -> " << error;
    }
}

TEST(HttpRequest, SerialisesOnceWithDefaultsAndOverrides) {
    std::string error;
    const auto url = *parseHttpUrl("http://127.0.0.1:8080/api", error);
    RequestSpec spec;
    EXPECT_EQ(serializeRequest(url, spec, "ua/1"),
              "GET /api HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: ua/1\r\nAccept: */*\r\n\r\n");
    spec.method = "POST";
    spec.headers = {"Content-Type:application/json", "host: example.org", "X-Trace:   abc"};
    spec.body = "{\"n\":1}";
    EXPECT_EQ(serializeRequest(url, spec, "ua/1"), "POST /api HTTP/1.1\r\nUser-Agent: ua/1\r\nAccept: */*\r\n"
                                                   "Content-Type: application/json\r\nhost: example.org\r\n"
                                                   "X-Trace: abc\r\nContent-Length: 7\r\n\r\n{\"n\":1}");
    spec.body.clear();
    spec.headers.clear();
    EXPECT_NE(serializeRequest(url, spec, "ua").find("Content-Length: 0\r\n"), std::string::npos);
}

TEST(HttpRequest, ChecksHeadersAndMethods) {
    EXPECT_EQ(headerProblem("X-A: b"), "");
    EXPECT_NE(headerProblem("no colon").find("Name: value"), std::string::npos);
    EXPECT_NE(headerProblem(": v").find("Name: value"), std::string::npos);
    EXPECT_NE(headerProblem("Bad Name: v").find("not allowed"), std::string::npos);
    EXPECT_NE(headerProblem("Content-Length: 5").find("--body"), std::string::npos);
    EXPECT_NE(headerProblem("Transfer-Encoding: chunked").find("--body"), std::string::npos);
    EXPECT_EQ(methodProblem("PATCH"), "");
    EXPECT_NE(methodProblem("GE T").find("not an HTTP method"), std::string::npos);
    EXPECT_NE(methodProblem("").find("not an HTTP method"), std::string::npos);
}

namespace {
// Feeds `text` to a fresh parser in pieces of `piece` bytes, the way reads deliver it.
ParseStatus feedInPieces(ResponseParser& parser, const std::string& text, std::size_t piece) {
    std::string pending;
    ParseStatus status = ParseStatus::NeedMore;
    for (std::size_t at = 0; at < text.size(); at += piece) {
        pending += text.substr(at, piece);
        std::size_t used = 0;
        status = parser.feed(pending.data(), pending.size(), used);
        pending.erase(0, used);
        if (status != ParseStatus::NeedMore)
            break;
    }
    return status;
}
} // namespace

TEST(ResponseParser, ReadsContentLengthChunkedAndCloseDelimitedBodies) {
    const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n"
                                "8;ext=1\r\n, World!\r\n0\r\nTrailer: x\r\n\r\n";
    const std::string sized = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 11\r\n\r\nunavailable";
    for (std::size_t piece : {1u, 3u, 7u, 1000u}) {
        ResponseParser parser;
        EXPECT_EQ(feedInPieces(parser, chunked, piece), ParseStatus::Done) << piece;
        EXPECT_EQ(parser.status(), 200);
        EXPECT_TRUE(parser.keepAlive());
        parser.reset();
        EXPECT_EQ(feedInPieces(parser, sized, piece), ParseStatus::Done) << piece;
        EXPECT_EQ(parser.status(), 503);
    }
    // A body delimited by the end of the connection is complete at EOF, and not before.
    ResponseParser parser;
    const std::string untilClose = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome body";
    EXPECT_EQ(feedInPieces(parser, untilClose, 1000), ParseStatus::NeedMore);
    EXPECT_EQ(parser.finishAtEof(), ParseStatus::Done);
    EXPECT_FALSE(parser.keepAlive());
    // A big Content-Length body is streamed past, not limited (Boost 1.74's body_limit(none) would refuse it).
    parser.reset();
    const std::string big = "HTTP/1.1 200 OK\r\nContent-Length: 20000000\r\n\r\n" + std::string(20'000'000, 'x');
    EXPECT_EQ(feedInPieces(parser, big, 16384), ParseStatus::Done);
    // HEAD: headers announce a body that never comes.
    parser.reset(true);
    EXPECT_EQ(feedInPieces(parser, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 1000), ParseStatus::Done);
    // Connection: close and HTTP/1.0 end keep-alive.
    parser.reset();
    EXPECT_EQ(feedInPieces(parser, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 1000),
              ParseStatus::Done);
    EXPECT_FALSE(parser.keepAlive());
    parser.reset();
    EXPECT_EQ(feedInPieces(parser, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 1000), ParseStatus::Done);
    EXPECT_FALSE(parser.keepAlive());
    // Garbage is an error, and a connection closed before any byte is not a response.
    parser.reset();
    EXPECT_EQ(feedInPieces(parser, "HTTX/1.1 200 OK\r\n\r\n", 1000), ParseStatus::Error);
    parser.reset();
    EXPECT_EQ(parser.finishAtEof(), ParseStatus::Error);
    EXPECT_FALSE(parser.receivedAnything());
}
