#include "gui_main.h"

#include "loadscope_version.h"
#include "main_window.h"

#include <QApplication>
#include <cstdlib>

namespace loadscope::gui {

bool displayAvailable() {
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) {
        const char* value = std::getenv(name);
        if (value && *value)
            return true;
    }
    return false;
}

int runGui(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("loadscope"));
    QApplication::setOrganizationName(QStringLiteral("loadscope"));
    QApplication::setApplicationVersion(QStringLiteral(LOADSCOPE_VERSION));
    MainWindow window;
    window.show();
    return QApplication::exec();
}

} // namespace loadscope::gui
