#include "gui_main.h"

#include "app_settings.h"
#include "chart_export_command.h"
#include "loadscope_version.h"
#include "main_window.h"
#include "svg_raster.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

namespace loadscope::gui {

namespace {

void describeApplication() {
    QApplication::setApplicationName(QStringLiteral("loadscope"));
    QApplication::setOrganizationName(QStringLiteral("loadscope"));
    QApplication::setApplicationDisplayName(QStringLiteral("Loadscope"));
    QApplication::setApplicationVersion(QStringLiteral(LOADSCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("loadscope"));
}

// Qt wants XDG_RUNTIME_DIR and, without it (a root shell, CI, a container), falls back to /tmp/runtime-USER with a
// warning on every start. Take the same fallback ourselves, quietly, when it is safely ours (mode 0700).
void provideRuntimeDirectory() {
    if (const char* value = std::getenv("XDG_RUNTIME_DIR"); value && *value)
        return;
    const std::string path = "/tmp/runtime-" + std::to_string(::getuid());
    ::mkdir(path.c_str(), 0700);
    struct stat info {};
    if (::lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode) && info.st_uid == ::getuid() &&
        (info.st_mode & 0777) == 0700)
        ::setenv("XDG_RUNTIME_DIR", path.c_str(), 1);
}

} // namespace

bool displayAvailable() {
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) {
        const char* value = std::getenv(name);
        if (value && *value)
            return true;
    }
    return false;
}

bool wantsGuiWithOptions(int argc, char** argv) {
    if (argc == 3 && std::string_view(argv[1]) == "--db")
        return true;
    return argc == 2 && std::string_view(argv[1]).starts_with("--db=");
}

int runGui(int argc, char** argv) {
    provideRuntimeDirectory();
    QApplication app(argc, argv);
    describeApplication();
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("loadscope")));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Loadscope desktop app"));
    parser.addHelpOption();
    const QCommandLineOption db(QStringLiteral("db"), QStringLiteral("The database to open."), QStringLiteral("PATH"));
    parser.addOption(db);
    parser.process(app);
    MainWindow window;
    window.show();
    window.openDatabase(parser.isSet(db)
                            ? std::filesystem::path(QDir::current().absoluteFilePath(parser.value(db)).toStdString())
                            : AppSettings::defaultDatabase());
    return QApplication::exec();
}

bool wantsChartExport(int argc, char** argv) {
    if (argc < 2 || std::string_view(argv[1]) != "export")
        return false;
    for (int i = 2; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--chart" || arg.starts_with("--chart="))
            return true;
        const std::string_view format = arg.starts_with("--format=")          ? arg.substr(9)
                                        : (arg == "--format" && i + 1 < argc) ? std::string_view(argv[i + 1])
                                                                              : std::string_view();
        if (format == "png" || format == "pdf" || format == "svg")
            return true;
    }
    return false;
}

int runChartExport(int argc, char** argv) {
    // No window is shown: without a display, draw on the offscreen platform (fonts still come from fontconfig).
    if (!displayAvailable())
        qputenv("QT_QPA_PLATFORM", "offscreen");
    provideRuntimeDirectory();
    int qtArgc = 1;
    QApplication app(qtArgc, argv);
    describeApplication();
    return runChartExportCommand(std::vector<std::string>(argv + 2, argv + argc));
}

std::string rasterizeSvg(const std::string& svg, const std::string& pngPath) {
    if (!QCoreApplication::instance()) {
        if (!displayAvailable())
            qputenv("QT_QPA_PLATFORM", "offscreen");
        provideRuntimeDirectory();
        // Lives until the process exits (the CLI command returns to main, which exits).
        static int argc = 1;
        static char name[] = "loadscope";
        static char* argv[] = {name, nullptr};
        new QApplication(argc, argv);
    }
    return writeSvgAsPng(svg, QString::fromStdString(pngPath), 1.5).toStdString();
}

} // namespace loadscope::gui
