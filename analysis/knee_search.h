#pragma once
// The knee search's decisions for one target (the idea of MLRsearch, draft-ietf-bmwg-mlrsearch): climb from a
// start rate by a factor until the SLO breaks and a repetition confirms the break (or step down while even the start
// breaks), then bisect between the highest held and the lowest broken rate until they are within the resolution,
// and finally confirm the held rate at the full step duration; when no rate broke with confidence (only by the point
// verdict after the last repeat), one rate a little higher is probed so that the knee's interval can close. A rate is
// probed again only while its verdict is uncertain, up to a maximum. The caller measures each probe, merges every probe
// at that rate (mergeRepetitions) and reports the merged verdict back; this class never touches a server.

#include "knee.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace loadscope {

struct KneeSearchSettings {
    double startRps = 500;
    double growth = 1.5;          // the climb's factor
    double resolution = 0.05;     // stop when lowest broken / highest held <= 1 + resolution (at least 1 %)
    int maxProbesPerRate = 3;     // repeat an uncertain rate at most this often
    double probeDurationS = 5;    // climb and bisection probes
    double confirmDurationS = 20; // the final held rate, at the plan's full step duration
    double maxRps = 1e6;          // never probe above (the generator's limit)
    double minRps = 1;            // never probe below: the target meets the SLO at no rate
    int maxProbes = 60;           // a hard cap on probes for one target
};

struct SearchProbe {
    double rps = 0;
    double durationS = 0;
    std::string purpose; // "climb", "confirm break", "repeat (uncertain)", "bisect", "confirm knee", "step down",
                         // "confirm break above"
};

class KneeSearch {
public:
    explicit KneeSearch(KneeSearchSettings settings);

    // What to measure next; nullopt when the search is over (see stopReason()).
    std::optional<SearchProbe> next() const;
    // After `probe` was measured: `probeMet`, its own point verdict, and `mergedAtRate`, the verdict of every probe at
    // that rate merged. A probe that failed to measure at all (the server died) is reported as not met and broken
    // with confidence.
    void record(const SearchProbe& probe, bool probeMet, const RateVerdict& mergedAtRate);
    // Ends the search early (a time budget, a cancel), keeping the bracket reached.
    void stop(std::string reason);

    bool done() const { return !stopReason_.empty(); }
    const std::string& stopReason() const { return stopReason_; }
    std::optional<double> highestHeld() const { return highestHeld_; }
    std::optional<double> lowestBroken() const { return lowestBroken_; }
    int probes() const { return probes_; }
    // "held 1687, broke 1898 (within 5 %)", for logs and the run's record.
    std::string bracketText() const;

private:
    struct RateState {
        int probes = 0;
        int brokenProbes = 0; // probes whose own verdict broke the SLO
        bool fullDuration = false;
        RateVerdict verdict;
    };
    enum class Decision { Held, Broken, Undecided };
    Decision decide(const RateState& state) const;
    void advance(double rps, Decision decision);
    void planNext();
    bool bracketNarrowEnough() const;
    bool confidentBreakAbove(double rps) const;

    KneeSearchSettings settings_;
    std::map<double, RateState> rates_;
    std::optional<SearchProbe> next_;
    std::optional<double> highestHeld_, lowestBroken_;
    int probes_ = 0;
    bool triedAbove_ = false; // the one probe above an unsure break, to close the knee's interval
    std::string stopReason_;
};

// The default start rate: a tenth of what the plan's connections could carry at the scenario's ideal latency
// (Little's law), rounded to a round number and kept within [minRps, maxRps].
double defaultSearchStartRps(double idealLatencyMs, int connections);

// A search's final bracket as stored with its run (environment targets.NAME.search.bracket, written by
// bracketText()) read back: "held 1687, broke 1898 (within 5 %)" -> {1687, 1898}; "held no rate" leaves an end
// unset. nullopt for any other text.
struct SearchBracket {
    std::optional<double> held;
    std::optional<double> broken;
};
std::optional<SearchBracket> parseBracketText(std::string_view text);

} // namespace loadscope
