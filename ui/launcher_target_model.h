#pragma once
// LauncherTargetModel: the targets of the catalog as a checklist for the Launcher. One row per target: name (the
// check box), display name, preflight status, versions. Preflight and version probes run on the thread pool when the
// catalog is set; their answers fill the rows as they come (stale answers of an earlier catalog are dropped by a
// generation counter). A target whose preflight failed says why (status column and tooltip) and cannot be checked.

#include "target_definition.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <atomic>
#include <memory>
#include <vector>

namespace loadscope {

class LauncherTargetModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, DisplayNameColumn, StatusColumn, VersionsColumn, ColumnCount };
    enum Role {
        TargetNameRole = Qt::UserRole, // QString: the target's unique name
        AvailabilityRole,              // int: Availability
        ProblemsRole,                  // QStringList: why preflight failed
        ScenariosRole,                 // QStringList: the scenario names the target defines
    };
    enum class Availability { Checking, Ready, Unavailable };
    Q_ENUM(Availability)

    explicit LauncherTargetModel(QObject* parent = nullptr);
    ~LauncherTargetModel() override;

    // Replaces the rows and starts preflight and version probes for every target. Checked names that still exist
    // stay checked (until their preflight fails).
    void setCatalog(const TargetCatalog& catalog);
    const TargetCatalog& catalog() const { return catalog_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Checked target names in catalog order.
    QStringList checkedTargets() const;
    // Checks exactly these names (unknown or unavailable ones are left out and returned).
    QStringList setCheckedTargets(const QStringList& names);
    int rowOf(const QString& name) const;
    Availability availability(const QString& name) const;
    QStringList problems(const QString& name) const;
    // True while any preflight or version probe is still running.
    bool isChecking() const;

signals:
    void checkedTargetsChanged();
    // All preflight checks of the current catalog are done (the version probes may still run).
    void preflightFinished();

private:
    struct Row {
        TargetDefinition definition;
        Availability availability = Availability::Checking;
        QStringList problems;
        QString versions;
        bool versionPending = true;
        bool checked = false;
    };
    bool isRow(const QModelIndex& index) const;
    // One cell of `row`, as data() gives it.
    static QVariant displayValue(const Row& row, Column column);
    static QVariant toolTip(const Row& row);
    void startProbes();
    void applyPreflight(int generation, int row, const PreflightResult& result);
    void applyVersion(int generation, int row, const QString& version);

    TargetCatalog catalog_;
    std::vector<Row> rows_;
    int generation_ = 0;
    std::shared_ptr<std::atomic<int>> liveGeneration_; // read by queued probes: skip work for a replaced catalog
    int pendingPreflights_ = 0;
};

} // namespace loadscope
