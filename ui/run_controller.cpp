#include "run_controller.h"

#include <QDeadlineTimer>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace loadscope {

namespace {
// Registered once so queued connections and QSignalSpy can carry our value types.
const int kMetaTypesRegistered = [] {
    qRegisterMetaType<loadscope::Run>();
    qRegisterMetaType<loadscope::Step>();
    qRegisterMetaType<loadscope::StepProgress>();
    qRegisterMetaType<loadscope::RunStatus>();
    return 0;
}();
} // namespace

// What the worker hands to the GUI thread. Everything is guarded by `mutex`; the worker only ever holds it for a
// copy, so the GUI thread never waits on the run.
struct RunController::Mailbox {
    struct Event {
        enum class Kind { RunStarted, StepStarted, StepFinished, WorkerDone } kind = Kind::RunStarted;
        Run run;
        Step step;
        int index = 0;
        int total = 0;
        std::int64_t runId = 0;
        RunStatus status = RunStatus::Running;
        bool threw = false;
        std::string error;
    };

    std::mutex mutex;
    std::deque<Event> events;
    std::optional<std::pair<Step, StepProgress>> progress; // the latest only: progress is coalesced
    std::deque<std::pair<std::string, std::string>> logs;  // (source, line), bounded
    std::int64_t droppedLogLines = 0;
    bool wakePosted = false;
    std::atomic<bool> workerDone{false};
};

struct RunController::Worker {
    std::thread thread;
    std::mutex runnerMutex;
    BenchmarkRunner* runner = nullptr; // lives on the worker's stack while run() goes
    std::atomic<bool> cancelRequested{false};
};

// Lives on the worker thread; each callback copies into the mailbox and returns at once.
class RunController::ObserverBridge : public RunObserver {
public:
    ObserverBridge(std::shared_ptr<Mailbox> mailbox, RunController* owner)
        : mailbox_(std::move(mailbox))
        , owner_(owner) {}

    void runStarted(const Run& run, int totalSteps) override {
        Mailbox::Event event;
        event.kind = Mailbox::Event::Kind::RunStarted;
        event.run = run;
        event.total = totalSteps;
        post(std::move(event));
    }
    void stepStarted(const Step& step, int index, int totalSteps) override {
        Mailbox::Event event;
        event.kind = Mailbox::Event::Kind::StepStarted;
        event.step = step;
        event.index = index;
        event.total = totalSteps;
        post(std::move(event));
    }
    void stepProgress(const Step& step, const StepProgress& progress) override {
        std::lock_guard lock(mailbox_->mutex);
        mailbox_->progress.emplace(step, progress);
    }
    void stepFinished(const Step& step) override {
        Mailbox::Event event;
        event.kind = Mailbox::Event::Kind::StepFinished;
        event.step = step;
        post(std::move(event));
    }
    void logLine(std::string_view source, std::string_view line) override {
        std::lock_guard lock(mailbox_->mutex);
        if (static_cast<int>(mailbox_->logs.size()) >= kMaxPendingLogLines) {
            mailbox_->logs.pop_front();
            ++mailbox_->droppedLogLines;
        }
        mailbox_->logs.emplace_back(std::string(source), std::string(line));
    }

    // Rare events: queued in order and the GUI woken at once. A step boundary makes any pending progress stale.
    void post(Mailbox::Event event) {
        bool wake = false;
        {
            std::lock_guard lock(mailbox_->mutex);
            mailbox_->progress.reset();
            mailbox_->events.push_back(std::move(event));
            wake = !mailbox_->wakePosted;
            mailbox_->wakePosted = true;
        }
        if (wake)
            QMetaObject::invokeMethod(owner_, &RunController::drain, Qt::QueuedConnection);
    }

private:
    std::shared_ptr<Mailbox> mailbox_;
    RunController* owner_; // outlives this bridge: the controller joins the worker before it is destroyed
};

RunController::RunController(QObject* parent)
    : QObject(parent)
    , drainTimer_(new QTimer(this)) {
    (void)kMetaTypesRegistered;
    drainTimer_->setInterval(250);
    drainTimer_->setTimerType(Qt::CoarseTimer);
    connect(drainTimer_, &QTimer::timeout, this, &RunController::drain);
}

RunController::~RunController() {
    if (!worker_)
        return;
    cancel();
    if (worker_->thread.joinable())
        worker_->thread.join();
}

void RunController::setProgressIntervalMs(int ms) {
    drainTimer_->setInterval(ms);
}

