#pragma once
// A target's knee, with its uncertainty. On the rates measured:
// - the lowest rate broken with confidence caps everything: a knee never sits above it, however lucky a higher
//   rate was;
// - the knee is the highest rate below that cap whose point verdict held;
// - its interval runs from the highest rate held with confidence (below the cap) to the cap itself, the lowest rate
//   broken with confidence (the capacity lies in between), open-ended ("3000+") when nothing broke with confidence.

#include "measurement.h"

#include <optional>
#include <string>
#include <vector>

namespace loadscope {

// What the knee needs of one rate.
struct RateVerdict {
    double rps = 0;
    bool met = false; // the point verdict
    Confidence confidence = Confidence::Uncertain;
};

struct KneeEstimate {
    bool sloKnown = false;                      // false: no verdicts (no SLO stored with the run)
    std::optional<double> kneeRps;              // the point knee
    std::optional<double> heldWithConfidence;   // the interval's low end
    std::optional<double> brokenWithConfidence; // the interval's high end
    std::optional<double> highestBelowBreak;    // the highest rate measured below the cap
    double lowestMeasuredRps = 0, highestMeasuredRps = 0;
    bool measuredAny = false;

    // Nothing broke with confidence: the capacity may lie above every rate measured.
    bool openEnded() const { return !brokenWithConfidence.has_value(); }
    // The knee is the highest rate measured, held with confidence, and nothing broke.
    bool heldEveryRate() const;
    // The interval's ends as numbers for comparisons: low (0 without a confident hold), high (the confident break;
    // infinity when open-ended). A knee holds more load than another when its low end reaches the other's high end.
    double lowEnd() const;
    double highEnd() const;
    // "1750 (1500-2000)", "3000+", "2500 (2000-3000+)" (nothing broke with confidence up to 3000), "1500 (?-2000)",
    // "never met the SLO", "unknown (no SLO stored)".
    std::string text() const;
    // The knee alone, for tables: "1750", ">= 3000", "-".
    std::string shortText() const;
    // Why, in words: "held with confidence up to 1500 req/s; broken with confidence from 2250 req/s".
    std::string explanation() const;
};

KneeEstimate estimateKnee(std::vector<RateVerdict> rates);
// The knee of `target` from merged measurements (those without an SLO verdict are left out).
KneeEstimate estimateKnee(const std::vector<MergedMeasurement>& measurements, const std::string& target);

// A rate for people: 1500 -> "1500", 187.5 -> "187.5".
std::string rateText(double rps);

} // namespace loadscope
