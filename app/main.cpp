// loadscope: the desktop app without a command, the headless CLI with one.
#include "cli_main.h"

#ifdef LOADSCOPE_HAVE_GUI
#include "cli_profile.h"
#include "gui_main.h"
#endif

int main(int argc, char** argv) {
#ifdef LOADSCOPE_HAVE_GUI
    // Charts are drawn by the GUI's code even headless: `loadscope export RUN --chart ...` (see gui_main.h).
    loadscope::cli::registerChartExporter(loadscope::gui::chartExporter());
    // `loadscope profile --format png` draws the flame graph's SVG with Qt.
    loadscope::cli::setSvgRasterizer(&loadscope::gui::rasterizeSvg);
    if (loadscope::gui::wantsGuiWithOptions(argc, argv) && loadscope::gui::displayAvailable())
        return loadscope::gui::runGui(argc, argv);
#endif
    if (loadscope::cli::wantsCommandLine(argc, argv))
        return loadscope::cli::runCommandLine(argc, argv);
#ifdef LOADSCOPE_HAVE_GUI
    if (loadscope::gui::displayAvailable())
        return loadscope::gui::runGui(argc, argv);
#endif
    return loadscope::cli::runHeadlessDefault(argc, argv);
}
