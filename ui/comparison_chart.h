#pragma once
// Chart d. Comparison at one rate: for every series a p50 bar and a p99 bar (merged histograms), the p99 with its
// bootstrap interval as whiskers; grouped by target, several runs' bars side by side, told apart by hatching; series
// that did not measure the rate say why in their slot.

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
    void addBars(const ComparisonBar& bar, double x, std::optional<double> limit);
    void addEmptySlotNote(double x, const MeasurementGroup* group);

    std::vector<ComparisonBar> bars_;
    std::vector<double> slotX_; // the x of each slot, in seriesByTarget order
};

} // namespace loadscope
