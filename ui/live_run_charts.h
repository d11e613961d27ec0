#pragma once
// The Live run page's two charts. They are deliberately simple and cheap: data is appended as the run reports it and
// redraws are batched by a single-shot timer (at most one replot per interval, 250 ms by default: <= 4 per second),
// with QCustomPlot::rpQueuedReplot so several triggers in one event-loop pass draw once.
//
// LiveTimelineChart: achieved requests per second and p50 / p99 latency over the run's wall time. While a step
//   measures, points come from the generator's progress reports (one per second); when the step finishes they are
//   replaced by the step's exact per-second timeline as stored.
// LiveLatencyChart: p50 and p99 latency against the requested rate, one colour per target, filling in as steps finish.
//   Repetitions of one rate show their highest value (the live view is a first look; Results merges histograms).

#include "chart_palette.h"
#include "run_observer.h"
#include "run_types.h"

#include <qcustomplot.h>

#include <QColor>
#include <QStringList>

#include <map>
#include <optional>
#include <vector>

class QTimer;

namespace loadscope {

// Axis, grid and background colours from the widget's palette (light and dark alike).
void applyLivePalette(QCustomPlot* plot);

class BatchedReplotChart : public QCustomPlot {
    Q_OBJECT
public:
    explicit BatchedReplotChart(QWidget* parent = nullptr);
    // Asks for a redraw; it happens once the batching interval has passed since the last one.
    void scheduleReplot();
    void setReplotIntervalMs(int ms);
    // How many batched redraws happened (tests check the rate).
    int batchedReplotCount() const { return batchedReplots_; }

protected:
    // Rescales the axes to the data, just before the batched redraw.
    virtual void updateRanges() = 0;
    void changeEvent(QEvent* event) override;

private:
    QTimer* replotTimer_ = nullptr;
    int batchedReplots_ = 0;
};

class LiveTimelineChart : public BatchedReplotChart {
    Q_OBJECT
public:
    explicit LiveTimelineChart(QWidget* parent = nullptr);
    void clear();
    // The run's expected length: the time axis spans it from the start (a 21 s run is not drawn on a 1:00 axis).
    void setPlannedSeconds(double seconds);
    // `runSeconds`: wall seconds since the run started, when this progress arrived.
    void addProgress(const Step& step, const StepProgress& progress, double runSeconds);
    // Replaces the step's live points by its stored per-second timeline.
    void finishStep(const Step& step, double runSeconds);
    // Data points of one series (tests): 0 requested, 1 achieved, 2 p50, 3 p99.
    int pointCount(int series) const;

protected:
    void updateRanges() override;

private:
    struct StepTrack {
        int sequence = -1;
        double origin = 0;      // run seconds at which the step's measured part began
        double lastElapsed = 0; // of the last plotted point
        std::int64_t lastCompleted = 0;
        bool started = false;
    };
    void addGap();
    QCPGraph* requested_ = nullptr;
    QCPGraph* achieved_ = nullptr;
    QCPGraph* p50_ = nullptr;
    QCPGraph* p99_ = nullptr;
    StepTrack track_;
    double latestKey_ = 0;
    double plannedSeconds_ = 60;
};

class LiveLatencyChart : public BatchedReplotChart {
    Q_OBJECT
public:
    explicit LiveLatencyChart(QWidget* parent = nullptr);
    // The targets of the run (their colours are TargetColors', as on every other chart) and the SLO's p99 limit (none:
    // no line).
    // `sloLabel` replaces the line's default label ("SLO: p99 ≤ 75 ms"), e.g. to say whose limit it is when the
    // targets' limits differ.
    void reset(const QStringList& targets, std::optional<double> sloP99Ms, const QString& sloLabel = {});
    // One more SLO line, in a target's colour, when the targets' limits differ (a 5 ms server and a 50 ms one).
    void addSloLine(double p99Ms, const QString& label, const QColor& colour);
    int sloLineCount() const;
    void addStep(const Step& step);
    // Targets with at least one plotted rate: one curve (p99, with its p50 companion) each.
    int curveCount() const;
    QStringList plottedTargets() const;
    QColor colorOf(const QString& target) const { return colors_.color(target); }

protected:
    void updateRanges() override;

private:
    struct TargetCurves {
        QCPGraph* p99 = nullptr;
        QCPGraph* p50 = nullptr;
        std::map<double, std::pair<double, double>> byRate; // rate -> (highest p50, highest p99) over repetitions
    };
    TargetCurves& curvesFor(const QString& target);
    QStringList targets_;
    TargetColors colors_;
    std::map<QString, TargetCurves> curves_;
    QCPItemStraightLine* sloLine_ = nullptr;
    QCPItemText* sloLabel_ = nullptr;
    std::optional<double> sloP99Ms_;
    std::vector<std::pair<QCPItemStraightLine*, QCPItemText*>> extraSlo_;
    std::vector<double> extraSloMs_;
};

} // namespace loadscope
