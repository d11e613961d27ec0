#include "http_probe.h"

#include "child_process.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <optional>
#include <thread>

namespace loadscope {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

double millisecondsSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

std::string describe(const beast::error_code& error, std::chrono::milliseconds timeout) {
    if (error == beast::error::timeout)
        return "timed out after " + std::to_string(timeout.count()) + " ms";
    if (error == asio::error::connection_refused)
        return "connection refused";
    if (error == http::error::end_of_stream || error == asio::error::eof)
        return "connection closed by the server before a response";
    return error.message();
}

// Keeps the last lines of a child's stderr short enough for one message.
std::string lastLines(const std::string& text, std::size_t maxLines) {
    std::string_view view = text;
    while (!view.empty() && (view.back() == '\n' || view.back() == '\r'))
        view.remove_suffix(1);
    std::size_t start = view.size();
    for (std::size_t lines = 0; lines < maxLines && start > 0; ++lines) {
        const auto newline = view.rfind('\n', start - 1);
        start = newline == std::string_view::npos ? 0 : newline;
        if (start == 0)
            break;
    }
    auto tail = view.substr(start);
    if (!tail.empty() && tail.front() == '\n')
        tail.remove_prefix(1);
    return std::string(tail);
}

} // namespace

namespace {

// The request as it goes on the wire (one request, then the connection closes); nothing with `error` set when a
// header is not "Name: value".
std::optional<http::request<http::string_body>> probeMessage(const HttpRequestSpec& request, std::string& error) {
    http::request<http::string_body> message;
    message.method_string(request.method);
    message.target(request.target);
    message.version(11);
    message.set(http::field::host, request.host + ":" + std::to_string(request.port));
    message.set(http::field::connection, "close");
    message.set(http::field::user_agent, "loadscope-probe");
    for (const auto& header : request.headers) {
        const auto colon = header.find(':');
        if (colon == std::string::npos || colon == 0) {
            error = "bad header '" + header + "': expected 'Name: value'";
            return std::nullopt;
        }
        message.set(trim(std::string_view(header).substr(0, colon)), trim(std::string_view(header).substr(colon + 1)));
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
        message.body() = request.body;
        message.prepare_payload();
    }
    return message;
}

} // namespace

HttpProbeResult httpRequest(const HttpRequestSpec& request) {
    HttpProbeResult result;
    auto message = probeMessage(request, result.error);
    if (!message)
        return result;
    beast::error_code resolveError;
    const auto address = asio::ip::make_address(request.host, resolveError);
    if (resolveError) {
        result.error = "'" + request.host + "' is not an IP address";
        return result;
    }
    const asio::ip::tcp::endpoint endpoint(address, static_cast<unsigned short>(request.port));

    // Connect, write, read, each step started by the one before; the stream's expiry bounds them all.
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(request.timeout);
    beast::error_code failure;
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    const auto started = Clock::now();
    Clock::time_point sendStarted;
    stream.async_connect(endpoint, [&](beast::error_code error) {
        if (error) {
            failure = error;
            return;
        }
        result.connectMs = millisecondsSince(started);
        stream.socket().set_option(asio::ip::tcp::no_delay(true));
        sendStarted = Clock::now();
        http::async_write(stream, *message, [&](beast::error_code writeError, std::size_t) {
            if (writeError) {
                failure = writeError;
                return;
            }
            http::async_read(stream, buffer, response, [&](beast::error_code readError, std::size_t) {
                if (readError) {
                    failure = readError;
                    return;
                }
                result.latencyMs = millisecondsSince(sendStarted);
                result.ok = true;
            });
        });
    });
    io.run();
    if (!result.ok) {
        result.error = describe(failure, request.timeout);
        return result;
    }
    result.status = static_cast<int>(response.result_int());
    result.body = std::move(response.body());
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return result;
}

ReadinessResult waitUntilReady(const std::string& host, int port, const std::string& path,
                               std::chrono::milliseconds timeout, const std::function<bool()>& keepWaiting) {
    ReadinessResult result;
    const auto started = Clock::now();
    const auto deadline = started + timeout;
    // A server that answered with the wrong status says more than a last attempt cut short by the deadline, so the
    // last real answer is kept and reported in preference.
    std::string lastAnswer;
    for (;;) {
        if (keepWaiting && !keepWaiting()) {
            result.error = result.error.empty() ? "stopped waiting" : result.error;
            break;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left <= 0ms) {
            const auto& reason = lastAnswer.empty() ? result.error : lastAnswer;
            result.error = "not ready after " + std::to_string(timeout.count()) + " ms" +
                           (reason.empty() ? "" : " (last attempt: " + reason + ")");
            break;
        }
        HttpRequestSpec probe;
        probe.host = host;
        probe.port = port;
        probe.target = path;
        probe.timeout = std::min(left, std::chrono::milliseconds(1000));
        ++result.attempts;
        const auto answer = httpRequest(probe);
        if (answer.ok && answer.status == 200) {
            result.ready = true;
            result.error.clear();
            break;
        }
        if (answer.ok) {
            lastAnswer = "GET " + path + " answered " + std::to_string(answer.status) + " (expected 200)";
            result.error = lastAnswer;
        } else {
            result.error = answer.error;
        }
        // Connection refused comes back at once: don't spin, a Python server needs a few hundred ms anyway.
        std::this_thread::sleep_for(std::min(std::chrono::milliseconds(20), left));
    }
    result.elapsedMs = millisecondsSince(started);
    return result;
}

ReadinessResult waitUntilReady(ChildProcess& child, int port, const std::string& path,
                               std::chrono::milliseconds timeout) {
    auto result = waitUntilReady("127.0.0.1", port, path, timeout, [&child] { return child.running(); });
    if (result.ready)
        return result;
    if (const auto status = child.exitStatus()) {
        child.waitForOutputEnd(500ms);
        std::string message = "the server exited (" + status->toString() + ") before it was ready";
        const auto stderrEnd = lastLines(child.stderrTail(), 5);
        if (!stderrEnd.empty())
            message += "; its stderr ends with:\n" + stderrEnd;
        result.error = message;
    }
    return result;
}

} // namespace loadscope
