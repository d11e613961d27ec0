#pragma once
// ReferenceServer: a small native HTTP/1.1 keep-alive server on Boost.Asio, for tests and calibration. Every path
// gets the configured behaviour (delay, busy work, status, close-every), except /health, which always answers 200
// at once so readiness checks work whatever the options. Stalls block the whole event loop, like a GC pause.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace loadscope::loadgen {

struct ServerOptions {
    std::string bindAddress = "127.0.0.1";
    std::uint16_t port = 0; // 0: a free port, printed on the first line of stdout
    double delayMs = 0;     // a timer before replying (the loop keeps serving others)
    double cpuUs = 0;       // busy work per request
    double stallEveryMs = 0;
    double stallMs = 0;
    int status = 200;
    int closeEvery = 0;       // close the connection after this many responses (0: never)
    double idleTimeoutMs = 0; // close a connection idle this long between requests, without notice (0: never)
    int bodyBytes = 13;
    bool chunked = false;
    std::string arrivalsLog; // one line per request: arrival in microseconds since the server started
};

class ServerSession;

class ReferenceServer {
public:
    ReferenceServer(boost::asio::io_context& io, const ServerOptions& options);
    ~ReferenceServer();
    ReferenceServer(const ReferenceServer&) = delete;
    ReferenceServer& operator=(const ReferenceServer&) = delete;

    boost::asio::ip::tcp::endpoint localEndpoint() const { return acceptor_.local_endpoint(); }
    void start();
    void stop(); // closes the listener and flushes the arrivals log

    // --- used by sessions
    const ServerOptions& options() const { return options_; }
    const std::string& response(bool health, bool close, bool head) const {
        return responses_[(health ? 4 : 0) + (close ? 2 : 0) + (head ? 1 : 0)];
    }
    bool logsArrivals() const { return arrivals_ != nullptr; }
    // `realtimeNs`: the kernel's receive timestamp (CLOCK_REALTIME), or 0 to take the time now.
    void logArrival(std::int64_t realtimeNs);

private:
    void accept();
    void armStall();
    void armLogFlush();

    boost::asio::io_context& io_;
    ServerOptions options_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer stallTimer_;
    boost::asio::steady_timer flushTimer_;
    std::string responses_[8];
    std::FILE* arrivals_ = nullptr;
    std::int64_t startRealtimeNs_ = 0;
};

} // namespace loadscope::loadgen
