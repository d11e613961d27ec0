#include "run_list_model.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QStringList>

#include <algorithm>

namespace loadscope {

namespace {

QString rateCell(double rate) {
    return QString::number(rate, 'g', 10);
}

QStringList toStringList(const std::vector<std::string>& values) {
    QStringList list;
    list.reserve(static_cast<qsizetype>(values.size()));
    for (const auto& v : values)
        list.append(QString::fromStdString(v));
    return list;
}

QColor statusColor(RunStatus status) {
    switch (status) {
    case RunStatus::Completed:
        return QColor(0, 158, 115);
    case RunStatus::CompletedWithFailures:
    case RunStatus::Cancelled:
    case RunStatus::Interrupted:
        return QColor(230, 159, 0);
    case RunStatus::Failed:
        return QColor(213, 94, 0);
    case RunStatus::Running:
        return QColor(0, 114, 178);
    }
    return {};
}

} // namespace

RunListModel::RunListModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void RunListModel::setRuns(std::vector<RunSummary> runs) {
    beginResetModel();
    runs_ = std::move(runs);
    endResetModel();
}

const RunSummary* RunListModel::runAt(int row) const {
    return row >= 0 && row < static_cast<int>(runs_.size()) ? &runs_[static_cast<std::size_t>(row)] : nullptr;
}

int RunListModel::rowOfRun(qint64 runId) const {
    for (std::size_t i = 0; i < runs_.size(); ++i)
        if (runs_[i].id == runId)
            return static_cast<int>(i);
    return -1;
}

int RunListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(runs_.size());
}

int RunListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString RunListModel::ratesText(const std::vector<double>& rates) {
    if (rates.empty())
        return {};
    if (rates.size() <= 4) {
        QStringList parts;
        for (double r : rates)
            parts << rateCell(r);
        return parts.join(QStringLiteral(", "));
    }
    // The span and the count, with no ellipsis of its own: the view adds one when the column is narrow, and two
    // ellipses ("1000, 1500 … …") read as a glitch. The tooltip lists every rate.
    return QStringLiteral("%1\u2013%2, %3 rates")
        .arg(rateCell(rates.front()), rateCell(rates.back()))
        .arg(rates.size());
}

QString RunListModel::kneeText(const RunSummary& run) {
    // Best first: the row answers "which one held more load?" by itself.
    std::vector<std::pair<std::string, std::optional<double>>> knees;
    for (const auto& target : run.targetNames) {
        const auto it = run.kneeRps.find(target);
        knees.emplace_back(target, it != run.kneeRps.end() ? it->second : std::nullopt);
    }
    std::stable_sort(knees.begin(), knees.end(),
                     [](const auto& a, const auto& b) { return a.second.value_or(-1) > b.second.value_or(-1); });
    QStringList parts;
    for (const auto& [target, knee] : knees)
        parts << QStringLiteral("%1 %2").arg(QString::fromStdString(target),
                                             knee ? rateCell(*knee) : QStringLiteral("\u2013"));
    return parts.join(QStringLiteral(" \u00b7 "));
}

QVariant RunListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= static_cast<int>(runs_.size()) || index.column() >= ColumnCount)
        return {};
    const RunSummary& run = runs_[static_cast<std::size_t>(index.row())];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayText(run, column);
    case SortRole:
        return sortKey(run, column);
    case Qt::ToolTipRole:
        return toolTip(run, column);
    case Qt::ForegroundRole:
        if (column == StatusColumn)
            return QBrush(statusColor(run.status));
        return {};
    case Qt::TextAlignmentRole:
        if (column == StepsColumn)
            return QVariant::fromValue<int>(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return fieldValue(run, role);
    }
}

QVariant RunListModel::fieldValue(const RunSummary& run, int role) {
    switch (role) {
    case RunIdRole:
        return QVariant::fromValue<qint64>(run.id);
    case NameRole:
        return QString::fromStdString(run.name);
    case CreatedRole:
        return QDateTime::fromMSecsSinceEpoch(run.createdMs);
    case TargetsRole:
        return toStringList(run.targetNames);
    case ScenarioRole:
        return QString::fromStdString(run.scenario);
    case RatesRole:
        return QVariant::fromValue(QList<double>(run.rates.begin(), run.rates.end()));
    case StatusRole:
        return QString::fromLatin1(toString(run.status).data());
    case KneeRole: {
        QVariantMap knees;
        for (const auto& [target, knee] : run.kneeRps)
            if (knee)
                knees.insert(QString::fromStdString(target), *knee);
        return knees;
    }
    case TagsRole:
        return toStringList(run.tags);
    default:
        return {};
    }
}

QString RunListModel::displayText(const RunSummary& run, int column) {
    switch (column) {
    case NameColumn:
        return QString::fromStdString(run.name);
    case CreatedColumn:
        return QDateTime::fromMSecsSinceEpoch(run.createdMs).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    case TargetsColumn:
        return toStringList(run.targetNames).join(QStringLiteral(", "));
    case ScenarioColumn:
        return QString::fromStdString(run.scenario);
    case RatesColumn:
        return ratesText(run.rates);
    case StatusColumn:
        return QString::fromLatin1(toString(run.status).data());
    case KneeColumn:
        return kneeText(run);
    case StepsColumn:
        return run.failedStepCount > 0 ? tr("%1 (%2 failed)").arg(run.stepCount).arg(run.failedStepCount)
                                       : QString::number(run.stepCount);
    case TagsColumn:
        return toStringList(run.tags).join(QStringLiteral(", "));
    }
    return {};
}

QVariant RunListModel::sortKey(const RunSummary& run, int column) {
    switch (column) {
    case CreatedColumn:
        return QVariant::fromValue<qint64>(run.createdMs);
    case RatesColumn:
        return run.rates.empty() ? 0.0 : run.rates.back();
    case StepsColumn:
        return run.stepCount;
    case NameColumn:
        return QString::fromStdString(run.name).toLower();
    default:
        return displayText(run, column);
    }
}

QString RunListModel::toolTip(const RunSummary& run, int column) {
    switch (column) {
    case KneeColumn:
        return tr("%1\n\nKnee: the highest request rate (req/s) at which a target still met the run's SLO (its "
                  "p99 latency and error-rate limits). Above it the server is overloaded. \u2013: it met the SLO "
                  "at none of the rates measured.")
            .arg(kneeText(run).replace(QStringLiteral(" \u00b7 "), QStringLiteral("\n")));
    case CreatedColumn:
        return QDateTime::fromMSecsSinceEpoch(run.createdMs).toString(Qt::ISODate);
    case RatesColumn: {
        QStringList all;
        for (double r : run.rates)
            all << rateCell(r);
        return all.join(QStringLiteral(", "));
    }
    default:
        return displayText(run, column);
    }
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::ToolTipRole && section == KneeColumn)
        return tr("Knee: the highest request rate at which each target still met the run's SLO (p99 latency and "
                  "error-rate limits); above it the server is overloaded. Best first.");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case CreatedColumn:
        return tr("Date");
    case TargetsColumn:
        return tr("Targets");
    case ScenarioColumn:
        return tr("Scenario");
    case RatesColumn:
        return tr("Rates (req/s)");
    case StatusColumn:
        return tr("Status");
    case KneeColumn:
        return tr("Knee per target (req/s)");
    case StepsColumn:
        return tr("Steps");
    case TagsColumn:
        return tr("Tags");
    }
    return {};
}

} // namespace loadscope
