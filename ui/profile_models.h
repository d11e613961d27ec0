#pragma once
// The tables beside the flame graph: top functions of one profile (self and total share of busy samples), and the
// functions whose share changed most between two profiles. Sorting: sortRole gives numbers for the share columns.

#include "folded_profile.h"
#include "function_totals.h"

#include <QAbstractTableModel>

#include <vector>

namespace loadscope {

// Data under this role is the sortable value (a double for shares, the name for functions).
inline constexpr int kProfileSortRole = Qt::UserRole + 1;

class TopFunctionsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Function, Self, Total, ColumnCount };
    explicit TopFunctionsModel(QObject* parent = nullptr);
    void setProfile(const FoldedProfile& profile);
    const FunctionTotal& row(int r) const { return rows_.at(static_cast<std::size_t>(r)); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<FunctionTotal> rows_;
};

class FunctionDifferenceModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Function, Base, This, Change, ColumnCount };
    explicit FunctionDifferenceModel(QObject* parent = nullptr);
    void setProfiles(const FoldedProfile& base, const FoldedProfile& profile);
    const FunctionDifference& row(int r) const { return rows_.at(static_cast<std::size_t>(r)); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<FunctionDifference> rows_;
};

} // namespace loadscope
