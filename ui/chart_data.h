#pragma once
// Chart data: what the Results charts draw, computed from stored runs without Qt, so tests can check the numbers.
//
// A ResultsDataset groups the steps of one or more runs by (run, target, requested rate): the repetitions of one
// measurement. Each group's latency comes from the repetitions' histograms MERGED (never from averaged percentiles);
// the min-max band is the spread of the repetitions' own percentiles. Building a dataset is the expensive part (it
// merges histograms) and runs off the GUI thread; the per-chart queries below are cheap.

#include "knee_search.h"
#include "run_analysis.h"
#include "run_types.h"
#include "slo.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loadscope {

enum class Percentile { P50, P90, P99, P999, Max };
const std::vector<Percentile>& allPercentiles();
double percentileValue(Percentile p);                                  // 50, 90, 99, 99.9, 100
std::string_view percentileLabel(Percentile p);                        // "p50", "p90", "p99", "p99.9", "max"
std::optional<Percentile> percentileFromLabel(std::string_view label); // also accepts "50", "99.9", "p999"
double summaryValue(const LatencySummary& summary, Percentile p);

// The x coordinate of a percentile on a "nines" axis: 50 % -> 0.301, 90 % -> 1, 99 % -> 2, 99.9 % -> 3 ...
double ninesOf(double percent);
double percentOfNines(double nines);

// The repetitions of one (run, target, requested rate) measurement.
struct MeasurementGroup {
    std::size_t runIndex = 0;
    std::string target;
    std::string scenario;
    double requestedRps = 0;
    std::vector<std::size_t> steps;   // indices into runs[runIndex].steps: every repetition, whatever its status
    std::vector<std::size_t> okSteps; // the repetitions that measured (status ok)
    int okRepetitions() const { return static_cast<int>(okSteps.size()); }

    // The analysis library's answer for this measurement (analysis/measurement.h): merged percentiles, the p99
    // interval, the SLO verdict and its confidence. `merged` is its latency, so a chart and the CLI show one number.
    MergedMeasurement analysis;
    LatencySummary merged;    // of the ok repetitions' latency histograms merged
    bool approximate = false; // no histograms were available: the summary of the worst repetition stands in
    struct SpectrumPoint {
        double percent;
        double latencyMs;
    };
    std::vector<SpectrumPoint> spectrum; // the merged histogram's percentile spectrum, 50 % up to its last value

    double achievedRps = 0; // mean over the ok repetitions
    double achievedMinRps = 0, achievedMaxRps = 0;
    std::int64_t due = 0;
    std::int64_t errors = 0;
    double errorRate() const { return analysis.due > 0 ? failureRate(analysis.due, analysis.ok) : 0; }
    bool generatorLimited = false;
    bool connectionLimited = false;
    bool sloViolated = false;
    bool serverRestarted = false;
    int failedRepetitions = 0;  // status failed or cancelled
    int skippedRepetitions = 0; // left out by the stop rule
    std::string note;           // the reasons behind flags and failures, deduplicated, "; "-separated

    double cpuPercent = 0, cpuMinPercent = 0, cpuMaxPercent = 0; // server CPU, mean and spread over ok repetitions
    double rssMiB = 0, rssMinMiB = 0;                            // peak RSS: highest and lowest repetition

    bool hasMeasurement() const { return !okSteps.empty(); }
    // Worth a marker on a chart: errors, failures, waits for connections, or a generator whose lateness could have
    // changed the verdict (a lateness hiccup that could not is a note in the tooltip, not a marker).
    bool marked() const { return errors > 0 || analysis.generatorMarker || connectionLimited || failedRepetitions > 0; }
};

struct ResultsDataset {
    std::vector<Run> runs;                     // as loaded; histograms are dropped once merged
    std::vector<std::optional<SloLimits>> slo; // per run: the limit charts draw (the first target's, as stored)
    std::vector<RunAnalysis> analyses;         // per run: knees and verdicts (analysis/run_analysis.h)
    std::vector<MeasurementGroup> groups;      // by run, then target (plan order), then rate ascending
    std::vector<std::string> targets;          // distinct target names, in the order they first appear
    std::vector<double> rates;                 // distinct requested rates, ascending

    std::vector<bool> searches; // per run: its plan's mode is a knee search (probes, not a sweep)
    // Per run: each target's final bracket as its search stored it with the run (empty for sweeps, old runs).
    std::vector<std::map<std::string, SearchBracket>> searchBrackets;

