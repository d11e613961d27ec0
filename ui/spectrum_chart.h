#pragma once
// Chart b. The percentile spectrum (HDR plot): latency against the percentile on a "nines" axis, 50 % to 99.999 %,
// one curve per series and chosen step, from the merged histogram of the step's repetitions.

#include "results_chart.h"

namespace loadscope {

class SpectrumChart : public ResultsChart {
    Q_OBJECT
public:
    explicit SpectrumChart(QWidget* parent = nullptr);
    ChartKind kind() const override { return ChartKind::Spectrum; }
    QString csv() const override;
    const std::vector<SpectrumCurve>& curves() const { return curves_; }
    // The rates drawn: the focus rate and the extra ones chosen.
    std::vector<double> chosenRates() const;

protected:
    void build() override;
    void applyDefaultRanges() override;

private:
    // The steps of build(): one graph per curve (with its hover), then the off-scale note and the SLO lines.
    void addCurveGraph(const SpectrumCurve& curve, const std::vector<double>& rates);
    void addSpectrumMarkers();

    std::vector<SpectrumCurve> curves_;
};

} // namespace loadscope
