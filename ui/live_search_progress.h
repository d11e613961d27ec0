#pragma once
// LiveSearchProgress: a knee search as it lands, for the Live run page. A search has no fixed step count, so the
// page shows each probe ("Probe 3 at 1125 req/s") and each target's bracket so far: the highest rate held and the
// lowest rate broken with confidence, from the finished probes merged and judged by the analysis library (the same
// knee interval Results and `loadscope show` report once the run is stored). Qt-free.

#include "run_analysis.h"
#include "slo.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace loadscope {

class LiveSearchProgress {
public:
    // The targets in plan order and each one's SLO limits (none known: no bracket, only probe counts).
    void reset(std::vector<std::string> targets, std::map<std::string, SloLimits> limits);
    // A finished probe (ok, failed or cancelled); its histograms make the merged verdicts exact.
    void addProbe(const Step& step);

    int probes(const std::string& target) const;
    int totalProbes() const;
    // "[1125-1687]", "[750-?]" while nothing broke with confidence, "[?-500]" when nothing held, empty before the
    // first measured probe of `target`.
    std::string bracketText(const std::string& target) const;
    // "aiohttp: 4 probes, bracket [1125-1687] · tornado-gen: 3 probes, bracket [750-?]".
    std::string summary() const;
    const std::vector<std::string>& targets() const { return targets_; }

private:
    std::vector<std::string> targets_;
    std::map<std::string, SloLimits> limits_;
    std::vector<Step> steps_;
    std::map<std::string, int> probes_;
    RunAnalysis analysis_;
};

} // namespace loadscope
