#pragma once
// Chart e. Server resources against rate: CPU % of one core (top; whiskers = spread of repetitions) and peak RSS
// (bottom), per series.

#include "results_chart.h"

namespace loadscope {

class ResourcesChart : public ResultsChart {
    Q_OBJECT
public:
    explicit ResourcesChart(QWidget* parent = nullptr);
    ChartKind kind() const override { return ChartKind::Resources; }
    QString csv() const override;
    const std::vector<ResourceSeries>& series() const { return series_; }

protected:
    void build() override;
    void applyDefaultRanges() override;

private:
    // The steps of build(): the memory panel under the CPU panel, then one target's graphs on both.
    void addMemoryPanel(QCPAxisRect* cpuRect);
    void addSeriesGraphs(const ResourceSeries& series, QCPAxisRect* cpuRect);

    std::vector<ResourceSeries> series_;
    QCPAxisRect* memoryRect_ = nullptr;
};

} // namespace loadscope
