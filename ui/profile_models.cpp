#include "profile_models.h"

#include "flame_layout.h"

#include <QColor>

namespace loadscope {

namespace {
QString percentText(double share) {
    return QStringLiteral("%1 %").arg(100.0 * share, 0, 'f', 1);
}
} // namespace

TopFunctionsModel::TopFunctionsModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void TopFunctionsModel::setProfile(const FoldedProfile& profile) {
    beginResetModel();
    rows_ = functionTotals(profile);
    endResetModel();
}

int TopFunctionsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int TopFunctionsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TopFunctionsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const auto& r = rows_[static_cast<std::size_t>(index.row())];
    const auto column = static_cast<Column>(index.column());
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        if (column == Function)
            return QString::fromStdString(r.name);
        if (role == Qt::ToolTipRole)
            return tr("%1 samples (%2 in the function itself)").arg(r.totalSamples).arg(r.selfSamples);
        return percentText(column == Self ? r.selfShare : r.totalShare);
    }
    if (role == kProfileSortRole)
        return column == Function ? QVariant(QString::fromStdString(r.name))
                                  : QVariant(column == Self ? r.selfShare : r.totalShare);
    if (role == Qt::TextAlignmentRole && column != Function)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::DecorationRole && column == Function) {
        const auto c = packageColor(r.name);
        return QColor(c.r, c.g, c.b);
    }
    return {};
}

QVariant TopFunctionsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Function:
        return tr("Function");
    case Self:
        return tr("Self");
    case Total:
        return tr("Total");
    }
    return {};
}

FunctionDifferenceModel::FunctionDifferenceModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void FunctionDifferenceModel::setProfiles(const FoldedProfile& base, const FoldedProfile& profile) {
    beginResetModel();
    rows_ = functionDifferences(base, profile);
    endResetModel();
}

int FunctionDifferenceModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int FunctionDifferenceModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FunctionDifferenceModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const auto& r = rows_[static_cast<std::size_t>(index.row())];
    const auto column = static_cast<Column>(index.column());
    if (role == Qt::DisplayRole) {
        switch (column) {
        case Function:
            return QString::fromStdString(r.name);
        case Base:
            return percentText(r.baseTotalShare);
        case This:
            return percentText(r.totalShare);
        case Change:
            return QString::fromStdString(pointsText(r.totalDelta()));
        case ColumnCount:
            break;
        }
    }
    if (role == kProfileSortRole) {
        switch (column) {
        case Function:
            return QString::fromStdString(r.name);
        case Base:
            return r.baseTotalShare;
        case This:
            return r.totalShare;
        case Change:
            return r.totalDelta();
        case ColumnCount:
            break;
        }
    }
    if (role == Qt::TextAlignmentRole && column != Function)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::BackgroundRole && column == Change) {
        const auto c = differenceColor(r.totalDelta());
        return QColor(c.r, c.g, c.b);
    }
    if (role == Qt::ToolTipRole)
        return tr("%1: %2 of busy samples in the base, %3 here (%4 points)")
            .arg(QString::fromStdString(r.name), percentText(r.baseTotalShare), percentText(r.totalShare),
                 QString::fromStdString(pointsText(r.totalDelta())));
    return {};
}

QVariant FunctionDifferenceModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Function:
        return tr("Function");
    case Base:
        return tr("Base");
    case This:
        return tr("This");
    case Change:
        return tr("Change (points)");
    }
    return {};
}

} // namespace loadscope
