#pragma once
// SearchFields: the Launcher's knee-search settings (shown when the plan's mode is "search"): where the search
// starts (automatic, or a rate), the resolution it bisects to, and a time budget (none, or minutes). The other
// search settings (growth, probe duration, probes per rate, highest rate) are kept as the plan or preset set them;
// docs/plan.md describes every one.

#include "benchmark_plan.h"

#include <QWidget>

class QCheckBox;
class QDoubleSpinBox;

namespace loadscope {

class SearchFields : public QWidget {
    Q_OBJECT
public:
    explicit SearchFields(QWidget* parent = nullptr);

    void setSettings(const SearchSettings& settings);
    // The settings as the fields say, the others as setSettings() last gave them.
    SearchSettings settings() const;

    QDoubleSpinBox* startSpin() const { return start_; }
    QCheckBox* startAutoBox() const { return startAuto_; }
    QDoubleSpinBox* resolutionSpin() const { return resolution_; }
    QDoubleSpinBox* budgetSpin() const { return budget_; }

signals:
    void changed();

private:
    SearchSettings kept_;
    QCheckBox* startAuto_ = nullptr;
    QDoubleSpinBox* start_ = nullptr;
    QDoubleSpinBox* resolution_ = nullptr; // percent
    QDoubleSpinBox* budget_ = nullptr;     // minutes; 0: no budget
};

} // namespace loadscope
