#include "load_worker.h"

#include "monotonic_clock.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace loadscope::loadgen {

namespace asio = boost::asio;

namespace {
constexpr std::int64_t kProgressIntervalNs = 250'000'000;
// A pump dispatches at most this many requests before letting responses in: a generator far behind its schedule
// still reads.
constexpr int kMaxDispatchPerPump = 256;
} // namespace

SharedRunState::SharedRunState(int workers, bool progress)
    : timeline(workers)
    , progressEnabled(progress)
    , running(workers) {
    for (int i = 0; i < workers; ++i)
        this->progress.push_back(std::make_unique<ProgressSlot>());
}

LoadWorker::LoadWorker(const LoadgenOptions& options, const LoadSchedule& schedule, asio::ip::tcp::endpoint endpoint,
                       RunTiming timing, int index, int workerCount, int maxConnections, SharedRunState& shared)
    // Only this worker's thread does I/O on its sockets: no locking in the reactor (posting from other threads, as
    // requestStop() does, stays safe).
    : io_(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO)
    , options_(options)
    , endpoint_(endpoint)
    , timing_(timing)
    , index_(index)
    , maxConnections_(maxConnections)
    // Enough connections for the first 2 ms at the first rate, opened before the schedule starts: a cold pool at a
    // high rate would otherwise open one connection per request until the first responses come back, and each
    // connect slows the loop down further.
    , preconnectCount_(
          std::min(maxConnections,
                   static_cast<int>(std::ceil(schedule.initialRps() / workerCount / options.shareCount * 0.002)) + 2))
    , shared_(shared)
    // With --share K/N the N generators' workers interleave: worker i of generator K takes positions from
    // K-1 + N*i, every N*workerCount-th.
    , arrivals_(schedule, options.arrivals, options.shareIndex + options.shareCount * index,
                options.shareCount * workerCount, options.seed)
    , scheduleTimer_(io_)
    , housekeepingTimer_(io_)
    , batchWindowNs_(options.busyPoll ? 0 : options.batchWindow.count())
    , busyPoll_(options.busyPoll) {
    // Timeouts are found by a sweep; a tick of a tenth of the timeout (at most 50 ms) keeps them within 10 %.
    housekeepingIntervalNs_ = std::clamp<std::int64_t>(options.timeout.count() / 10, 1'000'000, 50'000'000);
    connections_.reserve(static_cast<std::size_t>(maxConnections));
    idle_.reserve(static_cast<std::size_t>(maxConnections));
    closed_.reserve(static_cast<std::size_t>(maxConnections));
}

LoadWorker::~LoadWorker() {
    // Sockets and timers go before the io_context they belong to.
    connections_.clear();
}

void LoadWorker::start() {
    lastProgressNs_ = monotonicNowNs();
    for (int i = 0; i < preconnectCount_; ++i) {
        connections_.push_back(std::make_unique<ClientConnection>(*this, io_));
        ++open_;
        connections_.back()->preconnect(endpoint_);
    }
    if (batchWindowNs_ == 0)
        armScheduleTimer(); // with a batch window, run() decides when to wake up
    armHousekeeping();
}

void LoadWorker::run() {
    if (busyPoll_) {
        // The loop never sleeps, so the core never idles and never has to wake up for a send.
        while (!io_.stopped())
            io_.poll(); // stops the context by itself once no work is left
    } else if (batchWindowNs_ > 0) {
        runBatched();
    } else {
        io_.run();
    }
}

