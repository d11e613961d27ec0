#pragma once
// How `loadscope run` shows a run in progress: on a terminal, one line per finished step and a redrawn progress bar
// with the current step's live numbers and an ETA; otherwise (a pipe, a log file, CI) plain lines only.

#include "run_observer.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace loadscope::cli {

class ProgressPrinter : public RunObserver {
public:
    // `stepSeconds`: the planned wall time of one step (warm-up + duration + cool-down), for the ETA.
    ProgressPrinter(std::FILE* out, bool terminal, bool verbose, double stepSeconds);

    void runStarted(const Run& run, int totalSteps) override;
    void stepStarted(const Step& step, int index, int totalSteps) override;
    void stepProgress(const Step& step, const StepProgress& progress) override;
    void stepFinished(const Step& step) override;
    void logLine(std::string_view source, std::string_view line) override;
    void runFinished(const Run& run) override;

    // The bar, as drawn (for tests): "[#####-----]  50%  step 2/4  a @ 500 rps  1.0/2s  p99 1.20 ms  ETA 7s".
    static std::string barLine(double fraction, int index, int total, const std::string& what, double elapsedS,
                               double durationS, double p99Ms, double etaS, int width);

private:
    void clearBar();
    void drawBar(double stepFraction, double elapsedS, double p99Ms);
    double etaSeconds(double stepFraction) const;
    std::string stepLabel(const Step& step) const;

    std::FILE* out_;
    bool terminal_;
    bool verbose_;
    double stepSeconds_;
    int totalSteps_ = 0;
    int index_ = 0;
    int executedSteps_ = 0;
    double executedSeconds_ = 0;
    bool barShown_ = false;
    std::string currentLabel_;
    double currentDurationS_ = 0;
    std::chrono::steady_clock::time_point stepStart_;
};

} // namespace loadscope::cli
