// The readiness/probe HTTP client against a real server (our aiohttp script) and against sockets that misbehave:
// refused, accepted but never answered, a child that dies before it is ready.

#include "child_process.h"
#include "http_probe.h"
#include "install_paths.h"
#include "target_definition.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace loadscope;
using namespace std::chrono_literals;

namespace {

// A socket that listens (so connects succeed) but is never read from or accepted.
class SilentListener {
public:
    SilentListener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
        ::listen(fd_, 16);
        socklen_t length = sizeof(address);
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
    }
    ~SilentListener() { ::close(fd_); }
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

} // namespace

TEST(HttpProbe, RefusedConnectionIsReported) {
    const int port = findFreePort();
    HttpRequestSpec request;
    request.port = port;
    const auto answer = httpRequest(request);
    EXPECT_FALSE(answer.ok);
    EXPECT_EQ(answer.error, "connection refused");
}

TEST(HttpProbe, SilentServerTimesOut) {
    SilentListener silent;
    HttpRequestSpec request;
    request.port = silent.port();
    request.timeout = 200ms;
    const auto started = std::chrono::steady_clock::now();
    const auto answer = httpRequest(request);
    EXPECT_FALSE(answer.ok);
    EXPECT_EQ(answer.error, "timed out after 200 ms");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);

    const auto ready = waitUntilReady("127.0.0.1", silent.port(), "/health", 400ms);
    EXPECT_FALSE(ready.ready);
    EXPECT_GE(ready.elapsedMs, 400);
    EXPECT_LT(ready.elapsedMs, 2000);
    EXPECT_NE(ready.error.find("not ready after 400 ms"), std::string::npos) << ready.error;
}

TEST(HttpProbe, BadInputIsReportedNotThrown) {
    HttpRequestSpec request;
    request.host = "not-an-address";
    request.port = 80;
    EXPECT_NE(httpRequest(request).error.find("is not an IP address"), std::string::npos);
    request.host = "127.0.0.1";
    request.headers = {"NoColonHere"};
    EXPECT_NE(httpRequest(request).error.find("expected 'Name: value'"), std::string::npos);
}

TEST(HttpProbe, ReadinessFailsFastWhenTheChildExits) {
    ChildProcess dying(ChildProcessOptions{
        {"/bin/sh", "-c", "echo starting; sleep 0.2; echo 'Traceback: boom' >&2; exit 4"}, {}, true, {}, {}, 4096, {}});
    const auto started = std::chrono::steady_clock::now();
    const auto ready = waitUntilReady(dying, findFreePort(), "/health", 10s);
    EXPECT_FALSE(ready.ready);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s) << "waited for the full timeout";
    EXPECT_NE(ready.error.find("the server exited (exit code 4) before it was ready"), std::string::npos)
        << ready.error;
    EXPECT_NE(ready.error.find("Traceback: boom"), std::string::npos) << ready.error;
}

TEST(HttpProbe, TalksToARealServer) {
    const int port = findFreePort();
    const auto values = defaultPlaceholderValues(port);
    ChildProcess server(
        ChildProcessOptions{{values.python, (values.resources / "servers" / "aiohttp_server.py").string(), "--port",
                             std::to_string(port), "--sleep-ms", "5"},
                            {},
                            true,
                            {},
                            {},
                            65536,
                            {}});
    const auto ready = waitUntilReady(server, port, "/health", 10s);
    ASSERT_TRUE(ready.ready) << ready.error;
    EXPECT_GE(ready.attempts, 1);

    HttpRequestSpec request;
    request.port = port;
    request.target = "/simple";
    request.headers = {"X-Loadscope-Test: yes"};
    const auto simple = httpRequest(request);
    ASSERT_TRUE(simple.ok) << simple.error;
    EXPECT_EQ(simple.status, 200);
    EXPECT_EQ(simple.body, "simple\n");
    EXPECT_GE(simple.latencyMs, 5.0); // --sleep-ms 5
    EXPECT_GE(simple.connectMs, 0.0);

    request.target = "/nope";
    const auto missing = httpRequest(request);
    ASSERT_TRUE(missing.ok);
    EXPECT_EQ(missing.status, 404);

    request.method = "POST";
    request.target = "/simple";
    request.body = "payload";
    const auto post = httpRequest(request);
    ASSERT_TRUE(post.ok);
    EXPECT_EQ(post.status, 405); // aiohttp: GET-only route

    // A readiness path that answers something else than 200 is not ready, and says what it got.
    const auto wrong = waitUntilReady("127.0.0.1", port, "/nope", 300ms);
    EXPECT_FALSE(wrong.ready);
    EXPECT_NE(wrong.error.find("answered 404 (expected 200)"), std::string::npos) << wrong.error;
}
