#pragma once
// The stop rule, per target and repetition: after two rates in a row broken with confidence (or failed), the target
// has given up and its higher rates in that repetition are skipped. A break that is not confident (a p99 a hair
// over its limit, a break the generator's lateness could explain) neither counts nor resets: it proves nothing.

#include "measurement.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace loadscope {

class StopRule {
public:
    explicit StopRule(bool enabled)
        : enabled_(enabled) {}
    // `met` is the step's point verdict, `confidence` how sure it is (Broken for a failed step).
    void record(const std::string& target, int repetition, double rate, bool met, Confidence confidence);
    bool hasGivenUp(const std::string& target, int repetition) const;
    // "stop rule: the SLO was broken with confidence at 1200 and 1500 rps in a row"
    std::string reason(const std::string& target, int repetition) const;

private:
    struct State {
        int brokenInARow = 0;
        std::vector<double> brokenRates;
        bool givenUp = false;
    };
    bool enabled_;
    std::map<std::pair<std::string, int>, State> states_;
};

} // namespace loadscope
