#pragma once
// "Is the difference real?" as tables, from the analysis library (analysis/run_analysis.h compareTargets, the
// rules the CLI's compare and check print):
// - PairDifferenceModel: two series (two targets, or one target in two runs): a row for the knees, then one per rate
//   both measured, with the verdict symbol and words, the p99s, the ratio with its interval and p-value, and the
//   note ("3 repetitions each cannot show p < 0.05; use 4+").
// - KneeGridModel: several runs compared: targets x runs, each cell the knee with its interval and its verdict
//   against the first run's.

#include "chart_data.h"

#include <QAbstractTableModel>

#include <vector>

namespace loadscope {

class PairDifferenceModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        RateColumn,
        SymbolColumn,
        WordsColumn,
        FirstColumn,
        SecondColumn,
        NumbersColumn,
        NoteColumn,
        ColumnCount
    };
    explicit PairDifferenceModel(QObject* parent = nullptr);

    // Compares series `a` with series `b` (indices into data->series()); nothing with a null dataset or a = b.
    void setPair(std::shared_ptr<const ResultsDataset> data, std::size_t a, std::size_t b);
    const PairVerdict& verdict() const { return verdict_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The verdict in words, "first" and "second" being the two series' labels.
    static QString kneeWords(const KneeComparison& knee, const QString& first, const QString& second);
    static QString rateWords(const RateComparison& rate, const QString& first, const QString& second);

private:
    QVariant kneeRow(int column, int role) const;
    QVariant rateRow(const RateComparison& rate, int column, int role) const;

    std::shared_ptr<const ResultsDataset> data_;
    const TargetAnalysis* first_ = nullptr;
    const TargetAnalysis* second_ = nullptr;
    QString firstLabel_, secondLabel_;
    PairVerdict verdict_;
};

class KneeGridModel : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit KneeGridModel(QObject* parent = nullptr);
    void setDataset(std::shared_ptr<const ResultsDataset> data);

    int rowCount(const QModelIndex& parent = {}) const override;    // targets
    int columnCount(const QModelIndex& parent = {}) const override; // runs
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const KneeEstimate* kneeAt(int row, int column) const;
    std::shared_ptr<const ResultsDataset> data_;
};

} // namespace loadscope