// While requests are due less than a window apart, the loop sleeps from one window to the next and then handles
// everything at once: the responses that arrived meanwhile and the requests due by then. Being woken by each response
// and each send separately costs more than the send itself at these rates (a context switch, epoll_wait, timerfd
// updates), and the server gets one wake-up per batch too (docs/benchmarks.md, "Load generator"). The price: a batched
// send is up to a window late, which is measured (lateness_ms; latency_ms counts from the due time). A response read
// up to a window after it arrived is not timed late: ClientConnection takes the kernel's receive timestamp. The loop
// sleeps in the reactor as usual, woken by any response, when the next request is further away than a window (the
// rates real servers under test reach). Measured alternative: reacting to each response at once while requests wait
// for a connection (as a closed-loop client does) drove nginx and refserver no faster and cost more CPU per request.
void LoadWorker::runBatched() {
    while (!io_.stopped()) {
        const auto next = finished_ ? std::nullopt : arrivals_.peek();
        const std::int64_t nowNs = monotonicNowNs();
        const std::int64_t dueNs = next ? timing_.startNs + next->count() : 0;
        if (!next || dueNs - nowNs > batchWindowNs_) {
            if (next && !scheduleTimerArmed_)
                armScheduleTimer();
            // One handler at a time; Asio fetches every ready event with one epoll_wait when its queue runs dry.
            io_.run_one();
            continue;
        }
        // Far behind (the last pump stopped at its cap): go on at once.
        const std::int64_t wakeNs = pumpCapped_ ? nowNs : std::max(dueNs, lastWakeNs_ + batchWindowNs_);
        if (wakeNs > nowNs)
            sleepUntil(wakeNs);
        lastWakeNs_ = monotonicNowNs(); // the window counts from the wake-up, not from the end of its work
        io_.poll(); // the responses that arrived meanwhile (freeing connections), timers, a stop request
        pump(monotonicNowNs());
    }
}

void LoadWorker::requestStop() {
    asio::post(io_, [this] {
        if (!finished_) {
            stoppedAtNs_ = monotonicNowNs();
            finish(true);
        }
    });
}

// ---------------------------------------------------------------- schedule

void LoadWorker::armScheduleTimer() {
    const auto next = arrivals_.peek();
    if (!next || finished_)
        return;
    // With a batch window, at most one wake-up per window: at 50,000 req/s a wake-up per request costs more than
    // the send (epoll_wait plus two timerfd_settime calls), and the server is woken for every request too
    // (docs/benchmarks.md, "Load generator"). Measured alternative: spinning instead of sleeping when the next
    // request is due within 10-30 us did not lower the CPU per request and made the lateness worse.
    const std::int64_t dueNs = std::max(timing_.startNs + next->count(), lastWakeNs_ + batchWindowNs_);
    scheduleTimer_.expires_at(toTimePoint(dueNs));
    scheduleTimerArmed_ = true;
    scheduleTimer_.async_wait([this](const boost::system::error_code& error) {
        scheduleTimerArmed_ = false;
        if (error || finished_)
            return;
        lastWakeNs_ = monotonicNowNs();
        pump(lastWakeNs_);
        if (batchWindowNs_ == 0)
            armScheduleTimer(); // else runBatched() decides
    });
}

void LoadWorker::pumpIfDue() {
    const auto next = arrivals_.peek();
    if (next && !finished_) {
        const std::int64_t now = monotonicNowNs();
        if (timing_.startNs + next->count() <= now)
            pump(now);
    }
}

void LoadWorker::pump(std::int64_t nowNs) {
    pumpCapped_ = false;
    for (int n = 0; n < kMaxDispatchPerPump && !finished_; ++n) {
        const auto next = arrivals_.peek();
        if (!next) {
            maybeFinish();
            return;
        }
        const std::int64_t dueNs = timing_.startNs + next->count();
        if (dueNs > nowNs)
            return;
        arrivals_.advance();
        dispatch(PendingRequest{dueNs, dueNs >= timing_.measureStartNs}, nowNs);
        nowNs = monotonicNowNs();
    }
    // Still behind: continue after the responses that arrived meanwhile.
    if (!finished_) {
        pumpCapped_ = true;
        asio::post(io_, [this] { pumpIfDue(); });
    }
}

