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

// A Qt GUI application for drawing from a CLI command (charts, the flame graph's PNG), made on first use: no window
// is shown, so without a display it draws on the offscreen platform (fonts still come from fontconfig). It lives
// until the process exits (the command returns to main, which exits).
void ensureHeadlessApplication() {
    if (QCoreApplication::instance())
        return;
    if (!displayAvailable())
        qputenv("QT_QPA_PLATFORM", "offscreen");
    provideRuntimeDirectory();
    static int argc = 1;
    static char name[] = "loadscope";
    static char* argv[] = {name, nullptr};
    new QApplication(argc, argv);
    describeApplication();
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

cli::ChartExporter chartExporter() {
    ChartExportCommand chart = chartExportCommand();
    return {chart.kinds, chart.formats, chart.addOptions,
            [write = chart.write](const std::filesystem::path& database, const std::vector<std::int64_t>& runs,
                                  const std::string& kind, const std::string& format, const std::string& out) {
                ensureHeadlessApplication();
                return write(database, runs, kind, format, out);
            }};
}

std::string rasterizeSvg(const std::string& svg, const std::string& pngPath) {
    ensureHeadlessApplication();
    return writeSvgAsPng(svg, QString::fromStdString(pngPath), 1.5).toStdString();
}

} // namespace loadscope::gui
