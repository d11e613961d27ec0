#pragma once
// The History page: every run of the database in a sortable, filterable table; rename, notes, tags, delete
// (confirmed); open one run's results or compare several; re-run one with the same plan.
//
// The page holds a database path, never an open connection: each load or edit opens its own RunStore on a worker
// thread (QtConcurrent), so a slow disk or a run writing to the same file never freezes the window. Loads carry a
// generation number; an answer older than the newest request is dropped.

#include "run_types.h"

#include <QList>
#include <QWidget>

#include <filesystem>
#include <functional>

class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace loadscope {

class HistoryFilterBar;
class RunFilterProxyModel;
class RunListModel;

class HistoryPage : public QWidget {
    Q_OBJECT
public:
    explicit HistoryPage(QWidget* parent = nullptr);

    void setDatabase(const std::filesystem::path& path);
    const std::filesystem::path& database() const { return database_; }

    RunListModel* model() const { return model_; }
    RunFilterProxyModel* proxy() const { return proxy_; }
    QTableView* table() const { return table_; }
    HistoryFilterBar* filterBar() const { return filters_; }
    // The selected run's details as shown (versions, knees, environment; or why they could not be loaded).
    QString detailsText() const;
    // The ids of the selected runs, in table order.
    QList<qint64> selectedRunIds() const;
    void selectRuns(const QList<qint64>& runIds);
    // How a destructive action is confirmed (a dialog by default; tests answer it themselves).
    void setConfirmation(std::function<bool(const QString& question)> confirm) { confirm_ = std::move(confirm); }
    bool isLoading() const { return loading_; }

public slots:
    // Reloads the run list in the background (keeps the selection and the filters).
    void reload();
    void openSelected();
    void rerunSelected();
    void deleteSelected();
    void saveDetails();

signals:
    // Finished a load: `count` runs in the database.
    void loaded(int count);
    void openResultsRequested(const QList<qint64>& runIds);
    // "Re-run with the same plan": the plan stored with the run, as JSON (for the launcher).
    void rerunRequested(const QString& planJson, qint64 fromRunId);
    void statusMessage(const QString& message);
    // A load or an edit failed; the message names the database and what went wrong.
    void errorOccurred(const QString& message);
    // An edit or delete finished (tests wait for it).
    void editFinished();

private:
    struct Snapshot;
    void applySnapshot(const Snapshot& snapshot);
    void updateCountLabel();
    // The steps of the constructor.
    void setUpRunTable();
    QWidget* createDetailsPane();
    QWidget* createListPane();
    void connectActions();
    void showContextMenu(const QPoint& pos);
    // The details pane follows the selection: the controls, then one run's details loaded in the background.
    void updateDetails();
    void showSelectionControls(int selected);
    void showSeveralOrNoneSelected(int selected);
    void loadDetails(qint64 id);
    void showDetails(const Run& run);
    void searchStore(const QString& text);
    // Runs `edit` on a worker with a read-write connection, then reloads; `done` names what was done.
    void runEdit(std::function<void(class RunStore&)> edit, const QString& done);

    std::filesystem::path database_;
    quint64 generation_ = 0;
    quint64 detailsGeneration_ = 0;
    qint64 detailsRunId_ = 0;
    std::string loadedPlanJson_;
    bool loading_ = false;
    RunListModel* model_;
    RunFilterProxyModel* proxy_;
    HistoryFilterBar* filters_;
    QTableView* table_;
    QLabel* emptyHint_;
    QLabel* countLabel_;
    QLabel* detailsTitle_;
    QLabel* detailsBody_;
    QWidget* detailsEditor_;
    QFormLayout* editForm_ = nullptr;
    QLineEdit* nameEdit_;
    QLineEdit* tagsEdit_;
    QPlainTextEdit* notesEdit_;
    QPushButton* saveButton_;
    QPushButton* openButton_;
    QPushButton* rerunButton_;
    QPushButton* deleteButton_;
    std::function<bool(const QString&)> confirm_;
    QList<qint64> pendingSelection_;
};

} // namespace loadscope