void LoadWorker::dispatch(const PendingRequest& request, std::int64_t nowNs) {
    PartStats& stats = part(request);
    ++stats.counters.due;
    stats.lateness.record((nowNs - request.dueNs) / 1000);
    if (ClientConnection* connection = takeIdle()) {
        ++inFlight_;
        peakInFlight_ = std::max(peakInFlight_, inFlight_);
        connection->send(request);
    } else if (open_ < maxConnections_) {
        openConnectionFor(request);
    } else {
        ++stats.counters.waited;
        waiting_.push_back(request);
    }
}

// ---------------------------------------------------------------- pool

ClientConnection* LoadWorker::takeIdle() {
    if (idle_.empty())
        return nullptr;
    ClientConnection* connection = idle_.back();
    idle_.pop_back();
    connection->idleIndex = -1;
    return connection;
}

void LoadWorker::makeIdle(ClientConnection& connection) {
    connection.idleIndex = static_cast<int>(idle_.size());
    idle_.push_back(&connection);
}

void LoadWorker::openConnectionFor(const PendingRequest& request) {
    ClientConnection* connection = nullptr;
    if (!closed_.empty()) {
        connection = closed_.back();
        closed_.pop_back();
    } else {
        connections_.push_back(std::make_unique<ClientConnection>(*this, io_));
        connection = connections_.back().get();
    }
    ++open_;
    ++inFlight_;
    peakInFlight_ = std::max(peakInFlight_, inFlight_);
    connection->connect(endpoint_, request);
}

void LoadWorker::connectionFree(ClientConnection& connection) {
    expireWaiting(monotonicNowNs());
    if (!waiting_.empty() && !finished_) {
        const PendingRequest request = waiting_.front();
        waiting_.pop_front();
        ++inFlight_;
        peakInFlight_ = std::max(peakInFlight_, inFlight_);
        connection.send(request);
    } else {
        makeIdle(connection);
    }
}

// A connection closed (its object is already on closed_): a waiting request may open a new one now.
void LoadWorker::connectionGone() {
    --open_;
    serveQueue();
}

void LoadWorker::serveQueue() {
    expireWaiting(monotonicNowNs());
    while (!waiting_.empty() && !finished_ && open_ < maxConnections_) {
        const PendingRequest request = waiting_.front();
        waiting_.pop_front();
        openConnectionFor(request);
    }
}

void LoadWorker::idleConnectionClosed(ClientConnection& connection) {
    if (connection.idleIndex >= 0) {
        // Swap-remove from the idle list.
        ClientConnection* last = idle_.back();
        idle_[static_cast<std::size_t>(connection.idleIndex)] = last;
        last->idleIndex = connection.idleIndex;
        idle_.pop_back();
        connection.idleIndex = -1;
    }
    closed_.push_back(&connection);
    connectionGone();
}

void LoadWorker::preconnected(ClientConnection& connection) {
    connectionFree(connection);
}

void LoadWorker::preconnectFailed(ClientConnection& connection) {
    closed_.push_back(&connection); // not a request's error: requests open their own connections when needed
    connectionGone();
}

// ---------------------------------------------------------------- outcomes

void LoadWorker::requestWritten(ClientConnection&, PendingRequest& request, std::int64_t sendNs) {
    if (request.written)
        return;
    request.written = true;
    ++part(request).counters.sent;
    if (request.measured)
        ++seconds_.at(secondOf(sendNs), shared_.timeline).sent;
}

