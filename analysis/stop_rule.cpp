#include "stop_rule.h"

#include "knee.h"
#include "number_text.h"

namespace loadscope {

void StopRule::record(const std::string& target, int repetition, double rate, bool met, Confidence confidence) {
    auto& state = states_[{target, repetition}];
    if (met) {
        state.brokenInARow = 0;
        state.brokenRates.clear();
        return;
    }
    if (confidence != Confidence::Broken)
        return;
    ++state.brokenInARow;
    state.brokenRates.push_back(rate);
    if (enabled_ && state.brokenInARow >= 2)
        state.givenUp = true;
}

bool StopRule::hasGivenUp(const std::string& target, int repetition) const {
    const auto it = states_.find({target, repetition});
    return it != states_.end() && it->second.givenUp;
}

std::string StopRule::reason(const std::string& target, int repetition) const {
    const auto it = states_.find({target, repetition});
    if (it == states_.end() || !it->second.givenUp)
        return {};
    std::vector<std::string> rates;
    for (double r : it->second.brokenRates)
        rates.push_back(rateText(r));
    return "stop rule: the SLO was broken with confidence at " + joinList(rates, " and ") + " rps in a row";
}

} // namespace loadscope
