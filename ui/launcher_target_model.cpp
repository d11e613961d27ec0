#include "launcher_target_model.h"

#include "plan_future.h"

#include <QBrush>
#include <QFuture>
#include <QPalette>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <memory>

namespace loadscope {

namespace {
// Probes mostly wait for child processes (python3 -c "import x", version commands): a pool of their own, wider than
// the number of cores, so eight targets are checked in about the time of two and the global pool stays free.
QThreadPool* probePool() {
    static QThreadPool* pool = [] {
        auto* created = new QThreadPool;
        created->setMaxThreadCount(4);
        created->setExpiryTimeout(10000);
        return created;
    }();
    return pool;
}

QStringList toStringList(const std::vector<std::string>& items) {
    QStringList list;
    list.reserve(static_cast<qsizetype>(items.size()));
    for (const auto& item : items)
        list << QString::fromStdString(item);
    return list;
}
} // namespace

LauncherTargetModel::LauncherTargetModel(QObject* parent)
    : QAbstractTableModel(parent)
    , liveGeneration_(std::make_shared<std::atomic<int>>(0)) {}

LauncherTargetModel::~LauncherTargetModel() {
    ++*liveGeneration_; // queued probes of this model skip their work
}

void LauncherTargetModel::setCatalog(const TargetCatalog& catalog) {
    const QStringList previouslyChecked = checkedTargets();
    beginResetModel();
    catalog_ = catalog;
    rows_.clear();
    for (const auto& definition : catalog_.targets()) {
        Row row;
        row.definition = definition;
        row.checked = previouslyChecked.contains(QString::fromStdString(definition.name));
        rows_.push_back(std::move(row));
    }
    ++generation_;
    *liveGeneration_ = generation_;
    endResetModel();
    startProbes();
    emit checkedTargetsChanged();
}

void LauncherTargetModel::startProbes() {
    pendingPreflights_ = static_cast<int>(rows_.size());
    if (pendingPreflights_ == 0) {
        emit preflightFinished();
        return;
    }
    const int generation = generation_;
    const std::shared_ptr<std::atomic<int>> live = liveGeneration_;
    for (int row = 0; row < static_cast<int>(rows_.size()); ++row) {
        const TargetDefinition definition = rows_[static_cast<std::size_t>(row)].definition;
        // Preflight runs `python3 -c "import x"` and friends: never on the GUI thread. Work queued for a catalog
        // that was replaced meanwhile is skipped rather than done and dropped.
        auto checkTarget = [definition, live, generation] {
            return *live == generation ? preflight(definition) : PreflightResult{};
        };
        auto probe = [definition, live, generation] {
            return *live == generation ? QString::fromStdString(probeVersion(definition)) : QString();
        };
        whenFinished(this, QtConcurrent::run(probePool(), checkTarget),
                     [this, generation, row, probe](const PreflightResult& result) {
                         applyPreflight(generation, row, result);
                         if (generation != generation_ || !result.ok)
                             return;
                         whenFinished(this, QtConcurrent::run(probePool(), probe),
                                      [this, generation, row](const QString& version) {
                                          applyVersion(generation, row, version);
                                      });
                     });
    }
}

void LauncherTargetModel::applyPreflight(int generation, int row, const PreflightResult& result) {
    if (generation != generation_ || row >= static_cast<int>(rows_.size()))
        return; // an answer about an earlier catalog
    Row& target = rows_[static_cast<std::size_t>(row)];
    target.availability = result.ok ? Availability::Ready : Availability::Unavailable;
    target.problems = toStringList(result.problems);
    bool uncheck = false;
    if (!result.ok) {
        target.versionPending = false;
        uncheck = target.checked;
        target.checked = false;
    }
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    if (uncheck)
        emit checkedTargetsChanged();
    if (--pendingPreflights_ == 0)
        emit preflightFinished();
}

void LauncherTargetModel::applyVersion(int generation, int row, const QString& version) {
    if (generation != generation_ || row >= static_cast<int>(rows_.size()))
        return;
    Row& target = rows_[static_cast<std::size_t>(row)];
    target.versions = version;
    target.versionPending = false;
    emit dataChanged(index(row, VersionsColumn), index(row, VersionsColumn));
}

bool LauncherTargetModel::isRow(const QModelIndex& index) const {
    return index.isValid() && index.model() == this && !index.parent().isValid() && index.row() >= 0 &&
           index.row() < static_cast<int>(rows_.size()) && index.column() >= 0 && index.column() < ColumnCount;
}

int LauncherTargetModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int LauncherTargetModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LauncherTargetModel::data(const QModelIndex& index, int role) const {
    if (!isRow(index))
        return {};
    const Row& row = rows_[static_cast<std::size_t>(index.row())];
    const auto column = static_cast<Column>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(row, column);
    case Qt::CheckStateRole:
        if (column == NameColumn)
            return row.checked ? Qt::Checked : Qt::Unchecked;
        return {};
    case Qt::ToolTipRole:
        return toolTip(row);
    case Qt::ForegroundRole:
        if (column == StatusColumn && row.availability == Availability::Unavailable)
            return QBrush(QColor(0xD5, 0x5E, 0x00)); // Okabe-Ito vermillion: readable on light and dark
        if (column == StatusColumn && row.availability == Availability::Checking)
            return QPalette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    case TargetNameRole:
        return QString::fromStdString(row.definition.name);
    case AvailabilityRole:
        return static_cast<int>(row.availability);
    case ProblemsRole:
        return row.problems;
    case ScenariosRole: {
        QStringList names;
        for (const auto& scenario : row.definition.scenarios)
            names << QString::fromStdString(scenario.name);
        return names;
    }
    default:
        return {};
    }
}

