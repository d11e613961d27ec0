#include "load_run.h"

#include "load_worker.h"
#include "monotonic_clock.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/signal_set.hpp>

#include <cmath>
#include <iostream>
#include <optional>
#include <thread>

#include <sys/prctl.h>
#include <sys/resource.h>

namespace loadscope::loadgen {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

double seconds(std::int64_t ns) {
    return static_cast<double>(ns) / 1e9;
}

double timevalSeconds(const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

// Connects once (within --timeout) before the run, so "no server" is exit 3 at once rather than a run of errors.
std::string probeConnection(const tcp::endpoint& endpoint, Nanos timeout) {
    asio::io_context io;
    tcp::socket socket(io);
    boost::system::error_code result = asio::error::timed_out;
    socket.async_connect(endpoint, [&](const boost::system::error_code& error) { result = error; });
    io.run_for(std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
    return result ? result.message() : std::string();
}

LoadResult resultSkeleton(const LoadgenOptions& options) {
    LoadResult r;
    r.url = options.urlText;
    r.method = options.request.method;
    r.schedule = options.schedule.description();
    r.arrivals = std::string(toString(options.arrivals));
    r.connections = options.connections;
    r.threads = options.threads;
    r.realtime = options.realtime;
    r.busyPoll = options.busyPoll;
    r.batchWindowMs = options.busyPoll ? 0.0 : toSeconds(options.batchWindow) * 1000.0;
    r.timeoutS = toSeconds(options.timeout);
    r.warmupS = toSeconds(options.warmup);
    r.seed = options.seed;
    const double planned = toSeconds(options.schedule.totalDuration());
    r.targetRps = options.schedule.totalExpectedCount() / planned / options.shareCount;
    return r;
}

void addResourceUsage(LoadResult& r, std::int64_t startNs) {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    r.cpuUserS = timevalSeconds(usage.ru_utime);
    r.cpuSystemS = timevalSeconds(usage.ru_stime);
    r.wallS = seconds(monotonicNowNs() - startNs);
}

void printResult(const LoadgenOptions& options, const LoadResult& result) {
    if (options.json)
        std::cout << resultToJson(result).dump(2) << std::endl;
    else
        std::cout << resultToText(result) << std::flush;
}

// Signals, --progress and the end of the run, on worker 0's event loop.
class RunControl {
public:
    RunControl(const LoadgenOptions& options, std::vector<std::unique_ptr<LoadWorker>>& workers, SharedRunState& shared,
               RunTiming timing)
        : options_(options)
        , workers_(workers)
        , shared_(shared)
        , timing_(timing)
        , signals_(workers.front()->io(), SIGINT, SIGTERM)
        , progressTimer_(workers.front()->io()) {
        signals_.async_wait([this](const boost::system::error_code& error, int) {
            if (error || allFinished_)
                return;
            stopped_ = true;
            for (auto& worker : workers_)
                worker->requestStop();
        });
        shared_.onAllFinished = [this] {
            asio::post(workers_.front()->io(), [this] {
                // A timer or signal handler may already be queued (cancel() cannot reach it): the flag stops it.
                allFinished_ = true;
                boost::system::error_code ignored;
                signals_.cancel(ignored);
                progressTimer_.cancel();
                if (options_.progress)
                    printProgress();
            });
        };
        if (options_.progress)
            armProgress();
    }
    bool stopped() const { return stopped_; }

private:
    void armProgress() {
        progressTimer_.expires_after(std::chrono::milliseconds(250));
        progressTimer_.async_wait([this](const boost::system::error_code& error) {
            if (error || allFinished_)
                return;
            printProgress();
            armProgress();
        });
    }

    void printProgress() {
        const std::int64_t now = monotonicNowNs();
        const bool warmup = now < timing_.measureStartNs;
        ProgressLine line;
        line.elapsedS = seconds(now - timing_.measureStartNs);
        line.durationS = seconds(timing_.measureEndNs - timing_.measureStartNs);
        line.phase = warmup ? "warmup" : now < timing_.measureEndNs ? "measure" : "drain";
        RequestCounters counters;
        LatencyHistogram latency;
        for (auto& slot : shared_.progress) {
            std::lock_guard lock(slot->mutex);
            counters.add(warmup ? slot->snapshot.warmup : slot->snapshot.measured);
            latency.merge(warmup ? slot->snapshot.warmupLatency : slot->snapshot.measuredLatency);
            line.inFlight += slot->snapshot.inFlight;
        }
        line.due = counters.due;
        line.sent = counters.sent;
        line.completed = counters.completed;
        line.errors = counters.errors();
        line.p50Ms = static_cast<double>(latency.valueAtPercentile(50)) / 1000.0;
        line.p99Ms = static_cast<double>(latency.valueAtPercentile(99)) / 1000.0;
        std::cerr << progressLineJson(line) << '\n' << std::flush;
    }

    const LoadgenOptions& options_;
    std::vector<std::unique_ptr<LoadWorker>>& workers_;
    SharedRunState& shared_;
    RunTiming timing_;
    asio::signal_set signals_;
    asio::steady_timer progressTimer_;
    bool stopped_ = false;
    bool allFinished_ = false;
};

// The server's address: the first IPv4 one the name resolves to (else the first). Empty with `error` set when it
// does not resolve.
std::optional<tcp::endpoint> resolveEndpoint(const HttpUrl& url, std::string& error) {
    asio::io_context io;
    tcp::resolver resolver(io);
    boost::system::error_code resolveError;
    const auto endpoints = resolver.resolve(url.host, std::to_string(url.port), resolveError);
    if (resolveError || endpoints.empty()) {
        error = resolveError.message();
        return std::nullopt;
    }
    for (const auto& entry : endpoints)
        if (entry.endpoint().address().is_v4())
            return entry.endpoint();
    return endpoints.begin()->endpoint();
}

std::string addressText(const tcp::endpoint& endpoint) {
    return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// When the schedule starts (after the threads had time to start, or at --start-at), and the measured window.
RunTiming runTimingFor(const LoadgenOptions& options) {
    RunTiming timing;
    timing.startNs = monotonicNowNs() + 20'000'000; // time for the threads to start
    if (options.startAtUnixMs > 0) {
        // The same wall-clock instant on every generator host, on this process's monotonic clock.
        const auto nowUnixNs =
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        const std::int64_t untilStartNs = options.startAtUnixMs * 1'000'000 - nowUnixNs;
        if (untilStartNs < 20'000'000) // the other generators are already sending: this one's arrivals are not theirs
            std::cerr << "loadscope-loadgen: warning: --start-at " << options.startAtUnixMs << " missed by "
                      << (20'000'000 - untilStartNs) / 1'000'000 << " ms: starting now, out of step with the other "
                      << "generators sharing the schedule\n";
        timing.startNs = std::max(timing.startNs, monotonicNowNs() + untilStartNs);
    }
    timing.measureStartNs = timing.startNs + options.warmup.count();
    timing.measureEndNs = timing.measureStartNs + options.schedule.totalDuration().count();
    timing.deadlineNs = timing.measureEndNs + options.timeout.count();
    return timing;
}

std::vector<std::unique_ptr<LoadWorker>> makeWorkers(const LoadgenOptions& options, const LoadSchedule& fullSchedule,
                                                     const tcp::endpoint& endpoint, const RunTiming& timing,
                                                     SharedRunState& shared) {
    std::vector<std::unique_ptr<LoadWorker>> workers;
    for (int i = 0; i < options.threads; ++i) {
        const int share = options.connections / options.threads + (i < options.connections % options.threads ? 1 : 0);
        workers.push_back(
            std::make_unique<LoadWorker>(options, fullSchedule, endpoint, timing, i, options.threads, share, shared));
    }
    return workers;
}

// Runs worker 0 on this thread and the others on their own until all are done.
void runWorkers(std::vector<std::unique_ptr<LoadWorker>>& workers) {
    for (auto& worker : workers)
        worker->start();
    // A sleeping loop wakes up when its timer is due, not up to 50 us later (the default timer slack; worker threads
    // inherit the setting).
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < workers.size(); ++i)
        threads.emplace_back([&worker = *workers[i]] { worker.run(); });
    workers.front()->run();
    for (auto& thread : threads)
        thread.join();
}

// The earlier of two instants where 0 means "none".
std::int64_t earliestNs(std::int64_t a, std::int64_t b) {
    return a == 0 ? b : b == 0 ? a : std::min(a, b);
}

struct WorkerTimes {
    std::int64_t firstResponseNs = 0; // 0: no response at all
    std::int64_t stoppedAtNs = 0;     // 0: not stopped by a signal
};

// The workers' counts and histograms added into `result`; the first response and the stop over all of them.
WorkerTimes gatherWorkers(const std::vector<std::unique_ptr<LoadWorker>>& workers, LoadResult& result) {
    WorkerTimes times;
    for (const auto& worker : workers) {
        times.firstResponseNs = earliestNs(times.firstResponseNs, worker->firstResponseNs());
        times.stoppedAtNs = earliestNs(times.stoppedAtNs, worker->stoppedAtNs());
        result.measured.merge(worker->measuredStats());
        result.peakInFlight += worker->peakInFlight();
        result.connectionsOpened += worker->connectionsOpened();
        for (const auto& [kind, message] : worker->firstErrors())
            result.firstErrors.emplace(kind, message);
    }
    return times;
}

// The measured duration (shorter when stopped by a signal) and the responses per second over it.
void measureDurationAndRate(const LoadgenOptions& options, const RunTiming& timing, const WorkerTimes& times,
                            LoadResult& result) {
    const double planned = toSeconds(options.schedule.totalDuration());
    result.durationS = planned;
    if (result.partial && times.stoppedAtNs != 0)
        result.durationS = std::clamp(seconds(times.stoppedAtNs - timing.measureStartNs), 0.0, planned);
    // Responses per second while responses could arrive: without a warm-up the first one comes one service time
    // after the start (a 50 ms handler at 1500 rps for 5 s would otherwise read as 1485 rps), so the window starts
    // with it. At most a tenth of the window is left out this way: a server that stalls for most of it must not look
    // fast for the moment it answered.
    const double servedS = result.durationS - std::clamp(seconds(times.firstResponseNs - timing.measureStartNs), 0.0,
                                                         0.1 * result.durationS);
    result.achievedRps = times.firstResponseNs != 0 && servedS > 0
                             ? static_cast<double>(result.measured.counters.completedInWindow) / servedS
                             : 0.0;
}

// One timeline entry per measured second, no more (the drain's quiet seconds go) and no fewer, each with what this
// generator's share of the schedule planned for it.
void completeTimeline(const LoadgenOptions& options, std::vector<TimelineEntry> entries, LoadResult& result) {
    result.timeline = std::move(entries);
    const int measuredSeconds = static_cast<int>(std::ceil(result.durationS - 1e-9));
    while (!result.timeline.empty()) {
        const auto& last = result.timeline.back();
        if (last.second < measuredSeconds || last.sent + last.completed + last.errors > 0)
            break;
        result.timeline.pop_back(); // quiet seconds of the drain
    }
    // Every measured second has its entry, also when the last requests were answered before the schedule's end.
    while (static_cast<int>(result.timeline.size()) < measuredSeconds) {
        TimelineEntry quiet;
        quiet.second = static_cast<int>(result.timeline.size());
        result.timeline.push_back(quiet);
    }
    for (auto& entry : result.timeline) {
        const auto from = std::chrono::seconds(entry.second);
        entry.scheduled =
            (options.schedule.expectedCount(from + std::chrono::seconds(1)) - options.schedule.expectedCount(from)) /
            options.shareCount;
    }
}

int finishRun(const LoadgenOptions& options, LoadResult& result, std::int64_t processStartNs) {
    addResourceUsage(result, processStartNs);
    printResult(options, result);
    if (!result.fatalError.empty())
        std::cerr << "loadscope-loadgen: " << result.fatalError << "\n";
    return result.fatalError.empty() ? kExitDone : kExitNoConnection;
}

} // namespace

int runLoadgen(const LoadgenOptions& options) {
    const std::int64_t processStartNs = monotonicNowNs();
    LoadResult result = resultSkeleton(options);

    std::string resolveError;
    const auto endpoint = resolveEndpoint(options.url, resolveError);
    if (!endpoint) {
        std::cerr << "loadscope-loadgen: --url: cannot resolve host \"" << options.url.host << "\": " << resolveError
                  << "\n";
        return kExitBadArguments;
    }
    if (const auto problem = probeConnection(*endpoint, options.timeout); !problem.empty()) {
        result.fatalError = "could not connect to " + addressText(*endpoint) + ": " + problem;
        result.firstErrors["connect"] = problem;
        return finishRun(options, result, processStartNs);
    }

    const LoadSchedule fullSchedule = options.schedule.withWarmup(options.warmup);
    const RunTiming timing = runTimingFor(options);
    SharedRunState shared(options.threads, options.progress);
    auto workers = makeWorkers(options, fullSchedule, *endpoint, timing, shared);
    RunControl control(options, workers, shared, timing);
    runWorkers(workers);

    const WorkerTimes times = gatherWorkers(workers, result);
    result.partial = control.stopped();
    measureDurationAndRate(options, timing, times, result);
    completeTimeline(options, shared.timeline.entries(), result);
    assessGenerator(result);
    if (result.connectionsOpened == 0 && result.measured.counters.connectErrors + result.measured.counters.due > 0 &&
        !result.partial)
        result.fatalError = "no connection to " + addressText(*endpoint) + " succeeded during the run";
    return finishRun(options, result, processStartNs);
}

} // namespace loadscope::loadgen
