#include "live_run_step_model.h"

#include "plan_format.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace loadscope {

namespace {
// The step's flags, and "profiled" when a profiler ran during its measurement (it costs the server CPU: the knee
// prefers the rate's unprofiled repetitions, as `loadscope show` notes).
QString flagsText(const Step& step) {
    const StepFlags& flags = step.flags;
    QStringList names;
    if (flags.generatorLimited)
        names << QObject::tr("generator-limited");
    if (flags.connectionLimited)
        names << QObject::tr("connection-limited");
    if (flags.sloViolated)
        names << QObject::tr("SLO missed");
    if (flags.serverRestarted)
        names << QObject::tr("server restarted");
    if (step.profiled())
        names << QObject::tr("profiled");
    return names.join(QStringLiteral(", "));
}
} // namespace

LiveRunStepModel::LiveRunStepModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void LiveRunStepModel::clear() {
    beginResetModel();
    steps_.clear();
    endResetModel();
}

void LiveRunStepModel::addStep(const Step& step) {
    Step light = step;
    light.timeline.clear();
    light.serverLogTail.clear();
    light.generatorLogTail.clear();
    light.latencyHistogram.reset();
    light.serviceTimeHistogram.reset();
    if (light.profile)
        light.profile->folded.clear(); // the Profile tab loads the stacks from the store
    const int row = static_cast<int>(steps_.size());
    beginInsertRows({}, row, row);
    steps_.push_back(std::move(light));
    endInsertRows();
}

int LiveRunStepModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(steps_.size());
}

int LiveRunStepModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LiveRunStepModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.parent().isValid() || index.row() >= static_cast<int>(steps_.size()) ||
        index.column() >= ColumnCount)
        return {};
    const Step& step = steps_[static_cast<std::size_t>(index.row())];
    const auto column = static_cast<Column>(index.column());
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(step, column);
    case StepStatusRole:
        return statusName(step);
    case SortRole:
        return sortValue(step, column);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(isTextColumn(column) ? Qt::AlignLeft | Qt::AlignVCenter
                                                        : Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (column == StatusColumn && step.status == StepStatus::Failed)
            return QBrush(QColor(0xD5, 0x5E, 0x00));
        return {};
    case Qt::ToolTipRole:
        return toolTip(step, column);
    default:
        return {};
    }
}

QString LiveRunStepModel::statusName(const Step& step) {
    return QString::fromUtf8(toString(step.status).data(), static_cast<qsizetype>(toString(step.status).size()));
}

bool LiveRunStepModel::isTextColumn(Column column) {
    return column == TargetColumn || column == StatusColumn || column == FlagsColumn;
}

QVariant LiveRunStepModel::displayValue(const Step& step, Column column) {
    const bool measured = step.status == StepStatus::Ok && step.latency.count > 0;
    const QLocale locale;
    switch (column) {
    case SequenceColumn:
        return step.sequence; // 1-based as stored: the number `loadscope show` prints
    case TargetColumn:
        return QString::fromStdString(step.targetName);
    case RateColumn:
        return locale.toString(step.requestedRps, 'f', 0);
    case RepetitionColumn:
        return step.repetition;
    case StatusColumn:
        return step.statusMessage.empty()
                   ? statusName(step)
                   : statusName(step) + QStringLiteral(": ") + QString::fromStdString(step.statusMessage);
    case AchievedColumn:
        return measured ? locale.toString(step.achievedRps, 'f', 0) : QString();
    case P50Column:
        return measured ? humanLatency(step.latency.p50Ms) : QString();
    case P99Column:
        return measured ? humanLatency(step.latency.p99Ms) : QString();
    case ErrorsColumn:
        return measured || step.errors.total() > 0 ? locale.toString(static_cast<qlonglong>(step.errors.total()))
                                                   : QString();
    case ServerCpuColumn:
        return measured ? QStringLiteral("%1 %").arg(step.server.cpuPercent, 0, 'f', 0) : QString();
    case FlagsColumn:
        return flagsText(step);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant LiveRunStepModel::sortValue(const Step& step, Column column) {
    switch (column) {
    case SequenceColumn:
        return step.sequence;
    case RateColumn:
        return step.requestedRps;
    case RepetitionColumn:
        return step.repetition;
    case AchievedColumn:
        return step.achievedRps;
    case P50Column:
        return step.latency.p50Ms;
    case P99Column:
        return step.latency.p99Ms;
    case ErrorsColumn:
        return static_cast<qlonglong>(step.errors.total());
    case ServerCpuColumn:
        return step.server.cpuPercent;
    default:
        return displayValue(step, column);
    }
}

// Only the status and the flags have more to say than their cell.
QVariant LiveRunStepModel::toolTip(const Step& step, Column column) {
    if (column != StatusColumn && column != FlagsColumn)
        return {};
    QString text = QString::fromStdString(column == StatusColumn ? step.statusMessage : step.flags.reason);
    if (column == FlagsColumn && step.profiled())
        text += (text.isEmpty() ? QString() : QStringLiteral("\n")) +
                QObject::tr("Profiled with %1 at %2 Hz during the measurement")
                    .arg(QString::fromStdString(step.profile->profiler))
                    .arg(step.profile->sampleRateHz);
    return text.isEmpty() ? QVariant() : QVariant(text);
}

QVariant LiveRunStepModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SequenceColumn:
        return tr("#");
    case TargetColumn:
        return tr("Target");
    case RateColumn:
        return tr("Requested req/s");
    case RepetitionColumn:
        return tr("Rep.");
    case StatusColumn:
        return tr("Status");
    case AchievedColumn:
        return tr("Achieved req/s");
    case P50Column:
        return tr("p50");
    case P99Column:
        return tr("p99");
    case ErrorsColumn:
        return tr("Errors");
    case ServerCpuColumn:
        return tr("Server CPU");
    case FlagsColumn:
        return tr("Flags");
    default:
        return {};
    }
}

} // namespace loadscope
