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

double shareOfCore(double cpuS, double wallS) {
    return wallS > 0 ? 100.0 * cpuS / wallS : 0.0;
}

// Adds up the GUI thread's and the process's CPU over the measured part of every step: from the step's first
// progress in its measurement (elapsed >= 0) to its end.
class MeasurementMeter {
public:
    explicit MeasurementMeter(long guiThread)
        : guiThread_(guiThread) {}

    void onProgress(const StepProgress& progress) {
        ++progressSignals_;
        if (progress.elapsedS < 0 || inMeasurement_)
            return;
        inMeasurement_ = true;
        stepClock_.start();
        guiAtStart_ = cpuSeconds(guiThread_);
        processAtStart_ = cpuSeconds();
    }
    void endMeasurement() {
        if (!inMeasurement_)
            return;
        inMeasurement_ = false;
        measuring_.wallS += static_cast<double>(stepClock_.elapsed()) / 1000.0;
        measuring_.guiCpuS += cpuSeconds(guiThread_) - guiAtStart_;
        measuring_.processCpuS += cpuSeconds() - processAtStart_;
    }
    const Totals& measuring() const { return measuring_; }
    int progressSignals() const { return progressSignals_; }

private:
    long guiThread_;
    Totals measuring_;
    int progressSignals_ = 0;
    bool inMeasurement_ = false;
    double guiAtStart_ = 0, processAtStart_ = 0;
    QElapsedTimer stepClock_;
};

struct BenchSettings {
    std::string targets = "aiohttp,tornado-async";
    std::string rates = "500,1000";
    double duration = 10;
    std::string database;
};

BenchmarkPlan benchPlan(const BenchSettings& settings) {
    BenchmarkPlan plan;
    plan.name = "live_run_cpu_bench";
    for (const auto& name : QString::fromStdString(settings.targets).split(QLatin1Char(','), Qt::SkipEmptyParts))
        plan.targets.push_back(name.trimmed().toStdString());
    plan.rates = parseRates(settings.rates);
    plan.stepDurationS = settings.duration;
    plan.warmupS = 2;
    plan.cooldownS = 1;
    plan.stopRule = false;
    return plan;
}

void printReport(const BenchSettings& settings, const MeasurementMeter& meter, const Totals& whole,
                 const LiveRunPage& page) {
    const Totals& measuring = meter.measuring();
    std::printf("Live run page, platform %s, plan: %s x %s req/s, %.0f s steps\n",
                QGuiApplication::platformName().toUtf8().constData(), settings.targets.c_str(), settings.rates.c_str(),
                settings.duration);
    std::printf("while measuring (%.1f s): GUI thread %.3f s CPU = %.2f %% of a core; whole process %.3f s = %.2f %%\n",
                measuring.wallS, measuring.guiCpuS, shareOfCore(measuring.guiCpuS, measuring.wallS),
                measuring.processCpuS, shareOfCore(measuring.processCpuS, measuring.wallS));
    std::printf("whole run (%.1f s): GUI thread %.2f %% of a core; whole process %.2f %%\n", whole.wallS,
                shareOfCore(whole.guiCpuS, whole.wallS), shareOfCore(whole.processCpuS, whole.wallS));
    std::printf("progress signals %d (%.1f/s), timeline redraws %d, latency-chart redraws %d\n",
                meter.progressSignals(), meter.progressSignals() / whole.wallS,
                page.timelineChart()->batchedReplotCount(), page.latencyChart()->batchedReplotCount());
}
} // namespace

int main(int argc, char** argv) {
    CLI::App cli{"CPU used by the Live run page's GUI thread while a run measures"};
    BenchSettings settings;
    cli.add_option("--targets", settings.targets, "comma-separated target names")->capture_default_str();
    cli.add_option("--rates", settings.rates, "rates, e.g. 500,1000 or 500:1500:500")->capture_default_str();
    cli.add_option("--duration", settings.duration, "measured seconds per step")->capture_default_str();
    cli.add_option("--db", settings.database, "database to store the run in (default: a temporary file)");
    CLI11_PARSE(cli, argc, argv);

    QApplication app(argc, argv);
    QTemporaryDir scratch;
    const BenchmarkPlan plan = benchPlan(settings);
    const TargetCatalog catalog = TargetCatalog::loadDefault();
    if (const auto problems = validatePlan(plan, catalog); !problems.empty()) {
        for (const auto& problem : problems)
            std::cerr << "plan: " << problem.field << ": " << problem.message << "\n";
        return 2;
    }
    BenchmarkRunner::Options options;
    options.databasePath = settings.database.empty()
                               ? std::filesystem::path(scratch.path().toStdString()) / "bench.sqlite"
                               : std::filesystem::path(settings.database);

    LiveRunPage page;
    page.resize(1440, 900);
    page.show();
    RunController* controller = page.controller();
    const long guiThread = static_cast<long>(::syscall(SYS_gettid));
    MeasurementMeter meter(guiThread);
    QObject::connect(controller, &RunController::stepProgress,
                     [&](const Step&, const StepProgress& progress) { meter.onProgress(progress); });
    QObject::connect(controller, &RunController::stepFinished, [&](const Step&) { meter.endMeasurement(); });
    int exitCode = 0;
    QObject::connect(controller, &RunController::failed, [&](const QString& message) {
        std::cerr << "the run failed: " << message.toStdString() << "\n";
        exitCode = 1;
        QApplication::quit();
    });
    QObject::connect(controller, &RunController::runFinished, [&](qint64, RunStatus status) {
        meter.endMeasurement();
        if (status != RunStatus::Completed)
            std::cerr << "the run ended " << toString(status) << "\n";
        QApplication::quit();
    });

    const double guiBefore = cpuSeconds(guiThread);
    const double processBefore = cpuSeconds();
    QElapsedTimer runClock;
    runClock.start();
    if (!page.start(plan, catalog, options))
        return 1;
    QApplication::exec();
    Totals whole;
    whole.wallS = static_cast<double>(runClock.elapsed()) / 1000.0;
    whole.guiCpuS = cpuSeconds(guiThread) - guiBefore;
    whole.processCpuS = cpuSeconds() - processBefore;
    if (exitCode != 0)
        return exitCode;
    printReport(settings, meter, whole, page);
    return 0;
}
