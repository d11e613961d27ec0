#pragma once
// ClientConnection: one keep-alive HTTP/1.1 connection of the generator's pool. It connects, writes the
// pre-serialised request, and keeps waiting to read all the time, so a server closing an idle connection is noticed
// at once. A response is complete when its last bytes reached the socket, as the kernel stamped them, not when the
// event loop got round to reading them. It reports every outcome to its LoadWorker, which owns the pool policy and the
// statistics; after each callback the connection touches none of its own state again (the worker may have reused it).

#include "http_message_parsers.h"

#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace loadscope::loadgen {

class LoadWorker;

// One request on its way: when it was due and which part of the run it belongs to.
struct PendingRequest {
    std::int64_t dueNs = 0;
    bool measured = false;
    bool written = false; // counted as sent (a retry is not sent twice)
    bool retried = false;
};

enum class FailureKind { Connect, Read, StaleKeepAlive };

class ClientConnection {
public:
    enum class State { Closed, Connecting, Busy, Idle };

    ClientConnection(LoadWorker& worker, boost::asio::io_context& io);
    ClientConnection(const ClientConnection&) = delete;
    ClientConnection& operator=(const ClientConnection&) = delete;

    State state() const { return state_; }
    const PendingRequest& request() const { return request_; }
    // When the current attempt began: the connect, or the send.
    std::int64_t busySinceNs() const { return busySinceNs_; }

    // Closed -> Connecting; `request` goes out as soon as the connection is up.
    void connect(const boost::asio::ip::tcp::endpoint& endpoint, const PendingRequest& request);
    // Closed -> Connecting -> Idle, with no request: the pool opened ahead of the schedule.
    void preconnect(const boost::asio::ip::tcp::endpoint& endpoint);
    // False while a preconnect is under way: the connection is not carrying a request.
    bool carriesRequest() const { return carriesRequest_; }
    // Idle -> Busy: writes the request.
    void send(const PendingRequest& request);
    // Any state -> Closed, without any callback (timeouts, the end of the run).
    void abort();

    int idleIndex = -1; // position in the worker's idle list, -1 when not idle

private:
    void onConnected(const boost::system::error_code& error);
    void writeRequest();
    void startRead();
    void onReadable(const boost::system::error_code& error);
    void onRead(const boost::system::error_code& error, std::size_t bytes);
    void responseComplete(bool keepAlive, std::int64_t completeNs);
    void requestFailed(FailureKind kind, const std::string& message);
    void closeSocket();

    LoadWorker& worker_;
    boost::asio::ip::tcp::socket socket_;
    State state_ = State::Closed;
    unsigned generation_ = 0; // handlers of an earlier socket life see a different number and do nothing
    PendingRequest request_;
    bool carriesRequest_ = false;
    std::int64_t busySinceNs_ = 0;
    std::int64_t sendNs_ = 0;
    std::int64_t lastArrivalNs_ = 0; // when the bytes of the last read reached the socket (the kernel's timestamp)
    std::int64_t responses_ = 0;     // on this socket: a failure after one is a stale keep-alive, worth one retry
    ResponseParser parser_;
    std::array<char, 16 * 1024> buffer_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

} // namespace loadscope::loadgen
