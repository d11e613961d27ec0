#pragma once
// The controls above the Results charts: percentiles, x axis (requested or achieved rate), log scale, bands, the rate
// of the single-rate charts, extra spectrum steps, the timeline's repetition; each shown only for the charts it
// affects.

#include "results_chart.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QMenu;
class QToolButton;

namespace loadscope {

class ChartOptionsBar : public QWidget {
    Q_OBJECT
public:
    explicit ChartOptionsBar(QWidget* parent = nullptr);

    // Fills the rate and repetition choices from `data` and picks its default rate.
    void setDataset(const ResultsDataset& data);
    void setChartKind(ChartKind kind);
    ChartOptions options() const { return options_; }
    void setPercentiles(const std::vector<Percentile>& percentiles);
    QToolButton* percentileButton(Percentile p) const;
    QComboBox* rateBox() const { return rate_; }
    QToolButton* exportButton() const { return export_; }

signals:
    void optionsChanged(const loadscope::ChartOptions& options);
    void resetViewRequested();

private:
    // The steps of the constructor.
    void addPercentileButtons();
    void describeControls();
    void connectControls();
    void fillRepetitions();
    void emitChanged();

    ChartOptions options_;
    const ResultsDataset* data_ = nullptr;
    QWidget* percentileGroup_;
    std::vector<std::pair<Percentile, QToolButton*>> percentiles_;
    QComboBox* xAxis_;
    QCheckBox* log_;
    QCheckBox* bands_;
    QLabel* rateLabel_;
    QComboBox* rate_;
    QToolButton* spectrumRates_;
    QMenu* spectrumMenu_;
    QLabel* repetitionLabel_;
    QComboBox* repetition_;
    QToolButton* reset_;
    QToolButton* export_;
};

} // namespace loadscope
