#pragma once
// Chart a. Latency vs RPS: one curve per target per chosen percentile (from merged histograms), the min-max band of
// the repetitions, markers on steps with errors, generator or connection limits, the SLO line and each knee.

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
    void addKneeMarkers();
    void addFlagMarkers(const LatencyCurve& curve, QCPGraph* owner);
    QCPGraph* markerKindEntry(int kind);
    double xOf(const LatencyPoint& point) const;

    std::vector<LatencyCurve> curves_;
    QHash<QString, QCPGraph*> seriesOwner_; // series label -> the graph whose legend entry stands for it
    QCPGraph* markerKinds_[4] = {};
};

} // namespace loadscope
