#include "knee_search.h"

#include "number_text.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace loadscope {

namespace {
// Rates are whole requests per second above 10 (a bisection would otherwise chase fractions).
double roundedRate(double rps) {
    return rps >= 10 ? std::round(rps) : std::round(rps * 100) / 100;
}
} // namespace

double defaultSearchStartRps(double idealLatencyMs, int connections) {
    if (idealLatencyMs <= 0 || connections <= 0)
        return 100;
    const double carried = connections / (idealLatencyMs / 1000.0);
    const double tenth = carried / 10.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(tenth)));
    return std::max(1.0, std::floor(tenth / magnitude) * magnitude);
}

KneeSearch::KneeSearch(KneeSearchSettings settings)
    : settings_(settings) {
    settings_.resolution = std::max(0.01, settings_.resolution);
    settings_.growth = std::max(1.0 + settings_.resolution, settings_.growth);
    settings_.maxProbesPerRate = std::max(2, settings_.maxProbesPerRate);
    const double start = roundedRate(std::clamp(settings_.startRps, settings_.minRps, settings_.maxRps));
    next_ = SearchProbe{start, settings_.probeDurationS, "climb"};
}

std::optional<SearchProbe> KneeSearch::next() const {
    if (done())
        return std::nullopt;
    return next_;
}

void KneeSearch::stop(std::string reason) {
    if (!done())
        stopReason_ = std::move(reason);
}

KneeSearch::Decision KneeSearch::decide(const RateState& state) const {
    const auto& v = state.verdict;
    const bool exhausted = state.probes >= settings_.maxProbesPerRate;
    if (v.met && (v.confidence == Confidence::Held || exhausted))
        return Decision::Held;
    // A break counts once a repetition confirms it: a second probe that broke on its own, and more probes broken than
    // held (a hiccup in one probe merged with a good repeat is not a confirmation).
    const int heldProbes = state.probes - state.brokenProbes;
    if (state.brokenProbes >= 2 && state.brokenProbes > heldProbes && v.confidence != Confidence::Held)
        return Decision::Broken;
    if (exhausted)
        return v.met ? Decision::Held : Decision::Broken;
    return Decision::Undecided;
}

bool KneeSearch::confidentBreakAbove(double rps) const {
    return std::any_of(rates_.begin(), rates_.end(), [rps](const auto& entry) {
        return entry.first > rps && entry.second.verdict.confidence == Confidence::Broken;
    });
}

bool KneeSearch::bracketNarrowEnough() const {
    return highestHeld_ && lowestBroken_ && *lowestBroken_ <= *highestHeld_ * (1.0 + settings_.resolution) + 1e-9;
}

std::string KneeSearch::bracketText() const {
    std::string text = highestHeld_ ? "held " + rateText(*highestHeld_) : std::string("held no rate");
    text += lowestBroken_ ? ", broke " + rateText(*lowestBroken_) : std::string(", broke no rate");
    if (bracketNarrowEnough())
        text += " (within " + formatNumber(settings_.resolution * 100, 1) + " %)";
    return text;
}

void KneeSearch::record(const SearchProbe& probe, bool probeMet, const RateVerdict& mergedAtRate) {
    if (done())
        return;
    ++probes_;
    auto& state = rates_[probe.rps];
    ++state.probes;
    state.brokenProbes += probeMet ? 0 : 1;
    state.fullDuration |= probe.durationS >= settings_.confirmDurationS - 1e-9;
    state.verdict = mergedAtRate;
    const Decision decision = decide(state);
    if (decision == Decision::Undecided) {
        if (probes_ >= settings_.maxProbes)
            return stop("the search reached its limit of " + std::to_string(settings_.maxProbes) + " probes");
        next_ = SearchProbe{probe.rps, probe.durationS, mergedAtRate.met ? "repeat (uncertain)" : "confirm break"};
        return;
    }
    advance(probe.rps, decision);
    if (!done() && probes_ >= settings_.maxProbes)
        stop("the search reached its limit of " + std::to_string(settings_.maxProbes) + " probes");
}

void KneeSearch::advance(double rps, Decision decision) {
    if (decision == Decision::Held) {
        if (!highestHeld_ || rps > *highestHeld_)
            highestHeld_ = rps;
    } else {
        if (!lowestBroken_ || rps < *lowestBroken_)
            lowestBroken_ = rps;
        // A confirmation that broke: the rate is no longer held, the next held one below takes its place.
        if (highestHeld_ && *highestHeld_ >= rps) {
            highestHeld_.reset();
            for (const auto& [rate, state] : rates_)
                if (rate < rps && decide(state) == Decision::Held)
                    highestHeld_ = rate;
        }
    }
    planNext();
}

void KneeSearch::planNext() {
    const double probe = settings_.probeDurationS;
    if (!lowestBroken_) { // still climbing
        const double up = roundedRate(*highestHeld_ * settings_.growth);
        if (*highestHeld_ >= settings_.maxRps)
            return stop("held the highest rate allowed (" + rateText(settings_.maxRps) + " req/s)");
        next_ = SearchProbe{std::min(up, settings_.maxRps), probe, "climb"};
        return;
    }
    if (!highestHeld_) { // even the lowest rate tried broke: step down
        const double down = roundedRate(*lowestBroken_ / settings_.growth);
        if (*lowestBroken_ <= settings_.minRps || down < settings_.minRps)
            return stop("broke the SLO even at " + rateText(*lowestBroken_) + " req/s");
        next_ = SearchProbe{down, probe, "step down"};
        return;
    }
    if (!bracketNarrowEnough()) {
        const double mid = roundedRate(std::sqrt(*highestHeld_ * *lowestBroken_));
        if (mid > *highestHeld_ && mid < *lowestBroken_) {
            next_ = SearchProbe{mid, probe, "bisect"};
            return;
        }
    }
    // Narrow enough: the held rate must stand at the full step duration.
    const auto& held = rates_[*highestHeld_];
    if (!held.fullDuration) {
        next_ = SearchProbe{*highestHeld_, settings_.confirmDurationS, "confirm knee"};
        return;
    }
    // The knee's interval closes only at a rate broken with confidence. A break decided by the point verdict after
    // the last allowed repeat leaves it open ("2407+"), so try once a little higher, where a break is clearer.
    if (!confidentBreakAbove(*highestHeld_) && !triedAbove_ && *lowestBroken_ < settings_.maxRps) {
        triedAbove_ = true;
        const double above = std::min(settings_.maxRps, roundedRate(*lowestBroken_ * std::sqrt(settings_.growth)));
        next_ = SearchProbe{above, probe, "confirm break above"};
        return;
    }
    stop("bracket reached: " + bracketText());
}

namespace {
// "held 1687" / "held no rate" at the start of `text`; advances past it.
bool readEnd(std::string_view& text, std::string_view word, std::optional<double>& value) {
    if (text.substr(0, word.size()) != word)
        return false;
    text.remove_prefix(word.size());
    if (text.substr(0, 7) == "no rate") {
        text.remove_prefix(7);
        return true;
    }
    std::size_t used = 0;
    try {
        value = std::stod(std::string(text), &used);
    } catch (const std::exception&) {
        return false;
    }
    text.remove_prefix(used);
    return true;
}
} // namespace

std::optional<SearchBracket> parseBracketText(std::string_view text) {
    SearchBracket bracket;
    if (!readEnd(text, "held ", bracket.held) || text.substr(0, 2) != ", ")
        return std::nullopt;
    text.remove_prefix(2);
    if (!readEnd(text, "broke ", bracket.broken))
        return std::nullopt;
    return bracket;
}

} // namespace loadscope
