#pragma once
// The Results page's "Is the difference real?" tab: pick two series (two targets, or one target in two runs) and
// read their verdict per rate and for the knees (PairDifferenceModel); with several runs, every target's knee per run
// as a grid (KneeGridModel). Everything from the analysis library, worded as `loadscope compare` prints it.

#include "chart_data.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QTableView;

namespace loadscope {

class KneeGridModel;
class PairDifferenceModel;

class DifferencePanel : public QWidget {
    Q_OBJECT
public:
    explicit DifferencePanel(QWidget* parent = nullptr);
    void setDataset(std::shared_ptr<const ResultsDataset> data);
    // Compares series `a` with series `b` (indices into data->series()).
    void setPair(int a, int b);
    PairDifferenceModel* pairModel() const { return pairModel_; }
    KneeGridModel* kneeGridModel() const { return gridModel_; }
    QTableView* gridView() const { return gridView_; }

private:
    void update();

    std::shared_ptr<const ResultsDataset> data_;
    QComboBox* first_;
    QComboBox* second_;
    QLabel* summary_;
    QTableView* pairView_;
    PairDifferenceModel* pairModel_;
    QLabel* gridTitle_;
    QTableView* gridView_;
    KneeGridModel* gridModel_;
};

} // namespace loadscope