QVariant LauncherTargetModel::displayValue(const Row& row, Column column) {
    switch (column) {
    case NameColumn:
        return QString::fromStdString(row.definition.name);
    case DisplayNameColumn:
        return QString::fromStdString(row.definition.displayName);
    case StatusColumn:
        switch (row.availability) {
        case Availability::Checking:
            return tr("checking…");
        case Availability::Ready:
            return tr("ready");
        case Availability::Unavailable:
            return row.problems.isEmpty() ? tr("unavailable") : row.problems.join(QStringLiteral("; "));
        }
        return {};
    case VersionsColumn:
        if (row.versionPending)
            return tr("probing…");
        return row.versions.isEmpty() && row.availability == Availability::Ready ? tr("(no version probe)")
                                                                                 : row.versions;
    case ColumnCount:
        break;
    }
    return {};
}

// The same in every column: why the target cannot run here, or what it is and where it is defined.
QVariant LauncherTargetModel::toolTip(const Row& row) {
    if (row.availability == Availability::Unavailable)
        return tr("%1 cannot run here:\n%2")
            .arg(QString::fromStdString(row.definition.name), row.problems.join(QLatin1Char('\n')));
    QString tip = QString::fromStdString(row.definition.description);
    const QString source = QString::fromStdString(row.definition.sourceFile.string());
    if (!source.isEmpty())
        tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) +
               (row.definition.builtIn ? tr("Built-in: %1") : tr("User definition: %1")).arg(source);
    return tip.isEmpty() ? QVariant() : QVariant(tip);
}

bool LauncherTargetModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::CheckStateRole || index.column() != NameColumn || !isRow(index))
        return false;
    Row& row = rows_[static_cast<std::size_t>(index.row())];
    const bool checked = value.toInt() == Qt::Checked;
    if (checked && row.availability == Availability::Unavailable)
        return false; // a failing target cannot be run
    if (row.checked == checked)
        return true;
    row.checked = checked;
    emit dataChanged(index, index, {Qt::CheckStateRole});
    emit checkedTargetsChanged();
    return true;
}

Qt::ItemFlags LauncherTargetModel::flags(const QModelIndex& index) const {
    if (!isRow(index))
        return Qt::NoItemFlags;
    const Row& row = rows_[static_cast<std::size_t>(index.row())];
    Qt::ItemFlags flags = Qt::ItemIsSelectable | Qt::ItemIsEnabled;
    if (row.availability == Availability::Unavailable)
        return Qt::ItemIsSelectable; // shown greyed, the tooltip says why
    if (index.column() == NameColumn)
        flags |= Qt::ItemIsUserCheckable;
    return flags;
}

QVariant LauncherTargetModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Target");
    case DisplayNameColumn:
        return tr("Server");
    case StatusColumn:
        return tr("Preflight");
    case VersionsColumn:
        return tr("Versions");
    default:
        return {};
    }
}

QStringList LauncherTargetModel::checkedTargets() const {
    QStringList names;
    for (const auto& row : rows_)
        if (row.checked)
            names << QString::fromStdString(row.definition.name);
    return names;
}

QStringList LauncherTargetModel::setCheckedTargets(const QStringList& names) {
    QStringList leftOut;
    for (const auto& name : names)
        if (rowOf(name) < 0 || availability(name) == Availability::Unavailable)
            leftOut << name;
    bool changed = false;
    for (int i = 0; i < static_cast<int>(rows_.size()); ++i) {
        Row& row = rows_[static_cast<std::size_t>(i)];
        const QString name = QString::fromStdString(row.definition.name);
        const bool checked = names.contains(name) && row.availability != Availability::Unavailable;
        if (row.checked != checked) {
            row.checked = checked;
            changed = true;
            emit dataChanged(index(i, NameColumn), index(i, NameColumn), {Qt::CheckStateRole});
        }
    }
    if (changed)
        emit checkedTargetsChanged();
    return leftOut;
}

int LauncherTargetModel::rowOf(const QString& name) const {
    const std::string key = name.toStdString();
    for (int i = 0; i < static_cast<int>(rows_.size()); ++i)
        if (rows_[static_cast<std::size_t>(i)].definition.name == key)
            return i;
    return -1;
}

LauncherTargetModel::Availability LauncherTargetModel::availability(const QString& name) const {
    const int row = rowOf(name);
    return row < 0 ? Availability::Unavailable : rows_[static_cast<std::size_t>(row)].availability;
}

QStringList LauncherTargetModel::problems(const QString& name) const {
    const int row = rowOf(name);
    return row < 0 ? QStringList{tr("no target named %1").arg(name)} : rows_[static_cast<std::size_t>(row)].problems;
}

bool LauncherTargetModel::isChecking() const {
    if (pendingPreflights_ > 0)
        return true;
    for (const auto& row : rows_)
        if (row.versionPending)
            return true;
    return false;
}

} // namespace loadscope
