#include "difference_model.h"

#include "chart_text.h"

#include <QColor>
#include <QFont>

namespace loadscope {

namespace {

const TargetAnalysis* analysisOf(const ResultsDataset& data, const std::pair<std::size_t, std::string>& series) {
    return series.first < data.analyses.size() ? data.analyses[series.first].find(series.second) : nullptr;
}

QString text(const std::string& s) {
    return QString::fromStdString(s);
}

QVariant symbolColor(Ordering ordering) {
    // Green for the first series better, vermillion for worse (Okabe-Ito), no colour for "no difference shown".
    switch (ordering) {
    case Ordering::Better:
        return QColor(0, 158, 115);
    case Ordering::Worse:
        return QColor(213, 94, 0);
    case Ordering::Same:
        break;
    }
    return {};
}

} // namespace

PairDifferenceModel::PairDifferenceModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void PairDifferenceModel::setPair(std::shared_ptr<const ResultsDataset> data, std::size_t a, std::size_t b) {
    beginResetModel();
    data_ = std::move(data);
    first_ = second_ = nullptr;
    verdict_ = {};
    if (data_) {
        const auto series = data_->series();
        if (a < series.size() && b < series.size() && a != b) {
            first_ = analysisOf(*data_, series[a]);
            second_ = analysisOf(*data_, series[b]);
            firstLabel_ = text(data_->seriesLabel(series[a].first, series[a].second));
            secondLabel_ = text(data_->seriesLabel(series[b].first, series[b].second));
        }
        if (first_ && second_)
            verdict_ = compareTargets(*first_, *second_);
    }
    endResetModel();
}

int PairDifferenceModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() || !first_ || !second_)
        return 0;
    return 1 + static_cast<int>(verdict_.rates.size());
}

int PairDifferenceModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString PairDifferenceModel::kneeWords(const KneeComparison& knee, const QString& first, const QString& second) {
    if (!knee.decidable)
        return tr("cannot tell");
    switch (knee.ordering) {
    case Ordering::Better:
        return tr("%1 holds more load").arg(first);
    case Ordering::Worse:
        return tr("%1 holds more load").arg(second);
    case Ordering::Same:
        break;
    }
    return tr("no real difference shown");
}

QString PairDifferenceModel::rateWords(const RateComparison& rate, const QString& first, const QString& second) {
    switch (rate.ordering) {
    case Ordering::Better:
        return tr("%1 has the lower p99").arg(first);
    case Ordering::Worse:
        return tr("%1 has the lower p99").arg(second);
    case Ordering::Same:
        break;
    }
    return tr("no real difference shown");
}

QVariant PairDifferenceModel::kneeRow(int column, int role) const {
    const KneeComparison& knee = verdict_.knee;
    if (role == Qt::ForegroundRole && column == SymbolColumn && knee.decidable)
        return symbolColor(knee.ordering);
    if (role == Qt::ToolTipRole)
        return text(knee.reason);
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case RateColumn:
        return tr("knee");
    case SymbolColumn:
        return knee.decidable ? text(std::string(symbolOf(knee.ordering))) : QStringLiteral("?");
    case WordsColumn:
        return kneeWords(knee, firstLabel_, secondLabel_);
    case FirstColumn:
        return text(first_->knee.text());
    case SecondColumn:
        return text(second_->knee.text());
    case NoteColumn:
        return text(knee.reason);
    default:
        return {};
    }
}

QVariant PairDifferenceModel::rateRow(const RateComparison& rate, int column, int role) const {
    if (role == Qt::ForegroundRole && column == SymbolColumn)
        return symbolColor(rate.ordering);
    if (role == Qt::TextAlignmentRole && (column == FirstColumn || column == SecondColumn || column == RateColumn))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && column == NumbersColumn)
        return tr("p99 %1 / %2 [95 % bootstrap interval over repetitions], p-value of the Mann-Whitney U test on "
                  "the repetitions' p99s")
            .arg(firstLabel_, secondLabel_);
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case RateColumn:
        return formatRate(rate.rps);
    case SymbolColumn:
        return text(std::string(symbolOf(rate.ordering)));
    case WordsColumn:
        return rateWords(rate, firstLabel_, secondLabel_);
    case FirstColumn:
        return formatLatency(rate.p99A);
    case SecondColumn:
        return formatLatency(rate.p99B);
    case NumbersColumn:
        return text(rate.numbers());
    case NoteColumn:
        return text(rate.note);
    default:
        return {};
    }
}

