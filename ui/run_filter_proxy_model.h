#pragma once
// RunFilterProxyModel: History's filter and sort over RunListModel: free text (name, targets, tags, scenario,
// status; notes through the store's search), status, target, tag and a creation date range.

#include <QDateTime>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QString>

#include <optional>

namespace loadscope {

class RunFilterProxyModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit RunFilterProxyModel(QObject* parent = nullptr);

    // Every word must match one of name, targets, scenario, tags or status (case-insensitive); "#12" matches run 12.
    void setText(const QString& text);
    // The runs the store's own text search found for `text` (it also searches notes, which the rows do not hold);
    // they pass the text filter too. Ignored when the text has changed since.
    void setStoreTextMatches(const QString& text, const QSet<qint64>& runIds);
    void setStatus(const QString& status); // "" for any, else "completed", "failed", ...
    void setTarget(const QString& target); // "" for any
    void setTag(const QString& tag);       // "" for any
    // Runs created in [from, to); either end may be open.
    void setDateRange(std::optional<QDateTime> from, std::optional<QDateTime> to);

    QString text() const { return text_; }
    QString status() const { return status_; }
    QString target() const { return target_; }
    QString tag() const { return tag_; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString text_;
    QStringList words_;
    QSet<qint64> storeMatches_;
    QString status_;
    QString target_;
    QString tag_;
    std::optional<qint64> fromMs_;
    std::optional<qint64> toMs_;
};

} // namespace loadscope
