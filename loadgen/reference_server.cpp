#include "reference_server.h"

#include "http_message_parsers.h"

#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <sys/socket.h>
#include <time.h>

namespace loadscope::loadgen {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

std::int64_t realtimeNowNs() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void busyWork(double microseconds) {
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::nanoseconds(static_cast<long>(microseconds * 1e3));
    while (std::chrono::steady_clock::now() < until) {
    }
}

std::string buildResponse(int status, const std::string& body, bool chunked, bool close, bool head) {
    namespace http = boost::beast::http;
    const auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(status)));
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " +
                      (reason.empty() ? std::string("Status") : std::string(reason.data(), reason.size())) + "\r\n";
    out += "Server: loadscope-refserver\r\n";
    out += "Content-Type: text/plain\r\n";
    if (close)
        out += "Connection: close\r\n";
    const bool bodyless = status == 204 || status == 304;
    if (bodyless) {
        out += "\r\n";
        return out;
    }
    if (chunked) {
        out += "Transfer-Encoding: chunked\r\n\r\n";
        if (head)
            return out;
        // Two chunks (when there is enough body) so the client's chunk parsing is really exercised.
        const std::size_t half = body.size() / 2;
        auto chunk = [&](std::string_view part) {
            char size[32];
            std::snprintf(size, sizeof size, "%zx\r\n", part.size());
            out += size;
            out.append(part);
            out += "\r\n";
        };
        if (half > 0)
            chunk(std::string_view(body).substr(0, half));
        if (body.size() > half)
            chunk(std::string_view(body).substr(half));
        out += "0\r\n\r\n";
        return out;
    }
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    if (!head)
        out += body;
    return out;
}

std::string makeBody(int bytes) {
    static constexpr std::string_view kText = "Hello, World!";
    if (bytes == static_cast<int>(kText.size()))
        return std::string(kText);
    std::string body;
    body.reserve(static_cast<std::size_t>(bytes));
    for (int i = 0; i < bytes; ++i)
        body.push_back(static_cast<char>('a' + i % 26));
    return body;
}

} // namespace

// One client connection: reads requests (recvmsg, for the kernel's receive timestamp), answers them in order.
class ServerSession : public std::enable_shared_from_this<ServerSession> {
public:
    ServerSession(ReferenceServer& server, tcp::socket socket)
        : server_(server)
        , socket_(std::move(socket))
        , delayTimer_(socket_.get_executor())
        , idleTimer_(socket_.get_executor()) {}

    void start() {
        error_code ignored;
        socket_.set_option(tcp::no_delay(true), ignored);
        socket_.non_blocking(true, ignored);
        if (server_.logsArrivals()) {
            const int on = 1;
            setsockopt(socket_.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
        }
        armIdleTimer();
        readAvailable();
    }

private:
    // Reads until the socket is drained (the reactor is edge-triggered), handling every complete request.
    void readAvailable() {
        for (;;) {
            if (processBuffered())
                return; // a reply is on its way; reading resumes after it
            if (end_ == buffer_.size()) {
                close(); // a request header larger than the buffer
                return;
            }
            std::array<char, CMSG_SPACE(sizeof(timespec))> control{};
            iovec vector{buffer_.data() + end_, buffer_.size() - end_};
            msghdr message{};
            message.msg_iov = &vector;
            message.msg_iovlen = 1;
            message.msg_control = control.data();
            message.msg_controllen = control.size();
            const ssize_t n = ::recvmsg(socket_.native_handle(), &message, MSG_DONTWAIT);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                waitReadable();
                return;
            }
            if (n <= 0) {
                close();
                return;
            }
            end_ += static_cast<std::size_t>(n);
            if (arrivalNs_ == 0)
                arrivalNs_ = receiveTimestamp(message);
        }
    }

