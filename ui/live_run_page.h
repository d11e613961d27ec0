#pragma once
// LiveRunPage: what a run is doing while it goes. A progress bar with ETA, the current step, a live chart of achieved
// requests per second and p50 / p99 per second, the latency-vs-rate chart filling in as steps finish, the finished
// steps, the servers' and the generator's logs, and Cancel (asks first; the run stops within 1 s). When the run is
// over it offers "Show results" (showResultsRequested) and names each target's knee.
//
// The page owns the RunController; nothing here blocks the GUI thread: the run reports by queued, throttled signals
// and the charts redraw at most 4 times a second.

#include "benchmark_plan.h"
#include "benchmark_runner.h"
#include "live_search_progress.h"
#include "run_types.h"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

class QHBoxLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTableView;
class QTimer;

namespace loadscope {

class LiveLatencyChart;
class LiveRunLogView;
class LiveRunStepModel;
class LiveTimelineChart;
class RunController;
class TargetCatalog;
struct StepProgress;

class LiveRunPage : public QWidget {
    Q_OBJECT
public:
    explicit LiveRunPage(QWidget* parent = nullptr);
    ~LiveRunPage() override;

    // Starts `plan`; false (with the reason shown on the page) when a run is already going.
    bool start(const BenchmarkPlan& plan, const TargetCatalog& catalog, const BenchmarkRunner::Options& options);
    bool isRunning() const;
    // For the main window's close event. True: nothing runs, close now. Otherwise asks "cancel the run and quit?";
    // on yes it cancels and closes the window once the run has stopped (children stopped, run marked cancelled).
    // Returns false in both of those cases: the caller ignores this close event.
    bool confirmClose();
    // Asks, then cancels. Returns whether the user confirmed.
    bool askAndCancel();

    RunController* controller() const { return controller_; }
    qint64 lastRunId() const { return lastRunId_; }
    std::optional<RunStatus> lastStatus() const { return lastStatus_; }

    // For tests and screenshots.
    LiveTimelineChart* timelineChart() const { return timeline_; }
    LiveLatencyChart* latencyChart() const { return latencyChart_; }
    LiveRunStepModel* stepModel() const { return steps_; }
    LiveRunLogView* logView() const { return log_; }
    QProgressBar* progressBar() const { return progress_; }
    QPushButton* cancelButton() const { return cancelButton_; }
    QPushButton* showResultsButton() const { return showResultsButton_; }
    QString statusText() const;
    QString currentStepText() const;
    QString kneeText() const;
    // A knee search's probes so far: "aiohttp: 4 probes, bracket [1125-1687] · ..." (empty for a sweep).
    QString searchText() const;

signals:
    void runningChanged(bool running);
    // The run ended and is stored (completed, with failures, or cancelled): History should show it.
    void runStored(qint64 runId);
    void showResultsRequested(qint64 runId);
    void newRunRequested();

private:
    // The steps of the constructor.
    void createStatusLines();
    QHBoxLayout* createButtons();
    QSplitter* createChartsAndTabs();
    void setUpStepView();
    void connectControls();
    void onRunStarted(const Run& run, int totalSteps);
    void onStepStarted(const Step& step, int index, int totalSteps);
    void onStepProgress(const Step& step, const StepProgress& progress);
    void onStepFinished(const Step& step);
    void onRunFinished(qint64 runId, RunStatus status);
    void onFailed(const QString& message);
    void updateProgress();
    void loadKnees(qint64 runId);
    double runSeconds() const;
    void setStatus(const QString& text, bool problem = false);
    bool isSearch() const { return plan_.mode == PlanMode::Search; }
    // "<b>Step 2 of 4</b>: aiohttp at 1000 req/s, repetition 1 of 3" or, for a search (no fixed step count),
    // "<b>Probe 2</b> at 1000 req/s: aiohttp (bracket [500-?])".
    QString stepHeading(const Step& step, int index) const;

    RunController* controller_ = nullptr;
    LiveTimelineChart* timeline_ = nullptr;
    LiveLatencyChart* latencyChart_ = nullptr;
    LiveRunStepModel* steps_ = nullptr;
    QTableView* stepView_ = nullptr;
    LiveRunLogView* log_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* currentStep_ = nullptr;
    QLabel* knees_ = nullptr;
    QLabel* searchLine_ = nullptr; // a search's brackets so far
    LiveSearchProgress search_;
    QProgressBar* progress_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QPushButton* showResultsButton_ = nullptr;
    QPushButton* newRunButton_ = nullptr;
    QTimer* tick_ = nullptr; // 1 s: progress bar and ETA between reports

    BenchmarkPlan plan_;
    std::filesystem::path databasePath_;
    QElapsedTimer runClock_;
    int totalSteps_ = 0;
    int finishedSteps_ = 0;
    int currentStepIndex_ = 0;     // 1-based number of the step going (its sequence), as `loadscope show` numbers it
    int measuredSteps_ = 0;        // finished steps that ran (not skipped)
    double lastFinishSeconds_ = 0; // run time when the last measured step finished
    double currentStepStart_ = -1; // run time when the current step started; -1: none
    double estimatePerStepS_ = 0;
    qint64 lastRunId_ = 0;
    std::optional<RunStatus> lastStatus_;
    bool closeWhenStopped_ = false;
    int kneeGeneration_ = 0;
};

} // namespace loadscope
