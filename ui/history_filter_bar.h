#pragma once
// The row of filters above the History table: text, status, target, tag and date. It only edits a
// RunFilterProxyModel; the page feeds it the targets and tags the database knows.

#include <QWidget>

class QComboBox;
class QDateEdit;
class QLineEdit;
class QTimer;

namespace loadscope {

class RunFilterProxyModel;

class HistoryFilterBar : public QWidget {
    Q_OBJECT
public:
    HistoryFilterBar(RunFilterProxyModel* proxy, QWidget* parent = nullptr);

    // The choices of the target and tag boxes (the current choice is kept when still offered).
    void setChoices(const QStringList& targets, const QStringList& tags);
    QLineEdit* searchField() const { return search_; }
    QComboBox* statusBox() const { return status_; }
    QComboBox* targetBox() const { return target_; }
    QComboBox* tagBox() const { return tag_; }
    QComboBox* dateBox() const { return date_; }
    void clearFilters();

signals:
    // The search text settled (typing paused): the page asks the store, which also searches notes.
    void textSettled(const QString& text);

private:
    // The steps of the constructor.
    void fillChoices();
    void connectFilters();
    void applyDate();

    RunFilterProxyModel* proxy_;
    QLineEdit* search_;
    QComboBox* status_;
    QComboBox* target_;
    QComboBox* tag_;
    QComboBox* date_;
    QDateEdit* from_;
    QDateEdit* to_;
    QTimer* settle_;
};

} // namespace loadscope
