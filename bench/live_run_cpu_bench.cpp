// live_run_cpu_bench: how much CPU the desktop app's GUI thread uses while a run measures (the budget: under 2 % of
// one core, since the GUI shares the machine with the servers and the load generator it watches).
//
// It shows the real Live run page, starts a real run (real servers, the real load generator) through its
// RunController, and reads /proc/self/task/<gui thread>/stat at the start and end of every step's measured part.
// Run it from a release build, under Xvfb for a real window system:
//   xvfb-run -a -s '-screen 0 1600x1000x24' build/release/bin/live_run_cpu_bench --targets aiohttp,tornado-async
//
// Prints the GUI thread's share of one core while measuring, the whole process's share (GUI + the runner's worker
// thread, which parses the generator's progress), and how many progress signals and redraws reached the GUI.

#include "live_run_charts.h"
#include "live_run_page.h"
#include "run_controller.h"

#include <CLI/CLI.hpp>

#include <QApplication>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QTemporaryDir>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>

using namespace loadscope;

namespace {
// CPU seconds (user + system) of one thread of this process, or of the whole process when tid is 0: fields 14 and 15
// of /proc/.../stat, counted after the command name's closing parenthesis (the name may hold spaces).
double cpuSeconds(long tid = 0) {
    const std::string path = tid == 0 ? "/proc/self/stat" : "/proc/self/task/" + std::to_string(tid) + "/stat";
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i)
        if (i >= 14)
            ticks += std::stod(field);
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct Totals {
    double wallS = 0;
    double guiCpuS = 0;
    double processCpuS = 0;
};
} // namespace

int main(int argc, char** argv) {
    CLI::App cli{"CPU used by the Live run page's GUI thread while a run measures"};
    std::string targets = "aiohttp,tornado-async";
    std::string rates = "500,1000";
    double duration = 10;
    std::string database;
    cli.add_option("--targets", targets, "comma-separated target names")->capture_default_str();
    cli.add_option("--rates", rates, "rates, e.g. 500,1000 or 500:1500:500")->capture_default_str();
    cli.add_option("--duration", duration, "measured seconds per step")->capture_default_str();
    cli.add_option("--db", database, "database to store the run in (default: a temporary file)");
    CLI11_PARSE(cli, argc, argv);

    QApplication app(argc, argv);
    QTemporaryDir scratch;
    BenchmarkPlan plan;
    plan.name = "live_run_cpu_bench";
    for (const auto& name : QString::fromStdString(targets).split(QLatin1Char(','), Qt::SkipEmptyParts))
        plan.targets.push_back(name.trimmed().toStdString());
    plan.rates = parseRates(rates);
    plan.stepDurationS = duration;
    plan.warmupS = 2;
    plan.cooldownS = 1;
    plan.stopRule = false;
    const TargetCatalog catalog = TargetCatalog::loadDefault();
    if (const auto problems = validatePlan(plan, catalog); !problems.empty()) {
        for (const auto& problem : problems)
            std::cerr << "plan: " << problem.field << ": " << problem.message << "\n";
        return 2;
    }
    BenchmarkRunner::Options options;
    options.databasePath = database.empty() ? std::filesystem::path(scratch.path().toStdString()) / "bench.sqlite"
                                            : std::filesystem::path(database);

    LiveRunPage page;
    page.resize(1440, 900);
    page.show();
    RunController* controller = page.controller();
    const long guiThread = static_cast<long>(::syscall(SYS_gettid));

    Totals measuring, whole;
    int progressSignals = 0;
    bool inMeasurement = false;
    double guiAtStart = 0, processAtStart = 0;
    QElapsedTimer stepClock, runClock;
    auto endMeasurement = [&] {
        if (!inMeasurement)
            return;
        inMeasurement = false;
        measuring.wallS += static_cast<double>(stepClock.elapsed()) / 1000.0;
        measuring.guiCpuS += cpuSeconds(guiThread) - guiAtStart;
        measuring.processCpuS += cpuSeconds() - processAtStart;
    };
    QObject::connect(controller, &RunController::stepProgress, [&](const Step&, const StepProgress& progress) {
        ++progressSignals;
        if (progress.elapsedS >= 0 && !inMeasurement) {
            inMeasurement = true;
            stepClock.start();
            guiAtStart = cpuSeconds(guiThread);
            processAtStart = cpuSeconds();
        }
    });
    QObject::connect(controller, &RunController::stepFinished, [&](const Step&) { endMeasurement(); });
    int exitCode = 0;
    QObject::connect(controller, &RunController::failed, [&](const QString& message) {
        std::cerr << "the run failed: " << message.toStdString() << "\n";
        exitCode = 1;
        QApplication::quit();
    });
    QObject::connect(controller, &RunController::runFinished, [&](qint64, RunStatus status) {
        endMeasurement();
        if (status != RunStatus::Completed)
            std::cerr << "the run ended " << toString(status) << "\n";
        QApplication::quit();
    });

    const double guiBefore = cpuSeconds(guiThread);
    const double processBefore = cpuSeconds();
    runClock.start();
    if (!page.start(plan, catalog, options))
        return 1;
    QApplication::exec();
    whole.wallS = static_cast<double>(runClock.elapsed()) / 1000.0;
    whole.guiCpuS = cpuSeconds(guiThread) - guiBefore;
    whole.processCpuS = cpuSeconds() - processBefore;
    if (exitCode != 0)
        return exitCode;

    auto share = [](double cpu, double wall) { return wall > 0 ? 100.0 * cpu / wall : 0.0; };
    std::printf("Live run page, platform %s, plan: %s x %s req/s, %.0f s steps\n",
                QGuiApplication::platformName().toUtf8().constData(), targets.c_str(), rates.c_str(), duration);
    std::printf("while measuring (%.1f s): GUI thread %.3f s CPU = %.2f %% of a core; whole process %.3f s = %.2f %%\n",
                measuring.wallS, measuring.guiCpuS, share(measuring.guiCpuS, measuring.wallS), measuring.processCpuS,
                share(measuring.processCpuS, measuring.wallS));
    std::printf("whole run (%.1f s): GUI thread %.2f %% of a core; whole process %.2f %%\n", whole.wallS,
                share(whole.guiCpuS, whole.wallS), share(whole.processCpuS, whole.wallS));
    std::printf("progress signals %d (%.1f/s), timeline redraws %d, latency-chart redraws %d\n", progressSignals,
                progressSignals / whole.wallS, page.timelineChart()->batchedReplotCount(),
                page.latencyChart()->batchedReplotCount());
    return 0;
}
