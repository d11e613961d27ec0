#pragma once
// Chart c. The timeline of one step: the achieved rate of every second (top) and that second's p50 and p99
// (bottom), for every series at the focus rate and the chosen repetition.

#include "results_chart.h"

namespace loadscope {

class TimelineChart : public ResultsChart {
    Q_OBJECT
public:
    explicit TimelineChart(QWidget* parent = nullptr);
    ChartKind kind() const override { return ChartKind::Timeline; }
    QString csv() const override;
    const std::vector<TimelineSeries>& series() const { return series_; }
    // The repetition shown: the chosen one when it was measured at the focus rate, else the first that was.
    int shownRepetition() const;

protected:
    void build() override;
    void applyDefaultRanges() override;

private:
    // The steps of build(): the latency panel under the rate panel, one target's graphs, the requested rate's line,
    // the off-scale note and the SLO line.
    void addLatencyPanel(QCPAxisRect* rateRect);
    void addSeriesGraphs(const TimelineSeries& series, QCPAxisRect* rateRect);
    std::function<QString(int)> secondTooltip(const QString& label, const std::vector<TimelinePoint>& points) const;
    void addRequestedRateLine(QCPAxisRect* rateRect, double rate);
    void addLatencyMarkers();

    std::vector<TimelineSeries> series_;
    QCPAxisRect* latencyRect_ = nullptr;
};

} // namespace loadscope
