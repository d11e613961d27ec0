#pragma once
// LiveRunStepModel: the steps of the run in progress, one row per finished step (target, rate, repetition, status,
// achieved rate, p50 / p99, errors, server CPU, flags), in execution order.

#include "run_types.h"

#include <QAbstractTableModel>

#include <vector>

namespace loadscope {

class LiveRunStepModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        SequenceColumn,
        TargetColumn,
        RateColumn,
        RepetitionColumn,
        StatusColumn,
        AchievedColumn,
        P50Column,
        P99Column,
        ErrorsColumn,
        ServerCpuColumn,
        FlagsColumn,
        ColumnCount
    };
    enum Role {
        StepStatusRole = Qt::UserRole, // QString: "ok", "failed", "skipped", "cancelled"
        SortRole,                      // the raw number behind a formatted cell
    };

    explicit LiveRunStepModel(QObject* parent = nullptr);

    void clear();
    void addStep(const Step& step);
    const std::vector<Step>& steps() const { return steps_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // One cell of `step` per role, as data() gives it.
    static QVariant displayValue(const Step& step, Column column);
    static QVariant sortValue(const Step& step, Column column);
    static QVariant toolTip(const Step& step, Column column);

private:
    static QString statusName(const Step& step); // "ok", "failed", ...
    static bool isTextColumn(Column column);     // aligned left; the numbers right

    std::vector<Step> steps_; // without histograms, timelines or log tails: only what the table shows
};

} // namespace loadscope