void LoadWorker::responseReceived(ClientConnection& connection, const PendingRequest& request, int status,
                                  std::int64_t sendNs, std::int64_t completeNs, bool keepAlive) {
    --inFlight_;
    PartStats& stats = part(request);
    RequestCounters& counters = stats.counters;
    ++counters.completed;
    if (status >= 0 && status < RequestCounters::kStatusCodes)
        ++counters.statusCounts[static_cast<std::size_t>(status)];
    if (status < 400)
        ++counters.ok;
    const std::int64_t latencyUs = (completeNs - request.dueNs) / 1000;
    stats.latency.record(latencyUs);
    stats.service.record((completeNs - sendNs) / 1000);
    if (firstResponseNs_ == 0)
        firstResponseNs_ = completeNs;
    // The achieved rate is the server's throughput inside the window: a warm-up request answered in it counts, as
    // it would for any observer of the server; the measured requests still in flight at its end do not.
    if (completeNs >= timing_.measureStartNs && completeNs < timing_.measureEndNs)
        ++measured_.counters.completedInWindow;
    if (request.measured) {
        SecondCounts& second = seconds_.at(secondOf(completeNs), shared_.timeline);
        ++second.completed;
        if (status >= 400)
            ++second.errors;
        second.latency.record(latencyUs);
        if (shared_.progressEnabled)
            progressMeasuredDelta_.record(latencyUs);
    } else if (shared_.progressEnabled) {
        progressWarmupDelta_.record(latencyUs);
    }
    if (status >= 400)
        noteFirstError("status", "HTTP " + std::to_string(status));
    if (keepAlive) {
        connectionFree(connection);
    } else {
        closed_.push_back(&connection);
        connectionGone();
    }
    pumpIfDue();
    maybeFinish();
}

void LoadWorker::requestFailed(ClientConnection& connection, PendingRequest request, FailureKind kind,
                               const std::string& message) {
    const std::int64_t nowNs = monotonicNowNs();
    if (kind == FailureKind::StaleKeepAlive && !request.retried && !finished_) {
        // The server closed this keep-alive connection as we reused it; nothing of the request was answered, so it
        // goes out once more on a fresh connection (its latency still counts from its due time).
        request.retried = true;
        ++part(request).counters.retried;
        connection.connect(endpoint_, request);
        return;
    }
    --inFlight_;
    RequestCounters& counters = part(request).counters;
    if (kind == FailureKind::Connect) {
        countError(request, counters.connectErrors, nowNs);
        noteFirstError("connect", message);
    } else {
        countError(request, counters.readErrors, nowNs);
        noteFirstError("read", message);
    }
    closed_.push_back(&connection);
    connectionGone();
    maybeFinish();
}

void LoadWorker::countError(const PendingRequest& request, std::int64_t& counter, std::int64_t nowNs) {
    ++counter;
    if (request.measured)
        ++seconds_.at(secondOf(nowNs), shared_.timeline).errors;
}

void LoadWorker::noteFirstError(const std::string& kind, const std::string& message) {
    if (firstErrors_.find(kind) == firstErrors_.end())
        firstErrors_.emplace(kind, message);
}

// ---------------------------------------------------------------- housekeeping

void LoadWorker::armHousekeeping() {
    housekeepingTimer_.expires_after(std::chrono::nanoseconds(housekeepingIntervalNs_));
    housekeepingTimer_.async_wait([this](const boost::system::error_code& error) {
        if (!error && !finished_)
            housekeeping();
    });
}

void LoadWorker::housekeeping() {
    const std::int64_t nowNs = monotonicNowNs();
    if (nowNs >= timing_.deadlineNs) {
        finish(false);
        return;
    }
    expireWaiting(nowNs);
    sweepTimeouts(nowNs);
    serveQueue();
    if (nowNs >= timing_.measureStartNs)
        seconds_.at(secondOf(nowNs), shared_.timeline); // hands in quiet seconds
    if (shared_.progressEnabled && nowNs - lastProgressNs_ >= kProgressIntervalNs) {
        lastProgressNs_ = nowNs;
        publishProgress();
    }
    pumpIfDue();
    maybeFinish();
    if (!finished_)
        armHousekeeping();
}

// A request that waited for a connection longer than --timeout after its due time gets no answer in time anyway:
// it is a timeout, never sent.
void LoadWorker::expireWaiting(std::int64_t nowNs) {
    const std::int64_t timeoutNs = options_.timeout.count();
    while (!waiting_.empty() && nowNs - waiting_.front().dueNs > timeoutNs) {
        const PendingRequest request = waiting_.front();
        waiting_.pop_front();
        countError(request, part(request).counters.timeouts, nowNs);
        noteFirstError("timeout", "waited for a free connection longer than --timeout (all connections busy)");
    }
}

