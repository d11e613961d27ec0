#pragma once
// LoadWorker: one event loop (Boost.Asio io_context) driving its share of the schedule over its own connection
// pool. A due request takes an idle connection, else opens a new one while the pool is below its limit, else waits
// in a FIFO; its latency always counts from its due time. The default is one worker on the main thread; with
// --threads N each worker takes every N-th request of the one global schedule.

#include "arrival_sequence.h"
#include "client_connection.h"
#include "loadgen_options.h"
#include "request_stats.h"
#include "ring_queue.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace loadscope::loadgen {

// The moments every worker shares, in monotonicNowNs() nanoseconds.
struct RunTiming {
    std::int64_t startNs = 0;        // the schedule (warm-up included) begins
    std::int64_t measureStartNs = 0; // the warm-up ends
    std::int64_t measureEndNs = 0;   // the last request is due before this
    std::int64_t deadlineNs = 0;     // requests still in flight are timeouts from here
};

// What a worker publishes for --progress, four times a second.
struct ProgressSnapshot {
    RequestCounters warmup;
    RequestCounters measured;
    LatencyHistogram warmupLatency;
    LatencyHistogram measuredLatency;
    std::int64_t inFlight = 0;
};

// State the workers share: the timeline, their progress snapshots, and who has finished.
class SharedRunState {
public:
    SharedRunState(int workers, bool progress);
    TimelineCollector timeline;
    const bool progressEnabled;
    struct ProgressSlot {
        std::mutex mutex;
        ProgressSnapshot snapshot;
    };
    std::vector<std::unique_ptr<ProgressSlot>> progress;
    std::atomic<int> running;
    std::function<void()> onAllFinished; // called on the last worker's thread
};

class LoadWorker {
public:
    LoadWorker(const LoadgenOptions& options, const LoadSchedule& schedule, boost::asio::ip::tcp::endpoint endpoint,
               RunTiming timing, int index, int workerCount, int maxConnections, SharedRunState& shared);
    ~LoadWorker();
    LoadWorker(const LoadWorker&) = delete;
    LoadWorker& operator=(const LoadWorker&) = delete;

    boost::asio::io_context& io() { return io_; }
    // Arms the timers; run() afterwards (on the thread that owns this worker).
    void start();
    // Runs the event loop on the calling thread until the worker has finished (or was stopped).
    void run();
    // Thread-safe: stops at once; what was in flight or waiting counts as abandoned.
    void requestStop();

    // Results, valid once io().run() has returned.
    const PartStats& warmupStats() const { return warmup_; }
    const PartStats& measuredStats() const { return measured_; }
    std::int64_t peakInFlight() const { return peakInFlight_; }
    std::int64_t connectionsOpened() const { return connectionsOpened_; }
    std::int64_t stoppedAtNs() const { return stoppedAtNs_; } // 0 unless requestStop() ended the run
    // When the first response of the run (warm-up included) arrived; 0 when none did.
    std::int64_t firstResponseNs() const { return firstResponseNs_; }
    const std::map<std::string, std::string>& firstErrors() const { return firstErrors_; }

private:
    friend class ClientConnection;
    // --- called by ClientConnection
    const std::string& requestBytes() const { return options_.requestBytes; }
    bool headRequest() const { return options_.request.method == "HEAD"; }
    void connectionUp() { ++connectionsOpened_; }
    void requestWritten(ClientConnection& connection, PendingRequest& request, std::int64_t sendNs);
    // completeNs: when the response's last bytes reached the socket (at most now).
    void responseReceived(ClientConnection& connection, const PendingRequest& request, int status, std::int64_t sendNs,
                          std::int64_t completeNs, bool keepAlive);
    void requestFailed(ClientConnection& connection, PendingRequest request, FailureKind kind,
                       const std::string& message);
    void idleConnectionClosed(ClientConnection& connection);
    void preconnected(ClientConnection& connection);
    void preconnectFailed(ClientConnection& connection);
    void pumpIfDue();

    // --- scheduling and the pool
    void armScheduleTimer();
    void runBatched();
    void pump(std::int64_t nowNs);
    void dispatch(const PendingRequest& request, std::int64_t nowNs);
    ClientConnection* takeIdle();
    void makeIdle(ClientConnection& connection);
    void openConnectionFor(const PendingRequest& request);
    void connectionFree(ClientConnection& connection);
    void connectionGone();
    void serveQueue();
    // --- housekeeping
    void armHousekeeping();
    void housekeeping();
    void expireWaiting(std::int64_t nowNs);
    void sweepTimeouts(std::int64_t nowNs);
    void publishProgress();
    void maybeFinish();
    void finish(bool stopped);

    PartStats& part(const PendingRequest& request) { return request.measured ? measured_ : warmup_; }
    int secondOf(std::int64_t ns) const { return static_cast<int>((ns - timing_.measureStartNs) / 1'000'000'000); }
    void countError(const PendingRequest& request, std::int64_t& counter, std::int64_t nowNs);
    void noteFirstError(const std::string& kind, const std::string& message);

    boost::asio::io_context io_; // first member: destroyed last, after every socket and timer
    const LoadgenOptions& options_;
    boost::asio::ip::tcp::endpoint endpoint_;
    RunTiming timing_;
    int index_;
    int maxConnections_;
    int preconnectCount_;
    SharedRunState& shared_;
    ArrivalSequence arrivals_;
    boost::asio::steady_timer scheduleTimer_;
    boost::asio::steady_timer housekeepingTimer_;
    std::int64_t housekeepingIntervalNs_;
    std::int64_t lastProgressNs_ = 0;
    std::int64_t lastWakeNs_ = 0; // when the schedule was last pumped from a wake-up
    const std::int64_t batchWindowNs_;
    const bool busyPoll_;
    bool scheduleTimerArmed_ = false;
    bool pumpCapped_ = false; // the last pump stopped at its cap with requests still due

    std::vector<std::unique_ptr<ClientConnection>> connections_;
    std::vector<ClientConnection*> idle_;   // LIFO: the most recently used connection is reused first
    std::vector<ClientConnection*> closed_; // objects to reuse for new connections
    RingQueue<PendingRequest> waiting_;     // FIFO of due requests that found every connection busy
    int open_ = 0;                          // connecting or connected
    std::int64_t inFlight_ = 0;
    std::int64_t peakInFlight_ = 0;
    std::int64_t connectionsOpened_ = 0;
    bool finished_ = false;
    bool finishPosted_ = false;
    std::int64_t stoppedAtNs_ = 0;
    std::int64_t firstResponseNs_ = 0;

    PartStats warmup_;
    PartStats measured_;
    SecondTracker seconds_;
    LatencyHistogram progressWarmupDelta_;
    LatencyHistogram progressMeasuredDelta_;
    std::map<std::string, std::string> firstErrors_;
};

} // namespace loadscope::loadgen
