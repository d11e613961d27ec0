#pragma once
// installRunPages(): puts the Launcher and Live run pages into the main window's places and connects them with the
// rest of the window: Run starts the plan on the open database and shows Live run; History reloads when a run is
// stored; "Show results" opens Results; "Re-run with the same plan" in History fills the Launcher; closing the window
// during a run asks, cancels and closes once the run has stopped.

namespace loadscope {

class LauncherPage;
class LiveRunPage;
class MainWindow;

struct RunPages {
    LauncherPage* launcher = nullptr;
    LiveRunPage* liveRun = nullptr;
};

RunPages installRunPages(MainWindow* window);

} // namespace loadscope