void LoadWorker::sweepTimeouts(std::int64_t nowNs) {
    const std::int64_t timeoutNs = options_.timeout.count();
    for (auto& owned : connections_) {
        ClientConnection& connection = *owned;
        const auto state = connection.state();
        if ((state != ClientConnection::State::Busy && state != ClientConnection::State::Connecting) ||
            nowNs - connection.busySinceNs() <= timeoutNs)
            continue;
        const PendingRequest request = connection.request();
        connection.abort(); // a timed-out request is not retried; its connection is not reused
        closed_.push_back(&connection);
        --open_;
        if (!connection.carriesRequest())
            continue; // a preconnect that never completed
        --inFlight_;
        RequestCounters& counters = part(request).counters;
        if (state == ClientConnection::State::Connecting) {
            countError(request, counters.connectErrors, nowNs);
            noteFirstError("connect", "connect timed out");
        } else {
            countError(request, counters.timeouts, nowNs);
            noteFirstError("timeout", "no complete response within --timeout");
        }
    }
}

void LoadWorker::publishProgress() {
    auto& slot = *shared_.progress[static_cast<std::size_t>(index_)];
    std::lock_guard lock(slot.mutex);
    slot.snapshot.warmup = warmup_.counters;
    slot.snapshot.measured = measured_.counters;
    slot.snapshot.inFlight = inFlight_;
    if (!progressWarmupDelta_.empty()) {
        slot.snapshot.warmupLatency.merge(progressWarmupDelta_);
        progressWarmupDelta_.reset();
    }
    if (!progressMeasuredDelta_.empty()) {
        slot.snapshot.measuredLatency.merge(progressMeasuredDelta_);
        progressMeasuredDelta_.reset();
    }
}

void LoadWorker::maybeFinish() {
    if (finished_ || finishPosted_ || arrivals_.peek() || inFlight_ > 0 || !waiting_.empty())
        return;
    // Posted: the caller may be deep inside a connection's handler.
    finishPosted_ = true;
    asio::post(io_, [this] {
        if (!finished_)
            finish(false);
    });
}

void LoadWorker::finish(bool stopped) {
    finished_ = true;
    const std::int64_t nowNs = monotonicNowNs();
    // Whatever is still in flight: abandoned when stopped by a signal, else a timeout (the deadline has passed).
    for (auto& owned : connections_) {
        ClientConnection& connection = *owned;
        const auto state = connection.state();
        if ((state == ClientConnection::State::Busy || state == ClientConnection::State::Connecting) &&
            connection.carriesRequest()) {
            const PendingRequest& request = connection.request();
            if (stopped)
                ++part(request).counters.abandoned;
            else if (state == ClientConnection::State::Connecting)
                countError(request, part(request).counters.connectErrors, nowNs);
            else
                countError(request, part(request).counters.timeouts, nowNs);
        }
        connection.abort();
    }
    waiting_.forEach([&](const PendingRequest& request) {
        if (stopped)
            ++part(request).counters.abandoned;
        else
            countError(request, part(request).counters.timeouts, nowNs);
    });
    waiting_.clear();
    inFlight_ = 0;
    // Requests the generator never reached before the deadline (it fell hopelessly behind) were still due.
    if (!stopped) {
        for (auto next = arrivals_.peek(); next; arrivals_.advance(), next = arrivals_.peek()) {
            PendingRequest request{timing_.startNs + next->count(), false};
            request.measured = request.dueNs >= timing_.measureStartNs;
            ++part(request).counters.due;
            ++part(request).counters.unsent;
        }
    }
    scheduleTimer_.cancel();
    housekeepingTimer_.cancel();
    seconds_.finish(shared_.timeline);
    if (shared_.progressEnabled)
        publishProgress();
    if (--shared_.running == 0 && shared_.onAllFinished)
        shared_.onAllFinished();
}

} // namespace loadscope::loadgen
