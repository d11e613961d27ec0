#pragma once
// Shared fixtures of the Launcher / Live run tests: a private XDG home with test-only target definitions, a tiny plan
// against the refserver, screenshots into the build folder, and the children of this process (none may outlive a
// test).

#include "benchmark_plan.h"
#include "target_definition.h"

#include <QString>
#include <QTemporaryDir>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

class QWidget;

namespace loadscope::gui_test {

// A user-defined target whose preflight fails: it needs a Python module no one has.
inline constexpr const char* kBrokenTarget = "needs-missing-module";
inline constexpr const char* kBrokenPackage = "python3-loadscope-made-up";
// A second refserver (5 ms handler) so a run can compare two targets without Python.
inline constexpr const char* kFastRefserver = "refserver-fast";

class TargetFixture {
public:
    // Points XDG_CONFIG_HOME and XDG_DATA_HOME into a temporary folder and writes the test-only definitions.
    bool setUp();
    QString error() const { return error_; }
    // The built-in refserver alone (copied into a private built-in folder, so no Python preflight slows the tests)
    // plus the test-only user definitions.
    TargetCatalog catalog() const;
    std::filesystem::path databasePath() const;
    std::filesystem::path root() const;

private:
    std::unique_ptr<QTemporaryDir> dir_;
    QString error_;
};

// 2 rates (100 and 200 req/s), 1 s steps, no warm-up or cool-down, one repetition, stop rule off.
BenchmarkPlan tinyPlan(const std::vector<std::string>& targets);

// Saves widget->grab() as <build>/screenshots/<name>; false when it could not.
bool saveScreenshot(QWidget* widget, const QString& name);

// The live (and zombie) processes whose parent is this process; with `command`, only those whose comm it is.
std::vector<int> childProcesses(const std::string& command = {});

// CPU seconds (user + system) used by one thread of this process, or by the whole process when tid == 0.
double cpuSeconds(int tid = 0);
// The calling thread's id.
int currentThreadId();

} // namespace loadscope::gui_test
