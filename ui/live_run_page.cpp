#include "live_run_page.h"

#include "background_job.h"
#include "live_run_charts.h"
#include "live_run_log_view.h"
#include "live_run_step_model.h"
#include "plan_format.h"
#include "run_analysis.h"
#include "run_controller.h"
#include "run_store.h"
#include "target_definition.h"

#include <QCloseEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace loadscope {

namespace {
constexpr auto kStatusProblemStyle = "color: #d55e00;";

QString statusWords(RunStatus status) {
    switch (status) {
    case RunStatus::Completed:
        return QObject::tr("completed");
    case RunStatus::CompletedWithFailures:
        return QObject::tr("completed, with failed steps");
    case RunStatus::Failed:
        return QObject::tr("failed");
    case RunStatus::Cancelled:
        return QObject::tr("cancelled");
    case RunStatus::Interrupted:
        return QObject::tr("interrupted");
    case RunStatus::Running:
        return QObject::tr("running");
    }
    return {};
}

// The knees of a stored run, read on a pool thread with its own read-only connection.
struct KneeAnswer {
    QString text;
    QString error;
};
} // namespace

LiveRunPage::LiveRunPage(QWidget* parent)
    : QWidget(parent)
    , controller_(new RunController(this))
    , timeline_(new LiveTimelineChart(this))
    , latencyChart_(new LiveLatencyChart(this))
    , steps_(new LiveRunStepModel(this))
    , log_(new LiveRunLogView(this))
    , tick_(new QTimer(this)) {
    createStatusLines();
    QHBoxLayout* buttons = createButtons();
    auto* header = new QHBoxLayout;
    header->addWidget(title_);
    header->addStretch(1);
    QSplitter* split = createChartsAndTabs();

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(status_);
    layout->addWidget(progress_);
    layout->addWidget(currentStep_);
    layout->addWidget(searchLine_);
    layout->addWidget(knees_);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);
    connectControls();
}

// The title, the run's status, its progress, the step under way, the search's state and the knees found.
void LiveRunPage::createStatusLines() {
    title_ = new QLabel(tr("<h2>Live run</h2>"), this);
    status_ = new QLabel(tr("No run yet: set one up on the Launcher page and press Run."), this);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setFormat(tr("idle"));
    progress_->setTextVisible(true);
    currentStep_ = new QLabel(this);
    currentStep_->setWordWrap(true);
    knees_ = new QLabel(this);
    knees_->setWordWrap(true);
    knees_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    knees_->hide();
    searchLine_ = new QLabel(this);
    searchLine_->setWordWrap(true);
    searchLine_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    searchLine_->hide();
}

QHBoxLayout* LiveRunPage::createButtons() {
    cancelButton_ = new QPushButton(tr("Cancel run…"), this);
    cancelButton_->setEnabled(false);
    cancelButton_->setToolTip(tr("Stop the run within a second; finished steps stay stored"));
    showResultsButton_ = new QPushButton(tr("Show results"), this);
    showResultsButton_->setEnabled(false);
    newRunButton_ = new QPushButton(tr("New run…"), this);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(cancelButton_);
    buttons->addStretch(1);
    buttons->addWidget(newRunButton_);
    buttons->addWidget(showResultsButton_);
    return buttons;
}

