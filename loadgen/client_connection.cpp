#include "client_connection.h"

#include "load_worker.h"
#include "monotonic_clock.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <sys/uio.h>

namespace loadscope::loadgen {

namespace asio = boost::asio;
using boost::system::error_code;

ClientConnection::ClientConnection(LoadWorker& worker, asio::io_context& io)
    : worker_(worker)
    , socket_(io) {}

void ClientConnection::connect(const asio::ip::tcp::endpoint& endpoint, const PendingRequest& request) {
    closeSocket();
    state_ = State::Connecting;
    request_ = request;
    carriesRequest_ = true;
    busySinceNs_ = monotonicNowNs();
    responses_ = 0;
    socket_.async_connect(endpoint, [this, generation = generation_](const error_code& error) {
        if (generation == generation_)
            onConnected(error);
    });
}

void ClientConnection::preconnect(const asio::ip::tcp::endpoint& endpoint) {
    connect(endpoint, PendingRequest{});
    carriesRequest_ = false;
}

void ClientConnection::onConnected(const error_code& error) {
    if (error) {
        if (carriesRequest_) {
            requestFailed(FailureKind::Connect, error.message());
        } else {
            closeSocket();
            worker_.preconnectFailed(*this);
        }
        return;
    }
    error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    // The kernel stamps each received segment (SCM_TIMESTAMPNS); a response's completion time is that stamp.
    const int on = 1;
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    // Writes are tried directly first (a request nearly always fits the socket buffer): one syscall, no wait.
    socket_.non_blocking(true, ignored);
    worker_.connectionUp();
    if (!carriesRequest_) {
        state_ = State::Idle;
        startRead();
        worker_.preconnected(*this);
        return;
    }
    state_ = State::Busy;
    startRead();
    writeRequest();
}

void ClientConnection::send(const PendingRequest& request) {
    state_ = State::Busy;
    request_ = request;
    carriesRequest_ = true;
    writeRequest();
}

void ClientConnection::writeRequest() {
    parser_.reset(worker_.headRequest());
    const std::string& bytes = worker_.requestBytes();
    sendNs_ = busySinceNs_ = monotonicNowNs();
    worker_.requestWritten(*this, request_, sendNs_);
    error_code error;
    const std::size_t written = socket_.write_some(asio::buffer(bytes), error);
    if (error && error != asio::error::would_block) {
        requestFailed(responses_ > 0 ? FailureKind::StaleKeepAlive : FailureKind::Read, "write: " + error.message());
        return;
    }
    if (written < bytes.size()) {
        asio::async_write(socket_, asio::buffer(bytes.data() + written, bytes.size() - written),
                          [this, generation = generation_](const error_code& writeError, std::size_t) {
                              if (generation == generation_ && writeError && state_ == State::Busy)
                                  requestFailed(FailureKind::Read, "write: " + writeError.message());
                          });
    }
}

// The connection always waits to read, and reads itself with recvmsg() to get the kernel's receive timestamp, which
// Asio's reads do not ask for. That timestamp is what makes a batched event loop honest: with --batch-window the loop
// handles responses up to a window after they arrived, and their latency must not grow by that delay. Waiting costs
// an epoll_ctl per read (Asio re-arms the descriptor for every wait, with the EPOLLOUT the connect registered, so a
// writable event comes along too) where Asio's async_read_some costs a failed speculative recv().
void ClientConnection::startRead() {
    socket_.async_wait(asio::ip::tcp::socket::wait_read, [this, generation = generation_](const error_code& error) {
        if (generation == generation_)
            onReadable(error);
    });
}

void ClientConnection::onReadable(const error_code& error) {
    if (error) {
        onRead(error, 0);
        return;
    }
    iovec space{buffer_.data() + end_, buffer_.size() - end_};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
    msghdr message{};
    message.msg_iov = &space;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t bytes = 0;
    do {
        bytes = ::recvmsg(socket_.native_handle(), &message, MSG_DONTWAIT);
    } while (bytes < 0 && errno == EINTR);
    if (bytes < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            startRead(); // nothing to read after all: wait on
            return;
        }
        onRead(error_code(errno, boost::system::system_category()), 0);
        return;
    }
    if (bytes == 0) {
        onRead(asio::error::eof, 0);
        return;
    }
    const std::int64_t nowNs = monotonicNowNs();
    lastArrivalNs_ = nowNs;
    for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_TIMESTAMPNS)
            continue;
        timespec stamp{};
        std::memcpy(&stamp, CMSG_DATA(header), sizeof stamp);
        // The stamp is wall-clock time; move it onto the monotonic clock every other timestamp uses.
        const std::int64_t arrivalNs = toNs(stamp) - (wallClockNowNs() - nowNs);
        lastArrivalNs_ = std::clamp(arrivalNs, sendNs_, nowNs);
    }
    onRead({}, static_cast<std::size_t>(bytes));
}

void ClientConnection::onRead(const error_code& error, std::size_t bytes) {
    if (state_ == State::Idle) {
        // Nothing was asked: the server closed an idle keep-alive connection (or sent garbage). Reopen on demand.
        closeSocket();
        worker_.idleConnectionClosed(*this);
        return;
    }
    if (error) {
        if (error == asio::error::eof && parser_.finishAtEof() == ParseStatus::Done) {
            // The body ended with its last bytes, not with the close.
            responseComplete(false, std::max(lastArrivalNs_, sendNs_));
        } else if (!parser_.receivedAnything() && responses_ > 0) {
            requestFailed(FailureKind::StaleKeepAlive, error.message());
        } else {
            requestFailed(FailureKind::Read,
                          parser_.receivedAnything() ? "closed mid-response: " + error.message() : error.message());
        }
        return;
    }
    end_ += bytes;
    std::size_t used = 0;
    const ParseStatus status = parser_.feed(buffer_.data() + begin_, end_ - begin_, used);
    begin_ += used;
    if (status == ParseStatus::Error) {
        requestFailed(FailureKind::Read, "malformed response: " + parser_.error());
        return;
    }
    if (status == ParseStatus::Done) {
        // Bytes after a complete response were never asked for (we do not pipeline): the connection is out of step.
        const bool clean = begin_ == end_;
        begin_ = end_ = 0;
        responseComplete(clean && parser_.keepAlive(), lastArrivalNs_);
        return;
    }
    if (begin_ == end_) {
        begin_ = end_ = 0;
    } else if (begin_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == buffer_.size()) {
        requestFailed(FailureKind::Read, "response header larger than 16 KiB");
        return;
    }
    startRead();
    worker_.pumpIfDue();
}

void ClientConnection::responseComplete(bool keepAlive, std::int64_t completeNs) {
    ++responses_;
    const PendingRequest request = request_;
    const int status = parser_.status();
    if (keepAlive) {
        state_ = State::Idle;
        startRead();
    } else {
        closeSocket();
    }
    worker_.responseReceived(*this, request, status, sendNs_, completeNs, keepAlive);
}

void ClientConnection::requestFailed(FailureKind kind, const std::string& message) {
    closeSocket();
    worker_.requestFailed(*this, request_, kind, message);
}

void ClientConnection::abort() {
    closeSocket();
}

void ClientConnection::closeSocket() {
    ++generation_;
    if (socket_.is_open()) {
        error_code ignored;
        socket_.close(ignored);
    }
    state_ = State::Closed;
    begin_ = end_ = 0;
}

} // namespace loadscope::loadgen
