#pragma once
// The main window: four places in a sidebar (Launcher, Live run, History, Results), the menus, the status bar with
// the open database, drag and drop of a .sqlite (open), an exported .json or other tools' result files (import),
// settings in QSettings. Imports of result files and report exports are in main_window_files.cpp.

#include <QMainWindow>

#include <filesystem>

class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace loadscope {

namespace importers {
struct ResultImportRequest;
}
class HistoryPage;
class ResultsPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class Place { Launcher, LiveRun, History, Results };

    explicit MainWindow(QWidget* parent = nullptr);

    // Opens (creating when missing) a database in the background; on success History shows it and it joins the
    // recent files. A file that is not a Loadscope database is refused and the current one stays. The first database
    // opened without any run turns the window to the Launcher (unless another place was chosen meanwhile).
    void openDatabase(const std::filesystem::path& path);
    const std::filesystem::path& database() const { return database_; }
    // Imports an exported run into the open database (background), then shows it.
    void importRunJson(const QString& path);
    // Imports files: one Loadscope run JSON as importRunJson does; other tools' result files through a dialog
    // (ResultImportDialog, opened window-modal) that asks what they do not say, then in the background.
    void importFiles(const QStringList& paths);
    // Writes the report of the runs shown in Results (HTML or Markdown) to `path`, in the background; reportWritten
    // follows.
    void exportReport(const QString& path, bool markdown);

    void setCurrentPlace(Place place);
    Place currentPlace() const;
    // The Launcher and Live run pages come from their own files (ui/live_run_wiring.cpp), which the constructor
    // calls: set once each, the Launcher first.
    void setLauncherPage(QWidget* page);
    void setLiveRunPage(QWidget* page);
    QWidget* page(Place place) const;
    HistoryPage* historyPage() const { return history_; }
    ResultsPage* resultsPage() const { return results_; }

    // The window title for an open database, the application named once in what the window manager shows.
    static QString windowTitleFor(const QString& databaseFile);
    // The recent databases, newest first.
    static QStringList recentDatabases();

signals:
    // A database finished opening (or failed: `ok` false, the previous one stays).
    void databaseOpened(const QString& path, bool ok);
    // Re-run with the same plan (from History): the launcher connects to this.
    void rerunRequested(const QString& planJson, qint64 fromRunId);
    // An import finished: the new run's id, or 0 with an error shown.
    void runImported(qint64 runId);
    // An error was reported to the user (also in the status bar).
    void errorShown(const QString& message);
    // A report was written (or failed: `ok` false, with an error shown).
    void reportWritten(const QString& path, bool ok);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void openDatabaseDialog();
    void newDatabaseDialog();
    void importDialog();
    void runResultImport(const importers::ResultImportRequest& request);
    void exportReportInteractive(bool markdown);
    void showSettings();
    void showAbout();
    void showError(const QString& message);
    void updateRecentMenu();
    void installPage(Place place, QWidget* page);
    // What the pointer is over in a chart, on one line that stops before the "Database:" label; empty text clears
    // it (the pointer left, or the tab, page or runs changed), leaving other messages alone.
    void showHover(const QString& html);

    std::filesystem::path database_;
    quint64 openGeneration_ = 0;
    QListWidget* places_;
    QStackedWidget* pages_;
    HistoryPage* history_;
    ResultsPage* results_;
    QLabel* databaseLabel_;
    QString hoverMessage_; // the status bar's message while it shows a hover, to clear only that
    QMenu* recentMenu_ = nullptr;
    // Until the first database is open: the window starts on History, or on the Launcher when it holds no runs.
    bool choosingStartPlace_ = true;
};

} // namespace loadscope
