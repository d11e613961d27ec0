#pragma once
// Chart a. Latency vs RPS: one curve per target per chosen percentile (from merged histograms), the p99's bootstrap
// interval as error bars, the min-max band of the repetitions (off by default), markers where a flag could change
// the verdict, the SLO line, each knee with its interval, and a knee search's final bracket.

#include "results_chart.h"

namespace loadscope {

class LatencyRpsChart : public ResultsChart {
    Q_OBJECT
public:
    explicit LatencyRpsChart(QWidget* parent = nullptr);
    ChartKind kind() const override { return ChartKind::LatencyVsRps; }
    QString csv() const override;
    // The curves as drawn (for tests and CSV).
    const std::vector<LatencyCurve>& curves() const { return curves_; }

protected:
    void build() override;
    void applyDefaultRanges() override;

private:
    // The steps of build(): per curve its graph (with hover), the p99's interval bars, the band and the flags; then
    // the SLO lines, the search brackets, the knees, the marker kinds' legend entries and the off-scale note.
    void addCurve(const LatencyCurve& curve, const std::vector<Percentile>& percentiles);
    QCPGraph* addCurveGraph(const LatencyCurve& curve, bool main);
    std::function<QString(int)> pointTooltip(const LatencyCurve& curve, const QVector<double>& keys) const;
    // The min-max of the repetitions as a shaded band behind `owner`.
    void addMinMaxBand(const LatencyCurve& curve, QCPGraph* owner);
    void addSloLines();
    void moveMarkerKindsToLegendEnd();
    void addCurvesOffScaleNote();
    void addKneeMarkers();
    // The p99's bootstrap interval as error bars on the points that have one (>= 3 repetitions).
    void addIntervalBars(const LatencyCurve& curve, QCPGraph* owner);
    // Knee searches: the final bracket (highest rate held, lowest broken, with confidence) as a shaded span.
    void addSearchBrackets();
    // How many knee labels stack above the data (the rows applyDefaultRanges keeps free).
    int kneeLabelRows() const;
    void addFlagMarkers(const LatencyCurve& curve, QCPGraph* owner);
    QCPGraph* markerKindEntry(int kind);
    double xOf(const LatencyPoint& point) const;

    std::vector<LatencyCurve> curves_;
    QHash<QString, QCPGraph*> seriesOwner_; // series label -> the graph whose legend entry stands for it
    QCPGraph* markerKinds_[4] = {};
};

} // namespace loadscope
