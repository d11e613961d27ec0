#pragma once
// RunController: runs one BenchmarkRunner on a worker thread and turns its RunObserver callbacks (called on that
// thread) into Qt signals emitted on the controller's (GUI) thread.
//
// Why a dedicated std::thread rather than QtConcurrent: a run blocks for minutes, which would hold one of the global
// pool's few threads (the Results and History pages load on it), and the controller joins exactly its own worker on
// shutdown. Which thread runs the runner does not matter to the children: they are forked by the runner's launcher
// thread (runner/launcher_thread.h), so their PR_SET_PDEATHSIG means "Loadscope is gone", not "this thread ended".
//
// Throttling: the observer never posts progress or log lines itself. It leaves the latest progress and the pending
// log lines in a mailbox that a 250 ms timer on the GUI thread empties, so at most ~4 progress signals per second
// reach the GUI however often the generator reports. Rare events (run/step started/finished) wake the GUI at once,
// in order, and always before a later step's progress.

#include "benchmark_plan.h"
#include "benchmark_runner.h"
#include "run_observer.h"
#include "run_types.h"
#include "target_definition.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>

class QTimer;

namespace loadscope {

class RunController : public QObject {
    Q_OBJECT
public:
    explicit RunController(QObject* parent = nullptr);
    // Cancels a run still going and waits for its worker (children are stopped by the runner).
    ~RunController() override;

    // Starts `plan` on a new worker thread. Returns false (and emits nothing) when a run is already going.
    bool start(const BenchmarkPlan& plan, const TargetCatalog& catalog, const BenchmarkRunner::Options& options);
    bool isRunning() const;
    // Asks the runner to stop: the current step stops within 1 s and the run ends as cancelled. Never blocks.
    void cancel();
    bool isCancelRequested() const;
    // Blocks until the worker has finished and its last signals were emitted, at most `timeoutMs`. For shutdown and
    // tests only: the GUI waits for runFinished()/failed() instead.
    bool waitForFinished(int timeoutMs);

    // The plan of the current (or last) run.
    const BenchmarkPlan& plan() const { return plan_; }
    // The stored run's id once runStarted() was emitted, else 0.
    qint64 runId() const { return runId_; }
    // How often the mailbox is emptied while a run goes (default 250 ms: at most 4 progress signals a second).
    void setProgressIntervalMs(int ms);
    int progressIntervalMs() const;
    // Log lines kept in the mailbox between two drains; older ones are dropped and counted (a chatty server must not
    // flood the GUI).
    static constexpr int kMaxPendingLogLines = 2000;

signals:
    void runningChanged(bool running);
    void runStarted(const loadscope::Run& run, int totalSteps);
    void stepStarted(const loadscope::Step& step, int index, int totalSteps);
    // Coalesced: the latest progress of the current step, at most once per progress interval.
    void stepProgress(const loadscope::Step& step, const loadscope::StepProgress& progress);
    void stepFinished(const loadscope::Step& step);
    // source: "server:<target>", "loadgen", "runner" (and "gui" for lines the controller adds itself).
    void logLine(const QString& source, const QString& line);
    // The worker is done and joined: the run is stored with `status` (completed, cancelled, failed...).
    void runFinished(qint64 runId, loadscope::RunStatus status);
    // The run could not start or the runner threw (invalid plan, database not writable...). Nothing is running.
    void failed(const QString& message);

private:
    struct Mailbox;
    class ObserverBridge;

    void drain();
    void finishWorker();

    BenchmarkPlan plan_;
    qint64 runId_ = 0;
    std::shared_ptr<Mailbox> mailbox_;
    QTimer* drainTimer_ = nullptr;
    struct Worker;
    std::unique_ptr<Worker> worker_;
};

} // namespace loadscope

Q_DECLARE_METATYPE(loadscope::Run)
Q_DECLARE_METATYPE(loadscope::Step)
Q_DECLARE_METATYPE(loadscope::StepProgress)
Q_DECLARE_METATYPE(loadscope::RunStatus)