QVariant PairDifferenceModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !first_ || !second_ || index.row() >= rowCount())
        return {};
    if (role == Qt::FontRole && index.column() == SymbolColumn) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (index.row() == 0)
        return kneeRow(index.column(), role);
    return rateRow(verdict_.rates[static_cast<std::size_t>(index.row() - 1)], index.column(), role);
}

QVariant PairDifferenceModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case RateColumn:
        return tr("Rate (req/s)");
    case SymbolColumn:
        return tr("Verdict");
    case WordsColumn:
        return tr("In words");
    case FirstColumn:
        return tr("%1 (p99 / knee)").arg(firstLabel_);
    case SecondColumn:
        return tr("%1 (p99 / knee)").arg(secondLabel_);
    case NumbersColumn:
        return tr("p99 ratio [95 % interval], p-value");
    case NoteColumn:
        return tr("Note");
    default:
        return {};
    }
}

KneeGridModel::KneeGridModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void KneeGridModel::setDataset(std::shared_ptr<const ResultsDataset> data) {
    beginResetModel();
    data_ = std::move(data);
    endResetModel();
}

int KneeGridModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !data_ ? 0 : static_cast<int>(data_->targets.size());
}

int KneeGridModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() || !data_ ? 0 : static_cast<int>(data_->runs.size());
}

const KneeEstimate* KneeGridModel::kneeAt(int row, int column) const {
    if (!data_ || row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
        return nullptr;
    const KneeEstimate* knee =
        data_->knee(static_cast<std::size_t>(column), data_->targets[static_cast<std::size_t>(row)]);
    return knee && knee->measuredAny ? knee : nullptr;
}

QVariant KneeGridModel::data(const QModelIndex& index, int role) const {
    const KneeEstimate* knee = index.isValid() ? kneeAt(index.row(), index.column()) : nullptr;
    if (!knee)
        return role == Qt::DisplayRole && index.isValid() ? tr("not measured") : QVariant();
    // Against the same target in the first run (the column the others are read against).
    const KneeEstimate* base = index.column() > 0 ? kneeAt(index.row(), 0) : nullptr;
    const std::optional<KneeComparison> versus =
        base ? std::optional<KneeComparison>(compareKnees(*knee, *base)) : std::nullopt;
    switch (role) {
    case Qt::DisplayRole: {
        const QString value = text(knee->text());
        if (!versus || !versus->decidable)
            return value;
        return QStringLiteral("%1  %2").arg(text(std::string(symbolOf(versus->ordering))), value);
    }
    case Qt::ForegroundRole:
        return versus && versus->decidable ? symbolColor(versus->ordering) : QVariant();
    case Qt::ToolTipRole:
        return versus ? tr("Against run %1: %2").arg(data_->runs.front().id).arg(text(versus->reason))
                      : text(knee->explanation());
    default:
        return {};
    }
}

QVariant KneeGridModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole || !data_)
        return {};
    if (orientation == Qt::Vertical)
        return section < rowCount() ? text(data_->targets[static_cast<std::size_t>(section)]) : QVariant();
    if (section >= columnCount())
        return {};
    const Run& run = data_->runs[static_cast<std::size_t>(section)];
    return section == 0 ? tr("run %1 %2").arg(run.id).arg(text(run.name))
                        : tr("run %1 %2 (vs run %3)").arg(run.id).arg(text(run.name)).arg(data_->runs.front().id);
}

} // namespace loadscope