    bool multiRun() const { return runs.size() > 1; }
    bool isSearch(std::size_t runIndex) const { return runIndex < searches.size() && searches[runIndex]; }
    std::optional<SearchBracket> searchBracket(std::size_t runIndex, const std::string& target) const;
    // "aiohttp" for a single run, "aiohttp (run 12)" when runs are compared; "imported" added for results
    // another tool measured ("wrk2 (imported)").
    std::string seriesLabel(std::size_t runIndex, const std::string& target) const;
    // The groups of one (run, target), ascending by rate.
    std::vector<const MeasurementGroup*> groupsOf(std::size_t runIndex, const std::string& target) const;
    const MeasurementGroup* group(std::size_t runIndex, const std::string& target, double rate) const;
    // Every (run, target) pair that has steps, in display order.
    std::vector<std::pair<std::size_t, std::string>> series() const;
    // The knee with its interval, from the analysis library; nullptr for an unknown series.
    const KneeEstimate* knee(std::size_t runIndex, const std::string& target) const;
    // The knee's rate: the analysis's, or the stored one when the run has no SLO to judge by; nullopt when no rate
    // met it.
    std::optional<double> kneeRps(std::size_t runIndex, const std::string& target) const;
    // The rate the single-rate charts open on: the highest rate that every series measured, else the highest one.
    std::optional<double> defaultFocusRate() const;
};

// Merges the latency histograms of stored steps by id (RunStore::mergedHistograms); used for steps whose histograms
// are not loaded.
using HistogramMerger = std::function<LatencyHistogram(const std::vector<std::int64_t>& stepIds)>;

// Groups the runs' steps and merges each group's histograms: in memory when every step carries its histogram,
// otherwise through `merger`. Without either, a group's summary is its worst repetition's and `approximate` is set.
// Verdicts, intervals and knees need the steps' histograms. `slo`: per run, limits that override the ones stored with
// the run (for tests and foreign runs); nullopt or absent: the stored ones.
ResultsDataset buildDataset(std::vector<Run> runs, std::vector<std::optional<SloLimits>> slo,
                            const HistogramMerger& merger = {});

// --- a. latency vs RPS ---
struct LatencyPoint {
    double requestedRps = 0;
    double achievedRps = 0;
    double latencyMs = 0; // the percentile of the merged histogram
    double minMs = 0;     // the lowest and highest of the repetitions' own percentile
    double maxMs = 0;
    const MeasurementGroup* group = nullptr;
};
struct LatencyCurve {
    std::size_t runIndex = 0;
    std::string target;
    Percentile percentile = Percentile::P99;
    std::vector<LatencyPoint> points; // ascending rate; rates without an ok repetition are left out
};
std::vector<LatencyCurve> latencyCurves(const ResultsDataset& data, const std::vector<Percentile>& percentiles);

// --- b. percentile spectrum ---
struct SpectrumCurve {
    std::size_t runIndex = 0;
    std::string target;
    double requestedRps = 0;
    const MeasurementGroup* group = nullptr;
};
// One curve per series and chosen rate that has a measurement there.
std::vector<SpectrumCurve> spectrumCurves(const ResultsDataset& data, const std::vector<double>& rates);

// --- c. timeline of a step ---
struct TimelineSeries {
    std::size_t runIndex = 0;
    std::string target;
    double requestedRps = 0;
    int repetition = 1;
    std::vector<TimelinePoint> points; // completed per second is the achieved rate of that second
};
// The chosen repetition (1-based) of every series at `rate`.
std::vector<TimelineSeries> timelineSeries(const ResultsDataset& data, double rate, int repetition);
// The repetitions measured at `rate` by any series, ascending.
std::vector<int> repetitionsAt(const ResultsDataset& data, double rate);

// --- d. comparison at one rate ---
struct ComparisonBar {
    std::size_t runIndex = 0;
    std::string target;
    double p50Ms = 0, p50MinMs = 0, p50MaxMs = 0;
    double p99Ms = 0, p99MinMs = 0, p99MaxMs = 0;
    std::optional<Interval> p99Interval; // the analysis's bootstrap interval (>= 3 repetitions)
    const MeasurementGroup* group = nullptr;
};
// Grouped by target (the dataset's target order), then by run: the runs' bars of one target side by side.
std::vector<ComparisonBar> comparisonAt(const ResultsDataset& data, double rate);
// The (run, target) series in that order: grouped by target, then run.
std::vector<std::pair<std::size_t, std::string>> seriesByTarget(const ResultsDataset& data);

// --- e. server resources ---
struct ResourceSeries {
    std::size_t runIndex = 0;
    std::string target;
    std::vector<const MeasurementGroup*> points; // ascending rate, ok repetitions only
};
std::vector<ResourceSeries> resourceSeries(const ResultsDataset& data);

} // namespace loadscope