// The two live charts side by side above the finished steps and the logs.
QSplitter* LiveRunPage::createChartsAndTabs() {
    auto* charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(timeline_);
    charts->addWidget(latencyChart_);
    charts->setStretchFactor(0, 1);
    charts->setStretchFactor(1, 1);
    // Room for the rate axis' labels and the legend: the splitter would otherwise hand it a sliver.
    latencyChart_->setMinimumWidth(360);
    charts->setChildrenCollapsible(false);

    setUpStepView();
    tabs_ = new QTabWidget(this);
    tabs_->addTab(stepView_, tr("Finished steps"));
    tabs_->addTab(log_, tr("Logs"));

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(charts);
    split->addWidget(tabs_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({600, 300}); // the charts are what is watched: most of the height, the table below
    split->setChildrenCollapsible(false);
    return split;
}

void LiveRunPage::setUpStepView() {
    stepView_ = new QTableView(this);
    stepView_->setModel(steps_);
    stepView_->verticalHeader()->hide();
    stepView_->verticalHeader()->setDefaultSectionSize(stepView_->fontMetrics().height() + 6);
    // Numbers take their contents' width (fitted as rows land, onStepFinished); the status (with its message)
    // takes what is left, so the table spans its width. A model reset forgets per-section modes: set again.
    auto stretchStatus = [this] {
        stepView_->horizontalHeader()->setSectionResizeMode(LiveRunStepModel::StatusColumn, QHeaderView::Stretch);
    };
    stretchStatus();
    connect(steps_, &QAbstractItemModel::modelReset, this, stretchStatus);
    stepView_->horizontalHeader()->setMinimumSectionSize(
        stepView_->fontMetrics().horizontalAdvance(QLatin1String("MMMM")));
    stepView_->setSelectionBehavior(QAbstractItemView::SelectRows);
    stepView_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    stepView_->setAlternatingRowColors(true);
    stepView_->setWordWrap(false);
}

// The buttons and the run controller's signals.
void LiveRunPage::connectControls() {
    tick_->setInterval(1000);
    tick_->setTimerType(Qt::CoarseTimer);
    connect(tick_, &QTimer::timeout, this, &LiveRunPage::updateProgress);
    connect(cancelButton_, &QPushButton::clicked, this, [this] { askAndCancel(); });
    connect(showResultsButton_, &QPushButton::clicked, this, [this] {
        if (lastRunId_ > 0)
            emit showResultsRequested(lastRunId_);
    });
    connect(newRunButton_, &QPushButton::clicked, this, &LiveRunPage::newRunRequested);

    connect(controller_, &RunController::runningChanged, this, &LiveRunPage::runningChanged);
    connect(controller_, &RunController::runStarted, this, &LiveRunPage::onRunStarted);
    connect(controller_, &RunController::stepStarted, this, &LiveRunPage::onStepStarted);
    connect(controller_, &RunController::stepProgress, this, &LiveRunPage::onStepProgress);
    connect(controller_, &RunController::stepFinished, this, &LiveRunPage::onStepFinished);
    connect(controller_, &RunController::logLine, log_, &LiveRunLogView::appendLine);
    connect(controller_, &RunController::runFinished, this, &LiveRunPage::onRunFinished);
    connect(controller_, &RunController::failed, this, &LiveRunPage::onFailed);
}

LiveRunPage::~LiveRunPage() = default; // the controller (a child) cancels and joins a run still going

bool LiveRunPage::start(const BenchmarkPlan& plan, const TargetCatalog& catalog,
                        const BenchmarkRunner::Options& options) {
    if (controller_->isRunning()) {
        setStatus(tr("A run is already in progress: cancel it or wait for it to finish."), true);
        return false;
    }
    plan_ = plan;
    databasePath_ = options.databasePath;
    totalSteps_ = plannedStepCount(plan);
    finishedSteps_ = 0;
    measuredSteps_ = 0;
    lastFinishSeconds_ = 0;
    currentStepStart_ = -1;
    lastRunId_ = 0;
    lastStatus_.reset();
    ++kneeGeneration_;
    estimatePerStepS_ = totalSteps_ > 0 ? estimatedSeconds(plan) / totalSteps_ : 0;

    // Each target's SLO limits, as the runner resolves them (the plan's objective and the scenario's ideal latency).
    std::map<std::string, SloLimits> limits;
    for (const auto& name : plan.targets)
        if (const TargetDefinition* target = catalog.find(name))
            if (const Scenario* scenario = target->scenario(plan.scenario))
                limits[name] = resolveLimits(plan.slo, scenario->idealLatencyMs);
    // The SLO line: one line when the targets share a limit (the usual case), else one per target in its colour
    // (a 5 ms server judged against a 50 ms server's line looked fine while it broke its own).
    std::optional<double> sloLimit = plan.slo.p99MaxMs;
    std::map<std::string, double> otherLimits;
    if (!sloLimit && !plan.targets.empty() && limits.count(plan.targets.front())) {
        sloLimit = limits.at(plan.targets.front()).p99Ms;
        for (const auto& [name, limit] : limits)
            if (limit.p99Ms != *sloLimit)
                otherLimits[name] = limit.p99Ms;
    }
    const QString firstLabel =
        otherLimits.empty() || !sloLimit
            ? QString()
            : tr("SLO %1: %2 ms").arg(QString::fromStdString(plan.targets.front())).arg(*sloLimit, 0, 'g', 4);
    QStringList targets;
    for (const auto& name : plan.targets)
        targets << QString::fromStdString(name);
    search_.reset(plan.targets, limits);
    searchLine_->hide();
    searchLine_->clear();
    timeline_->clear();
    timeline_->setPlannedSeconds(estimatedSeconds(plan));
    latencyChart_->reset(targets, sloLimit, firstLabel);
    for (const auto& [name, limit] : otherLimits) {
        const QString target = QString::fromStdString(name);
        latencyChart_->addSloLine(limit, tr("SLO %1: %2 ms").arg(target).arg(limit, 0, 'g', 4),
                                  latencyChart_->colorOf(target));
    }
    steps_->clear();
    log_->clear();
    knees_->hide();
    knees_->clear();
    title_->setText(tr("<h2>Live run: %1</h2>")
                        .arg(QString::fromStdString(plan.name.empty() ? plan.scenario : plan.name).toHtmlEscaped()));
    currentStep_->setText(tr("Starting…"));
    progress_->setValue(0);
    progress_->setFormat(tr("%p% · estimated %1").arg(humanDuration(estimatedSeconds(plan))));
    showResultsButton_->setEnabled(false);
    runClock_.start();

    if (!controller_->start(plan, catalog, options)) {
        setStatus(tr("A run is already in progress."), true);
        return false;
    }
    setStatus(isSearch() ? tr("Starting the knee search…")
                         : tr("Starting the run (%1)…").arg(countOf(totalSteps_, "step", "steps")));
    cancelButton_->setEnabled(true);
    newRunButton_->setEnabled(false);
    tick_->start();
    return true;
}

bool LiveRunPage::isRunning() const {
    return controller_->isRunning();
}

bool LiveRunPage::askAndCancel() {
    if (!controller_->isRunning())
        return false;
    const auto answer =
        QMessageBox::question(this, tr("Cancel the run?"),
                              tr("Stop the run now? The step in progress is discarded; finished steps stay stored "
                                 "and the run is marked cancelled."),
                              QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer != QMessageBox::Yes || !controller_->isRunning())
        return false;
    controller_->cancel();
    cancelButton_->setEnabled(false);
    setStatus(tr("Cancelling: stopping the server and the load generator…"));
    return true;
}

bool LiveRunPage::confirmClose() {
    if (!controller_->isRunning())
        return true;
    const auto answer =
        QMessageBox::question(window(), tr("A run is in progress"),
                              tr("A benchmark run is in progress. Cancel it and quit? Finished steps stay stored."),
                              QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer == QMessageBox::Yes && controller_->isRunning()) {
        closeWhenStopped_ = true;
        controller_->cancel();
        cancelButton_->setEnabled(false);
        setStatus(tr("Cancelling the run before quitting…"));
    }
    return false;
}

double LiveRunPage::runSeconds() const {
    return runClock_.isValid() ? static_cast<double>(runClock_.elapsed()) / 1000.0 : 0.0;
}

void LiveRunPage::setStatus(const QString& text, bool problem) {
    status_->setText(text);
    status_->setStyleSheet(problem ? QLatin1String(kStatusProblemStyle) : QString());
}

void LiveRunPage::onRunStarted(const Run& run, int totalSteps) {
    lastRunId_ = run.id;
    totalSteps_ = totalSteps;
    const QString name = QString::fromStdString(run.name).toHtmlEscaped();
    title_->setText(tr("<h2>Live run: %1</h2>").arg(name));
    // A search has no fixed step count: the runner's total is only an estimate, so it is not shown.
    setStatus(isSearch() ? tr("Run #%1 is going: %2.").arg(run.id).arg(QString::fromStdString(describeSearch(plan_)))
                         : tr("Run #%1 is going: %2.").arg(run.id).arg(countOf(totalSteps, "step", "steps")));
}

QString LiveRunPage::stepHeading(const Step& step, int index) const {
    const QString target = QString::fromStdString(step.targetName).toHtmlEscaped();
    if (isSearch()) {
        const QString bracket = QString::fromStdString(search_.bracketText(step.targetName));
        return tr("<b>Probe %1</b> at %2: %3%4")
            .arg(index)
            .arg(humanRate(step.requestedRps), target,
                 bracket.isEmpty() ? QString() : tr(" (bracket so far %1)").arg(bracket));
    }
    return tr("<b>Step %1 of %2</b>: %3 at %4, repetition %5 of %6")
        .arg(index)
        .arg(totalSteps_)
        .arg(target, humanRate(step.requestedRps))
        .arg(step.repetition)
        .arg(std::max(1, plan_.repetitions));
}

void LiveRunPage::onStepStarted(const Step& step, int index, int totalSteps) {
    totalSteps_ = totalSteps;
    currentStepIndex_ = index;
    currentStepStart_ = runSeconds();
    currentStep_->setText(tr("%1 — starting").arg(stepHeading(step, index)));
    updateProgress();
}

void LiveRunPage::onStepProgress(const Step& step, const StepProgress& progress) {
    QString phase;
    if (progress.elapsedS < 0)
        phase = tr("warming up (%1 s left)").arg(-progress.elapsedS, 0, 'f', 0);
    else
        phase = tr("measuring %1 of %2 s · %3 sent · p50 %4 · p99 %5%6")
                    .arg(progress.elapsedS, 0, 'f', 0)
                    .arg(progress.durationS, 0, 'f', 0)
                    .arg(QLocale().toString(static_cast<qlonglong>(progress.sent)), humanLatency(progress.p50Ms),
                         humanLatency(progress.p99Ms),
                         progress.errors > 0
                             ? tr(" · %1").arg(countOf(static_cast<long long>(progress.errors), "error", "errors"))
                             : QString());
    currentStep_->setText(tr("%1 — %2").arg(stepHeading(step, currentStepIndex_), phase));
    timeline_->addProgress(step, progress, runSeconds());
}

void LiveRunPage::onStepFinished(const Step& step) {
    ++finishedSteps_;
    if (step.status != StepStatus::Skipped) {
        ++measuredSteps_;
        lastFinishSeconds_ = runSeconds();
    }
    currentStepStart_ = -1;
    steps_->addStep(step);
    stepView_->scrollToBottom();
    for (int column = 0; column < LiveRunStepModel::ColumnCount; ++column)
        if (column != LiveRunStepModel::StatusColumn)
            stepView_->resizeColumnToContents(column); // a later target's name may be longer than the first one's
    timeline_->finishStep(step, runSeconds());
    latencyChart_->addStep(step);
    if (isSearch()) {
        search_.addProbe(step);
        searchLine_->setText(tr("Search so far: %1").arg(QString::fromStdString(search_.summary()).toHtmlEscaped()));
        searchLine_->setVisible(search_.totalProbes() > 0);
    }
    updateProgress();
}

void LiveRunPage::updateProgress() {
    if (!controller_->isRunning() || totalSteps_ <= 0)
        return;
    const double now = runSeconds();
    if (isSearch()) {
        // No step count to go by: the share of the estimate (the time budget, when the plan sets one).
        const double planned = std::max(1.0, estimatedSeconds(plan_));
        progress_->setValue(static_cast<int>(std::min(0.99, now / planned) * 1000));
        progress_->setFormat(tr("%1 elapsed · a search, about %2 at most")
                                 .arg(humanDuration(now), humanDuration(std::max(0.0, planned - now))));
        return;
    }
    const double perStep = measuredSteps_ > 0 ? lastFinishSeconds_ / measuredSteps_ : estimatePerStepS_;
    double current = 0;
    if (currentStepStart_ >= 0 && perStep > 0)
        current = std::min(0.95, (now - currentStepStart_) / perStep);
    const double done = std::clamp((finishedSteps_ + current) / totalSteps_, 0.0, 1.0);
    const double remaining = std::max(0.0, (totalSteps_ - finishedSteps_ - current) * perStep);
    progress_->setValue(static_cast<int>(done * 1000));
    progress_->setFormat(tr("%p% · %1 elapsed · about %2 left").arg(humanDuration(now), humanDuration(remaining)));
}

void LiveRunPage::onRunFinished(qint64 runId, RunStatus status) {
    tick_->stop();
    lastRunId_ = runId;
    lastStatus_ = status;
    cancelButton_->setEnabled(false);
    newRunButton_->setEnabled(true);
    showResultsButton_->setEnabled(runId > 0);
    if (status == RunStatus::Completed)
        progress_->setValue(1000);
    progress_->setFormat(tr("%p% · %1 · took %2").arg(statusWords(status), humanDuration(runSeconds())));
    currentStep_->setText(
        isSearch() ? tr("%1 finished.").arg(countOf(finishedSteps_, "probe", "probes"))
                   : tr("%1 of %2 finished.").arg(finishedSteps_).arg(countOf(totalSteps_, "step", "steps")));
    const bool problem = status == RunStatus::Failed || status == RunStatus::CompletedWithFailures;
    setStatus(tr("Run #%1 %2. Stored in %3.")
                  .arg(runId)
                  .arg(statusWords(status), QString::fromStdString(databasePath_.string())),
              problem);
    if (runId > 0) {
        loadKnees(runId);
        emit runStored(runId);
    }
    if (closeWhenStopped_) {
        closeWhenStopped_ = false;
        QTimer::singleShot(0, window(), &QWidget::close);
    }
}

void LiveRunPage::onFailed(const QString& message) {
    tick_->stop();
    cancelButton_->setEnabled(false);
    newRunButton_->setEnabled(true);
    lastStatus_ = RunStatus::Failed;
    progress_->setFormat(tr("not run"));
    currentStep_->clear();
    setStatus(tr("The run could not go: %1").arg(message), true);
    if (lastRunId_ > 0)
        emit runStored(lastRunId_);
    if (closeWhenStopped_) {
        closeWhenStopped_ = false;
        QTimer::singleShot(0, window(), &QWidget::close);
    }
}

void LiveRunPage::loadKnees(qint64 runId) {
    const int generation = kneeGeneration_;
    const std::filesystem::path path = databasePath_;
    auto readKnees = [path, runId] {
        KneeAnswer answer;
        try {
            const RunStore store = RunStore::open(path, RunStore::OpenMode::ReadOnly);
            auto run = store.loadRun(runId);
            if (!run)
                return answer;
            store.loadHistograms(run->steps);
            // The knees as Results and `loadscope show` state them: the analysis library's intervals.
            answer.text = QString::fromStdString(kneeVerdictLine(analyzeRun(*run))).toHtmlEscaped();
        } catch (const std::exception& error) {
            answer.error = QString::fromUtf8(error.what());
        }
        return answer;
    };
    runInBackground(this, readKnees, [this, generation](const KneeAnswer& answer) {
        if (generation != kneeGeneration_)
            return; // a newer run started meanwhile
        const QString text =
            answer.error.isEmpty() ? answer.text : tr("Could not read the knees: %1").arg(answer.error);
        knees_->setText(text.isEmpty()
                            ? QString()
                            : tr("<b>Knees</b> (req/s the SLO holds up to; the interval in brackets): %1").arg(text));
        knees_->setVisible(!text.isEmpty());
    });
}

QString LiveRunPage::statusText() const {
    return status_->text();
}

QString LiveRunPage::currentStepText() const {
    return currentStep_->text();
}

QString LiveRunPage::searchText() const {
    return searchLine_->isHidden() ? QString() : searchLine_->text();
}

QString LiveRunPage::kneeText() const {
    return knees_->isHidden() ? QString() : knees_->text();
}

} // namespace loadscope
