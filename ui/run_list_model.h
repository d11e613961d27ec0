#pragma once
// RunListModel: every run of the database as a table row (History). Holds RunSummary values; no store access.

#include "run_types.h"

#include <QAbstractTableModel>

#include <vector>

namespace loadscope {

class RunListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Columns {
        NameColumn,
        CreatedColumn,
        TargetsColumn,
        ScenarioColumn,
        RatesColumn,
        StatusColumn,
        KneeColumn,
        StepsColumn,
        TagsColumn,
        ColumnCount
    };
    enum Roles {
        RunIdRole = Qt::UserRole, // qint64
        NameRole,                 // QString
        CreatedRole,              // QDateTime (local time)
        TargetsRole,              // QStringList
        ScenarioRole,             // QString
        RatesRole,                // QList<double>
        StatusRole,               // QString: "completed", "failed", ...
        KneeRole,                 // QVariantMap: target -> knee in requests/s (absent: no knee)
        TagsRole,                 // QStringList
        SortRole,                 // what the column sorts by (numbers for dates, rates, steps)
    };

    explicit RunListModel(QObject* parent = nullptr);

    // Replaces every row (one model reset).
    void setRuns(std::vector<RunSummary> runs);
    const std::vector<RunSummary>& runs() const { return runs_; }
    const RunSummary* runAt(int row) const;
    int rowOfRun(qint64 runId) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "500, 1000 ... 3000 (11)" for long lists.
    static QString ratesText(const std::vector<double>& rates);
    // "aiohttp 1500 · tornado 1000" (targets without a knee: "–").
    static QString kneeText(const RunSummary& run);
    // One cell of `run` per role, as data() gives it: the text shown, what the column sorts by, the tooltip.
    static QString displayText(const RunSummary& run, int column);
    static QVariant sortKey(const RunSummary& run, int column);
    static QString toolTip(const RunSummary& run, int column);
    // The value of one of the Roles above (the same in every column); an empty QVariant for other roles.
    static QVariant fieldValue(const RunSummary& run, int role);

private:
    std::vector<RunSummary> runs_;
};

} // namespace loadscope
