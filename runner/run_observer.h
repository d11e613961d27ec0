#pragma once
// RunObserver: how a run reports progress, without Qt. The runner calls these from its own thread; the GUI adapts
// them to queued Qt signals, the CLI prints them. Implementations must return quickly.

#include "run_types.h"

#include <string_view>

namespace loadscope {

struct StepProgress {
    double elapsedS = 0;  // since the step's measured part began (negative during warm-up)
    double durationS = 0; // the step's planned measured duration
    std::int64_t sent = 0;
    std::int64_t completed = 0;
    std::int64_t errors = 0;
    double p50Ms = 0; // so far
    double p99Ms = 0;
};

class RunObserver {
public:
    virtual ~RunObserver() = default;
    virtual void runStarted(const Run& /*run*/, int /*totalSteps*/) {}
    // `step` carries target, scenario, rate, repetition and sequence; no measurements yet.
    virtual void stepStarted(const Step& /*step*/, int /*index*/, int /*totalSteps*/) {}
    virtual void stepProgress(const Step& /*step*/, const StepProgress& /*progress*/) {}
    // The step as stored (ok, failed or skipped).
    virtual void stepFinished(const Step& /*step*/) {}
    // source: "server:<target>", "loadgen", "runner".
    virtual void logLine(std::string_view /*source*/, std::string_view /*line*/) {}
    virtual void runFinished(const Run& /*run*/) {}
};

} // namespace loadscope