    static std::int64_t receiveTimestamp(msghdr& message) {
        for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                timespec ts{};
                std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
                return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
            }
        }
        return -1; // no kernel timestamp: the time of reading will do
    }

    void waitReadable() {
        socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const error_code& error) {
            if (error)
                self->close();
            else
                self->readAvailable();
        });
    }

    // Like a server's keep-alive timeout: the connection is closed between requests, with no Connection: close.
    void armIdleTimer() {
        const double idleMs = server_.options().idleTimeoutMs;
        if (idleMs <= 0)
            return;
        idleTimer_.expires_after(std::chrono::nanoseconds(static_cast<long>(idleMs * 1e6)));
        idleTimer_.async_wait([self = shared_from_this()](const error_code& error) {
            if (!error)
                self->close();
        });
    }

    // Parses what is buffered; true when a complete request is being answered.
    bool processBuffered() {
        if (begin_ == end_) {
            begin_ = end_ = 0;
            return false;
        }
        std::size_t used = 0;
        const ParseStatus status = parser_.feed(buffer_.data() + begin_, end_ - begin_, used);
        begin_ += used;
        if (status == ParseStatus::Error) {
            close();
            return true;
        }
        if (status == ParseStatus::NeedMore) {
            if (begin_ > 0) {
                std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
                end_ -= begin_;
                begin_ = 0;
            }
            return false;
        }
        const bool logsArrival = server_.logsArrivals();
        if (logsArrival)
            server_.logArrival(arrivalNs_ > 0 ? arrivalNs_ : 0);
        arrivalNs_ = 0;
        idleTimer_.cancel();
        answer();
        return true;
    }

    void answer() {
        const auto& options = server_.options();
        ++responses_;
        const bool health = parser_.target() == "/health" || parser_.target().rfind("/health?", 0) == 0;
        closeAfter_ = !parser_.keepAlive() || (options.closeEvery > 0 && responses_ % options.closeEvery == 0);
        reply_ = &server_.response(health, closeAfter_, parser_.isHead());
        if (!health && options.delayMs > 0) {
            delayTimer_.expires_after(std::chrono::nanoseconds(static_cast<long>(options.delayMs * 1e6)));
            delayTimer_.async_wait([self = shared_from_this()](const error_code& error) {
                if (error)
                    return;
                self->work();
                self->write();
            });
            return;
        }
        if (!health)
            work();
        write();
    }

    void work() {
        if (server_.options().cpuUs > 0)
            busyWork(server_.options().cpuUs);
    }

    void write() {
        error_code error;
        const std::size_t written = socket_.write_some(asio::buffer(*reply_), error);
        if (error && error != asio::error::would_block) {
            close();
            return;
        }
        if (written == reply_->size()) {
            replied();
            return;
        }
        asio::async_write(socket_, asio::buffer(reply_->data() + written, reply_->size() - written),
                          [self = shared_from_this()](const error_code& writeError, std::size_t) {
                              if (writeError)
                                  self->close();
                              else
                                  self->replied();
                          });
    }

    void replied() {
        if (closeAfter_) {
            error_code ignored;
            socket_.shutdown(tcp::socket::shutdown_send, ignored);
            close();
            return;
        }
        parser_.reset();
        armIdleTimer();
        readAvailable();
    }

    void close() {
        error_code ignored;
        delayTimer_.cancel();
        idleTimer_.cancel();
        socket_.close(ignored);
    }

    ReferenceServer& server_;
    tcp::socket socket_;
    asio::steady_timer delayTimer_;
    asio::steady_timer idleTimer_;
    RequestParser parser_;
    std::array<char, 16 * 1024> buffer_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::int64_t arrivalNs_ = 0;
    std::int64_t responses_ = 0;
    bool closeAfter_ = false;
    const std::string* reply_ = nullptr;
};

ReferenceServer::ReferenceServer(asio::io_context& io, const ServerOptions& options)
    : io_(io)
    , options_(options)
    , acceptor_(io)
    , stallTimer_(io)
    , flushTimer_(io) {
    const std::string body = makeBody(options.bodyBytes);
    for (int i = 0; i < 8; ++i) {
        const bool health = i & 4, close = i & 2, head = i & 1;
        responses_[i] =
            buildResponse(health ? 200 : options.status, health ? "OK" : body, options.chunked && !health, close, head);
    }
    const tcp::endpoint endpoint(asio::ip::make_address(options.bindAddress), options.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(4096);
    startRealtimeNs_ = realtimeNowNs();
    if (!options.arrivalsLog.empty()) {
        arrivals_ = std::fopen(options.arrivalsLog.c_str(), "w");
        if (!arrivals_)
            throw std::runtime_error("--arrivals-log: cannot write \"" + options.arrivalsLog +
                                     "\": " + std::strerror(errno));
        std::setvbuf(arrivals_, nullptr, _IOFBF, 1 << 16);
    }
}

ReferenceServer::~ReferenceServer() {
    if (arrivals_)
        std::fclose(arrivals_);
}

void ReferenceServer::start() {
    accept();
    if (options_.stallEveryMs > 0 && options_.stallMs > 0) {
        stallTimer_.expires_after(std::chrono::nanoseconds(static_cast<long>(options_.stallEveryMs * 1e6)));
        armStall();
    }
    if (arrivals_)
        armLogFlush();
}

void ReferenceServer::stop() {
    error_code ignored;
    acceptor_.close(ignored);
    stallTimer_.cancel();
    flushTimer_.cancel();
    if (arrivals_)
        std::fflush(arrivals_);
}

void ReferenceServer::logArrival(std::int64_t realtimeNs) {
    if (realtimeNs <= 0)
        realtimeNs = realtimeNowNs();
    std::fprintf(arrivals_, "%lld\n", static_cast<long long>((realtimeNs - startRealtimeNs_) / 1000));
}

void ReferenceServer::accept() {
    acceptor_.async_accept([this](const error_code& error, tcp::socket socket) {
        if (error == asio::error::operation_aborted || !acceptor_.is_open())
            return;
        if (!error)
            std::make_shared<ServerSession>(*this, std::move(socket))->start();
        accept();
    });
}

void ReferenceServer::armStall() {
    stallTimer_.async_wait([this](const error_code& error) {
        if (error)
            return;
        // Blocks the whole event loop, as a stop-the-world pause would.
        std::this_thread::sleep_for(std::chrono::nanoseconds(static_cast<long>(options_.stallMs * 1e6)));
        stallTimer_.expires_at(stallTimer_.expiry() +
                               std::chrono::nanoseconds(static_cast<long>(options_.stallEveryMs * 1e6)));
        armStall();
    });
}

void ReferenceServer::armLogFlush() {
    flushTimer_.expires_after(std::chrono::seconds(1));
    flushTimer_.async_wait([this](const error_code& error) {
        if (error)
            return;
        std::fflush(arrivals_);
        armLogFlush();
    });
}

} // namespace loadscope::loadgen
