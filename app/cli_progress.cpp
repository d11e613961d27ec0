#include "cli_progress.h"

#include "benchmark_plan.h"
#include "cli_summary.h"
#include "cli_table.h"
#include "plan_text.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace loadscope::cli {

namespace {
int terminalWidth(std::FILE* out) {
    winsize size{};
    if (ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 20)
        return size.ws_col;
    return 100;
}
} // namespace

ProgressPrinter::ProgressPrinter(std::FILE* out, bool terminal, bool verbose, double stepSeconds)
    : out_(out)
    , terminal_(terminal)
    , verbose_(verbose)
    , stepSeconds_(stepSeconds) {}

std::string ProgressPrinter::barLine(double fraction, int index, int total, const std::string& what, double elapsedS,
                                     double durationS, double p99Ms, double etaS, int width) {
    fraction = std::clamp(fraction, 0.0, 1.0);
    constexpr int kBarCells = 20;
    const int filled = static_cast<int>(std::lround(fraction * kBarCells));
    std::string line = "[" + std::string(filled, '#') + std::string(kBarCells - filled, '-') + "] ";
    line += (fraction < 0.1 ? "  "
             : fraction < 1 ? " "
                            : "") +
            fixed(fraction * 100, 0) + "%  step " + std::to_string(index) + "/" + std::to_string(total) + "  " + what +
            "  ";
    line += elapsedS < 0 ? "warm-up" : fixed(std::min(elapsedS, durationS), 1) + "/" + formatNumber(durationS, 1) + "s";
    if (p99Ms > 0)
        line += "  p99 " + formatMs(p99Ms) + " ms";
    line += "  ETA " + formatDuration(std::max(0.0, std::round(etaS)));
    if (static_cast<int>(line.size()) > width - 1)
        line.resize(static_cast<std::size_t>(std::max(0, width - 1)));
    return line;
}

std::string ProgressPrinter::stepLabel(const Step& step) const {
    std::string label = step.targetName + " @ " + formatRps(step.requestedRps) + " rps";
    if (step.repetition > 1)
        label += " (rep " + std::to_string(step.repetition) + ")";
    return label;
}

void ProgressPrinter::runStarted(const Run& run, int totalSteps) {
    totalSteps_ = totalSteps;
    std::fprintf(out_, "Run #%lld \"%s\": %d steps, about %s\n", static_cast<long long>(run.id), run.name.c_str(),
                 totalSteps, formatDuration(totalSteps * stepSeconds_).c_str());
    std::fflush(out_);
}

void ProgressPrinter::stepStarted(const Step& step, int index, int totalSteps) {
    index_ = index;
    totalSteps_ = totalSteps;
    currentLabel_ = stepLabel(step);
    currentDurationS_ = 0;
    stepStart_ = std::chrono::steady_clock::now();
    if (terminal_)
        drawBar(0, -1, 0);
    else if (verbose_)
        std::fprintf(out_, "[%d/%d] %s ...\n", index, totalSteps, currentLabel_.c_str());
    std::fflush(out_);
}

double ProgressPrinter::etaSeconds(double stepFraction) const {
    // Steps measured so far tell the real pace (start-up, result parsing); before the first, the plan's estimate.
    const double perStep = executedSteps_ > 0 ? executedSeconds_ / executedSteps_ : stepSeconds_;
    const double remainingSteps = std::max(0, totalSteps_ - index_);
    return remainingSteps * perStep + (1 - stepFraction) * perStep;
}

void ProgressPrinter::drawBar(double stepFraction, double elapsedS, double p99Ms) {
    const double overall = totalSteps_ > 0 ? (index_ - 1 + stepFraction) / totalSteps_ : 0;
    const auto line = barLine(overall, index_, totalSteps_, currentLabel_, elapsedS, currentDurationS_, p99Ms,
                              etaSeconds(stepFraction), terminalWidth(out_));
    std::fprintf(out_, "\r%s\033[K", line.c_str());
    barShown_ = true;
}

void ProgressPrinter::clearBar() {
    if (barShown_) {
        std::fprintf(out_, "\r\033[K");
        barShown_ = false;
    }
}

void ProgressPrinter::stepProgress(const Step&, const StepProgress& progress) {
    if (!terminal_)
        return;
    currentDurationS_ = progress.durationS;
    const double fraction = progress.durationS > 0 ? std::clamp(progress.elapsedS / progress.durationS, 0.0, 1.0) : 0;
    drawBar(fraction, progress.elapsedS, progress.p99Ms);
    std::fflush(out_);
}

void ProgressPrinter::stepFinished(const Step& step) {
    if (step.status != StepStatus::Skipped) {
        ++executedSteps_;
        executedSeconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - stepStart_).count();
    }
    clearBar();
    std::string line = "[" + std::to_string(index_) + "/" + std::to_string(totalSteps_) + "] " + stepLabel(step) + ": ";
    if (step.status == StepStatus::Ok || step.status == StepStatus::Cancelled) {
        line += step.status == StepStatus::Cancelled ? "cancelled after " + fixed(step.durationS, 1) + " s, " : "";
        line += "achieved " + formatRps(step.achievedRps) + " rps, p50 " + formatMs(step.latency.p50Ms) + " ms, p99 " +
                formatMs(step.latency.p99Ms) + " ms, errors " + std::to_string(step.errors.total()) + ", CPU " +
                fixed(step.server.cpuPercent, 0) + " %";
        const auto flags = flagWords(step.flags);
        if (!flags.empty())
            line += "  [" + flags + "]";
    } else {
        line += std::string(toString(step.status)) + ": " + step.statusMessage;
    }
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
}

void ProgressPrinter::logLine(std::string_view source, std::string_view line) {
    const bool warning = line.rfind("warning", 0) == 0;
    if (!verbose_ && !warning)
        return;
    clearBar();
    std::fprintf(out_, "  %.*s: %.*s\n", static_cast<int>(source.size()), source.data(), static_cast<int>(line.size()),
                 line.data());
    std::fflush(out_);
}

void ProgressPrinter::runFinished(const Run& run) {
    clearBar();
    std::fprintf(out_, "Run #%lld %s.\n", static_cast<long long>(run.id), std::string(toString(run.status)).c_str());
    std::fflush(out_);
}

} // namespace loadscope::cli
