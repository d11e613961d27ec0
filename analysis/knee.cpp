#include "knee.h"

#include "number_text.h"

#include <algorithm>
#include <limits>

namespace loadscope {

std::string rateText(double rps) {
    return formatNumber(rps, rps < 10 ? 2 : 1);
}

bool KneeEstimate::heldEveryRate() const {
    return kneeRps && openEnded() && heldWithConfidence && *kneeRps == highestMeasuredRps &&
           *heldWithConfidence == *kneeRps;
}

double KneeEstimate::lowEnd() const {
    return heldWithConfidence.value_or(0.0);
}

double KneeEstimate::highEnd() const {
    if (openEnded())
        return std::numeric_limits<double>::infinity();
    return *brokenWithConfidence;
}

std::string KneeEstimate::text() const {
    if (!sloKnown)
        return "unknown (no SLO stored with the run)";
    if (!measuredAny)
        return "not measured";
    if (!kneeRps)
        return "never met the SLO";
    if (heldEveryRate())
        return rateText(*kneeRps) + "+";
    const std::string low = heldWithConfidence ? rateText(*heldWithConfidence) : "?";
    const std::string high = openEnded() ? rateText(highestMeasuredRps) + "+" : rateText(*brokenWithConfidence);
    return rateText(*kneeRps) + " (" + low + "-" + high + ")";
}

std::string KneeEstimate::shortText() const {
    if (!sloKnown || !measuredAny || !kneeRps)
        return "-";
    return heldEveryRate() ? ">= " + rateText(*kneeRps) : rateText(*kneeRps);
}

std::string KneeEstimate::explanation() const {
    if (!sloKnown)
        return "no SLO is stored with the run";
    std::vector<std::string> parts;
    parts.push_back(heldWithConfidence ? "held with confidence up to " + rateText(*heldWithConfidence) + " req/s"
                                       : "no rate held with confidence");
    parts.push_back(brokenWithConfidence
                        ? "broken with confidence from " + rateText(*brokenWithConfidence) + " req/s"
                        : "no rate broken with confidence (up to " + rateText(highestMeasuredRps) + " req/s measured)");
    return joinList(parts, "; ");
}

KneeEstimate estimateKnee(std::vector<RateVerdict> rates) {
    KneeEstimate k;
    k.sloKnown = true;
    if (rates.empty())
        return k;
    std::sort(rates.begin(), rates.end(), [](const RateVerdict& a, const RateVerdict& b) { return a.rps < b.rps; });
    k.measuredAny = true;
    k.lowestMeasuredRps = rates.front().rps;
    k.highestMeasuredRps = rates.back().rps;
    for (const auto& r : rates) {
        if (r.confidence == Confidence::Broken) {
            k.brokenWithConfidence = r.rps;
            break;
        }
        k.highestBelowBreak = r.rps;
        if (r.met)
            k.kneeRps = r.rps;
        if (r.confidence == Confidence::Held)
            k.heldWithConfidence = r.rps;
    }
    return k;
}

KneeEstimate estimateKnee(const std::vector<MergedMeasurement>& measurements, const std::string& target) {
    std::vector<RateVerdict> rates;
    bool sloKnown = false;
    for (const auto& m : measurements) {
        if (m.targetName != target)
            continue;
        sloKnown |= m.limits.has_value();
        if (m.measured() && m.limits)
            rates.push_back({m.requestedRps, m.verdict.met, m.confidence});
    }
    KneeEstimate k = estimateKnee(std::move(rates));
    k.sloKnown = sloKnown;
    return k;
}

} // namespace loadscope
