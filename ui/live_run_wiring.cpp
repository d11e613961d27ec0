#include "live_run_wiring.h"

#include "history_page.h"
#include "launcher_page.h"
#include "live_run_page.h"
#include "main_window.h"
#include "results_page.h"

#include <QCloseEvent>
#include <QEvent>

namespace loadscope {

namespace {
// Watches the main window's close: with a run going, the Live run page asks first (and closes the window itself once
// the run has stopped). An event filter, so the window's own closeEvent (saving its geometry) stays as it is.
class CloseDuringRunGuard : public QObject {
public:
    CloseDuringRunGuard(LiveRunPage* liveRun, QObject* parent)
        : QObject(parent)
        , liveRun_(liveRun) {}

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Close && watched == parent() && !liveRun_->confirmClose()) {
            event->ignore();
            return true;
        }
        return QObject::eventFilter(watched, event);
    }

private:
    LiveRunPage* liveRun_;
};
} // namespace

RunPages installRunPages(MainWindow* window) {
    RunPages pages;
    pages.launcher = new LauncherPage(window);
    pages.liveRun = new LiveRunPage(window);
    window->setLauncherPage(pages.launcher);
    window->setLiveRunPage(pages.liveRun);
    LauncherPage* launcher = pages.launcher;
    LiveRunPage* liveRun = pages.liveRun;

    QObject::connect(
        launcher, &LauncherPage::runRequested, window, [window, launcher, liveRun](const BenchmarkPlan& plan) {
            BenchmarkRunner::Options options;
            options.databasePath = window->database(); // the run stays with this file even if another one is opened
            options.commandLine = {"loadscope", "(desktop app)"};
            if (liveRun->start(plan, launcher->catalog(), options))
                window->setCurrentPlace(MainWindow::Place::LiveRun);
        });
    QObject::connect(liveRun, &LiveRunPage::runningChanged, launcher, &LauncherPage::setRunInProgress);
    QObject::connect(liveRun, &LiveRunPage::runStored, window->historyPage(), &HistoryPage::reload);
    QObject::connect(liveRun, &LiveRunPage::showResultsRequested, window, [window](qint64 runId) {
        window->resultsPage()->showRuns({runId});
        window->setCurrentPlace(MainWindow::Place::Results);
    });
    QObject::connect(liveRun, &LiveRunPage::newRunRequested, window,
                     [window] { window->setCurrentPlace(MainWindow::Place::Launcher); });
    QObject::connect(window, &MainWindow::rerunRequested, launcher, [window, launcher](const QString& planJson) {
        launcher->loadPlan(planJson); // on failure the Launcher says why at its top
        window->setCurrentPlace(MainWindow::Place::Launcher);
    });
    window->installEventFilter(new CloseDuringRunGuard(liveRun, window));
    return pages;
}

} // namespace loadscope
