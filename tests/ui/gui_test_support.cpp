#include "gui_test_support.h"

#include "install_paths.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QPixmap>
#include <QWidget>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/syscall.h>
#include <unistd.h>

namespace loadscope::gui_test {

namespace {
bool writeFile(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    return static_cast<bool>(out);
}

// A /proc file's text; empty when the process is gone. (Not istreambuf_iterator: libstdc++ throws from it when the
// process exits between the open and the read, ESRCH, which made the child-process checks fail now and then.)
std::string readProcFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf(); // sets failbit instead of throwing
    return text.str();
}

// Fields 14 and 15 of /proc/.../stat (utime, stime) in clock ticks; the command name may hold spaces, so parse after
// its closing parenthesis.
double ticksFromStat(const std::string& path) {
    const std::string text = readProcFile(path);
    const auto close = text.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14)
            utime = std::stod(field);
        if (i == 15) {
            stime = std::stod(field);
            break;
        }
    }
    return utime + stime;
}
} // namespace

bool TargetFixture::setUp() {
    dir_ = std::make_unique<QTemporaryDir>();
    if (!dir_->isValid()) {
        error_ = QStringLiteral("cannot create a temporary folder");
        return false;
    }
    const std::filesystem::path root = dir_->path().toStdString();
    const auto targets = root / "config" / "loadscope" / "targets";
    std::filesystem::create_directories(targets);
    std::filesystem::create_directories(root / "data");
    std::filesystem::create_directories(root / "builtin-targets");
    std::error_code copyError;
    std::filesystem::copy_file(resourcesDir() / "targets" / "refserver.json",
                               root / "builtin-targets" / "refserver.json", copyError);
    if (copyError) {
        error_ = QStringLiteral("cannot copy resources/targets/refserver.json: %1")
                     .arg(QString::fromStdString(copyError.message()));
        return false;
    }
    ::setenv("XDG_CONFIG_HOME", (root / "config").c_str(), 1);
    ::setenv("XDG_DATA_HOME", (root / "data").c_str(), 1);

    const bool ok = writeFile(targets / "needs-missing-module.json", R"json({
  "name": "needs-missing-module",
  "display_name": "Needs a module nobody has",
  "description": "Test fixture: its preflight must fail and name the package.",
  "argv": ["{python}", "-m", "loadscope_no_such_module", "--port", "{port}"],
  "scenarios": { "simple": { "method": "GET", "path": "/simple", "ideal_ms": 50 } },
  "requirements": {
    "executables": { "{python}": "python3" },
    "python_modules": { "loadscope_no_such_module": "python3-loadscope-made-up" }
  }
})json") && writeFile(targets / "refserver-fast.json", R"json({
  "name": "refserver-fast",
  "display_name": "Reference server (5 ms)",
  "description": "Test fixture: the refserver with a 5 ms handler.",
  "argv": ["{bin}/loadscope-refserver", "--bind", "127.0.0.1", "--port", "{port}", "--delay-ms", "5"],
  "scenarios": { "simple": { "method": "GET", "path": "/simple", "ideal_ms": 5 } },
  "readiness": { "path": "/health", "timeout_s": 5 },
  "version_probe": ["{bin}/loadscope-refserver", "--version"],
  "requirements": { "executables": { "{bin}/loadscope-refserver": { "fix": "build loadscope-refserver" } } }
})json");
    if (!ok)
        error_ = QStringLiteral("cannot write the test target definitions");
    return ok;
}

TargetCatalog TargetFixture::catalog() const {
    return TargetCatalog::load(root() / "builtin-targets", root() / "config" / "loadscope" / "targets");
}

std::filesystem::path TargetFixture::databasePath() const {
    return root() / "runs.sqlite";
}

std::filesystem::path TargetFixture::root() const {
    return dir_ ? std::filesystem::path(dir_->path().toStdString()) : std::filesystem::path();
}

BenchmarkPlan tinyPlan(const std::vector<std::string>& targets) {
    BenchmarkPlan plan;
    plan.name = "tiny GUI test run";
    plan.targets = targets;
    plan.scenario = "simple";
    plan.rates = {100, 200};
    plan.stepDurationS = 1;
    plan.warmupS = 0;
    plan.cooldownS = 0;
    plan.repetitions = 1;
    plan.connections = 32;
    plan.stopRule = false;
    return plan;
}

bool saveScreenshot(QWidget* widget, const QString& name) {
    const QString dir = QStringLiteral(LOADSCOPE_SCREENSHOT_DIR);
    if (!QDir().mkpath(dir))
        return false;
    return widget->grab().save(dir + QLatin1Char('/') + name, "PNG");
}

std::vector<int> childProcesses(const std::string& command) {
    std::vector<int> children;
    const int self = static_cast<int>(::getpid());
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        const std::string text = readProcFile(entry.path() / "stat");
        const auto close = text.rfind(')');
        if (close == std::string::npos)
            continue;
        std::istringstream fields(text.substr(close + 2));
        std::string state;
        int parent = 0;
        fields >> state >> parent;
        const auto open = text.find('(');
        const bool named =
            command.empty() || (open != std::string::npos && text.substr(open + 1, close - open - 1) == command);
        if (parent == self && named)
            children.push_back(std::stoi(name));
    }
    return children;
}

double cpuSeconds(int tid) {
    const std::string path =
        tid == 0 ? std::string("/proc/self/stat") : "/proc/self/task/" + std::to_string(tid) + "/stat";
    return ticksFromStat(path) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

int currentThreadId() {
    return static_cast<int>(::syscall(SYS_gettid));
}

} // namespace loadscope::gui_test
