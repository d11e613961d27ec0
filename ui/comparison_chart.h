#pragma once
// Chart d. Comparison at one rate: for every series a p50 bar and a p99 bar (merged histograms), each with the
// spread of the repetitions as an error bar; series that did not measure the rate say why in their slot.

#include "results_chart.h"

namespace loadscope {

class ComparisonChart : public ResultsChart {
    Q_OBJECT
public:
    explicit ComparisonChart(QWidget* parent = nullptr);
    ChartKind kind() const override { return ChartKind::Comparison; }
    QString csv() const override;
    const std::vector<ComparisonBar>& bars() const { return bars_; }

protected:
    void build() override;
    void applyDefaultRanges() override;

private:
    std::vector<ComparisonBar> bars_;
    int slots_ = 0;
};

} // namespace loadscope
