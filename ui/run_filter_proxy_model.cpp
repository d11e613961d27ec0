#include "run_filter_proxy_model.h"

#include "run_list_model.h"

namespace loadscope {

RunFilterProxyModel::RunFilterProxyModel(QObject* parent)
    : QSortFilterProxyModel(parent) {
    setSortRole(RunListModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void RunFilterProxyModel::setText(const QString& text) {
    if (text == text_)
        return;
    text_ = text;
    words_ = text.simplified().toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    storeMatches_.clear(); // they were for the previous text
    invalidateRowsFilter();
}

void RunFilterProxyModel::setStoreTextMatches(const QString& text, const QSet<qint64>& runIds) {
    if (text != text_)
        return; // an answer for a text the user has already changed
    storeMatches_ = runIds;
    invalidateRowsFilter();
}

void RunFilterProxyModel::setStatus(const QString& status) {
    if (status == status_)
        return;
    status_ = status;
    invalidateRowsFilter();
}

void RunFilterProxyModel::setTarget(const QString& target) {
    if (target == target_)
        return;
    target_ = target;
    invalidateRowsFilter();
}

void RunFilterProxyModel::setTag(const QString& tag) {
    if (tag == tag_)
        return;
    tag_ = tag;
    invalidateRowsFilter();
}

void RunFilterProxyModel::setDateRange(std::optional<QDateTime> from, std::optional<QDateTime> to) {
    fromMs_ = from ? std::optional<qint64>(from->toMSecsSinceEpoch()) : std::nullopt;
    toMs_ = to ? std::optional<qint64>(to->toMSecsSinceEpoch()) : std::nullopt;
    invalidateRowsFilter();
}

bool RunFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const auto* model = qobject_cast<const RunListModel*>(sourceModel());
    if (!model)
        return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
    const RunSummary* run = model->runAt(sourceRow);
    if (!run)
        return false;
    if (!status_.isEmpty() && status_ != QLatin1String(toString(run->status).data()))
        return false;
    if (!target_.isEmpty() &&
        std::find(run->targetNames.begin(), run->targetNames.end(), target_.toStdString()) == run->targetNames.end())
        return false;
    if (!tag_.isEmpty() && std::find(run->tags.begin(), run->tags.end(), tag_.toStdString()) == run->tags.end())
        return false;
    if (fromMs_ && run->createdMs < *fromMs_)
        return false;
    if (toMs_ && run->createdMs >= *toMs_)
        return false;
    if (words_.isEmpty() || storeMatches_.contains(run->id))
        return true;
    QString haystack = QString::fromStdString(run->name) + QLatin1Char(' ') + QString::fromStdString(run->scenario) +
                       QLatin1Char(' ') + QLatin1String(toString(run->status).data());
    for (const auto& t : run->targetNames)
        haystack += QLatin1Char(' ') + QString::fromStdString(t);
    for (const auto& t : run->tags)
        haystack += QLatin1Char(' ') + QString::fromStdString(t);
    haystack = haystack.toLower();
    const QString id = QStringLiteral("#%1").arg(run->id);
    for (const QString& word : words_)
        if (word != id && !haystack.contains(word))
            return false;
    return true;
}

} // namespace loadscope