int RunController::progressIntervalMs() const {
    return drainTimer_->interval();
}

bool RunController::start(const BenchmarkPlan& plan, const TargetCatalog& catalog,
                          const BenchmarkRunner::Options& options) {
    if (worker_)
        return false;
    plan_ = plan;
    runId_ = 0;
    mailbox_ = std::make_shared<Mailbox>();
    worker_ = std::make_unique<Worker>();

    Worker* worker = worker_.get();
    worker->thread = std::thread([this, worker, mailbox = mailbox_, plan, catalog, options] {
        ObserverBridge bridge(mailbox, this);
        Mailbox::Event done;
        done.kind = Mailbox::Event::Kind::WorkerDone;
        try {
            BenchmarkRunner runner(plan, catalog, options, &bridge);
            {
                std::lock_guard lock(worker->runnerMutex);
                worker->runner = &runner;
                if (worker->cancelRequested)
                    runner.requestCancel();
            }
            // Cleared before `runner` goes away, whether run() returns or throws.
            struct Detach {
                Worker* worker;
                ~Detach() {
                    std::lock_guard lock(worker->runnerMutex);
                    worker->runner = nullptr;
                }
            } detach{worker};
            done.runId = runner.run();
            done.status = runner.finalStatus();
        } catch (const std::exception& error) {
            done.threw = true;
            done.error = error.what();
        } catch (...) {
            done.threw = true;
            done.error = "the runner stopped with an unknown error";
        }
        mailbox->workerDone = true;
        bridge.post(std::move(done));
    });
    drainTimer_->start();
    emit runningChanged(true);
    return true;
}

bool RunController::isRunning() const {
    return worker_ != nullptr;
}

void RunController::cancel() {
    if (!worker_)
        return;
    std::lock_guard lock(worker_->runnerMutex);
    worker_->cancelRequested = true;
    if (worker_->runner)
        worker_->runner->requestCancel();
}

bool RunController::isCancelRequested() const {
    return worker_ && worker_->cancelRequested;
}

bool RunController::waitForFinished(int timeoutMs) {
    if (!worker_)
        return true;
    const QDeadlineTimer deadline(timeoutMs);
    while (!mailbox_->workerDone && !deadline.hasExpired())
        QThread::msleep(10);
    if (!mailbox_->workerDone)
        return false;
    drain(); // emits the last signals and joins the worker
    return worker_ == nullptr;
}

void RunController::drain() {
    if (!mailbox_)
        return;
    std::deque<Mailbox::Event> events;
    std::deque<std::pair<std::string, std::string>> logs;
    std::optional<std::pair<Step, StepProgress>> progress;
    std::int64_t dropped = 0;
    {
        std::lock_guard lock(mailbox_->mutex);
        events.swap(mailbox_->events);
        logs.swap(mailbox_->logs);
        progress.swap(mailbox_->progress);
        std::swap(dropped, mailbox_->droppedLogLines);
        mailbox_->wakePosted = false;
    }
    if (dropped > 0)
        emit logLine(QStringLiteral("gui"), tr("(%1 earlier log lines dropped: too many at once)").arg(dropped));
    for (const auto& [source, line] : logs)
        emit logLine(QString::fromStdString(source), QString::fromStdString(line));

    // `progress` is newer than every event taken with it (a step boundary clears it), so it goes last.
    for (auto& event : events) {
        switch (event.kind) {
        case Mailbox::Event::Kind::RunStarted:
            runId_ = event.run.id;
            emit runStarted(event.run, event.total);
            break;
        case Mailbox::Event::Kind::StepStarted:
            emit stepStarted(event.step, event.index, event.total);
            break;
        case Mailbox::Event::Kind::StepFinished:
            emit stepFinished(event.step);
            break;
        case Mailbox::Event::Kind::WorkerDone:
            finishWorker();
            if (event.threw) {
                emit failed(QString::fromStdString(event.error));
            } else {
                if (event.runId != 0)
                    runId_ = event.runId;
                emit runFinished(runId_, event.status);
            }
            return; // always the last event of a run
        }
    }
    if (progress)
        emit stepProgress(progress->first, progress->second);
}

void RunController::finishWorker() {
    drainTimer_->stop();
    if (worker_ && worker_->thread.joinable())
        worker_->thread.join(); // returns at once: the worker posted its last event on its way out
    worker_.reset();
    emit runningChanged(false);
}

} // namespace loadscope
