#include "comparison.h"

#include "number_text.h"

#include <cmath>

namespace loadscope {

std::string_view symbolOf(Ordering ordering) {
    switch (ordering) {
    case Ordering::Better:
        return ">";
    case Ordering::Worse:
        return "<";
    case Ordering::Same:
        return "\u2248";
    }
    return "\u2248";
}

std::string RateComparison::numbers() const {
    std::string text = formatNumber(ratio, 2) + "x";
    if (ratioInterval)
        text += " [" + formatNumber(ratioInterval->low, 2) + "-" + formatNumber(ratioInterval->high, 2) + "]";
    if (test)
        text += ", p = " + formatNumber(test->pValue, test->pValue < 0.01 ? 4 : 3);
    return text;
}

namespace {
std::vector<double> p99sOf(const MergedMeasurement& m) {
    std::vector<double> values;
    for (const auto& r : m.repetitions)
        values.push_back(r.p99Ms);
    return values;
}

std::string repetitionsText(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " repetition" : " repetitions");
}
} // namespace

RateComparison compareAtRate(const MergedMeasurement& a, const MergedMeasurement& b, const DifferenceRules& rules) {
    RateComparison c;
    c.rps = a.requestedRps;
    c.p99A = a.latency.p99Ms;
    c.p99B = b.latency.p99Ms;
    c.ratio = c.p99B > 0 ? c.p99A / c.p99B : 0;
    if (a.repetitionSet && b.repetitionSet && a.steps >= kMinRepetitionsForInterval &&
        b.steps >= kMinRepetitionsForInterval)
        c.ratioInterval = bootstrapP99Ratio(*a.repetitionSet, *b.repetitionSet);
    const auto valuesA = p99sOf(a), valuesB = p99sOf(b);
    if (valuesA.empty() || valuesB.empty()) {
        c.note = "nothing to compare: a side has no measured repetition";
        return c;
    }
    c.test = mannWhitneyU(valuesA, valuesB);
    const bool bigEnough = std::abs(c.ratio - 1.0) >= rules.minEffect;
    if (c.test->pValue < rules.alpha && bigEnough && c.ratio > 0) {
        c.ordering = c.ratio < 1 ? Ordering::Better : Ordering::Worse;
        return c;
    }
    if (smallestPossiblePValue(valuesA.size(), valuesB.size()) >= rules.alpha) {
        const std::string sizes = valuesA.size() == valuesB.size()
                                      ? repetitionsText(valuesA.size()) + " each"
                                      : repetitionsText(valuesA.size()) + " and " + std::to_string(valuesB.size());
        c.note = sizes + " cannot show p < " + formatNumber(rules.alpha, 3) + "; use " +
                 std::to_string(repetitionsNeededFor(rules.alpha)) + "+";
    } else if (c.test->pValue >= rules.alpha) {
        c.note = "not significant (p = " + formatNumber(c.test->pValue, 3) + ")";
    } else {
        c.note = "significant, but smaller than " + formatNumber(rules.minEffect * 100, 1) + " %";
    }
    return c;
}

KneeComparison compareKnees(const KneeEstimate& a, const KneeEstimate& b) {
    KneeComparison c;
    if (!a.sloKnown || !b.sloKnown || !a.measuredAny || !b.measuredAny) {
        c.decidable = false;
        c.reason =
            "no knee to compare (" +
            (!a.sloKnown || !b.sloKnown ? std::string("no SLO stored with the run") : std::string("nothing measured")) +
            ")";
        return c;
    }
    if (!a.kneeRps && !b.kneeRps) {
        c.reason = "neither met the SLO at any rate measured";
        return c;
    }
    const std::string both = a.text() + " and " + b.text();
    // A held with confidence a rate at or above the one where B broke with confidence (or the reverse).
    if (a.lowEnd() >= b.highEnd()) {
        c.ordering = Ordering::Better;
        c.reason = "knee intervals " + both + " do not overlap";
    } else if (b.lowEnd() >= a.highEnd()) {
        c.ordering = Ordering::Worse;
        c.reason = "knee intervals " + both + " do not overlap";
    } else {
        c.reason = "knee intervals " + both + " overlap";
    }
    return c;
}

} // namespace loadscope
