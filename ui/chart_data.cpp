#include "chart_data.h"

#include "benchmark_plan.h"
#include "number_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

namespace loadscope {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

void appendNote(std::string& note, const std::string& reason) {
    if (reason.empty() || note.find(reason) != std::string::npos)
        return;
    if (!note.empty())
        note += "; ";
    note += reason;
}

// The spectrum of a merged histogram on an even grid of the nines axis, up to the resolution its count allows.
std::vector<MeasurementGroup::SpectrumPoint> spectrumOf(const LatencyHistogram& histogram) {
    std::vector<MeasurementGroup::SpectrumPoint> points;
    if (histogram.empty())
        return points;
    constexpr double kStep = 0.02;
    const double lastNines = std::min(5.0, std::log10(static_cast<double>(histogram.count())));
    for (double nines = ninesOf(50); nines < lastNines; nines += kStep) {
        const double percent = percentOfNines(nines);
        points.push_back({percent, static_cast<double>(histogram.valueAtPercentile(percent)) / 1000.0});
    }
    const double lastPercent = percentOfNines(std::max(lastNines, ninesOf(50)));
    points.push_back({lastPercent, static_cast<double>(histogram.valueAtPercentile(lastPercent)) / 1000.0});
    return points;
}

void fillFromSteps(MeasurementGroup& group, const Run& run) {
    std::vector<double> cpu;
    std::vector<double> rss;
    for (const std::size_t index : group.steps) {
        const Step& step = run.steps[index];
        switch (step.status) {
        case StepStatus::Ok:
            group.okSteps.push_back(index);
            break;
        case StepStatus::Skipped:
            ++group.skippedRepetitions;
            appendNote(group.note, step.statusMessage.empty() ? "skipped" : step.statusMessage);
            continue;
        case StepStatus::Failed:
        case StepStatus::Cancelled:
            ++group.failedRepetitions;
            appendNote(group.note,
                       step.statusMessage.empty() ? std::string(toString(step.status)) : step.statusMessage);
            continue;
        }
        group.due += step.due;
        group.errors += step.errors.total();
        group.generatorLimited |= step.flags.generatorLimited;
        group.connectionLimited |= step.flags.connectionLimited;
        group.sloViolated |= step.flags.sloViolated;
        group.serverRestarted |= step.flags.serverRestarted;
        if (step.flags.any())
            appendNote(group.note, step.flags.reason);
        cpu.push_back(step.server.cpuPercent);
        rss.push_back(static_cast<double>(step.server.peakRssBytes) / kMiB);
    }
    if (group.okSteps.empty())
        return;
    double achievedSum = 0;
    group.achievedMinRps = run.steps[group.okSteps.front()].achievedRps;
    group.achievedMaxRps = group.achievedMinRps;
    for (const std::size_t index : group.okSteps) {
        const double achieved = run.steps[index].achievedRps;
        achievedSum += achieved;
        group.achievedMinRps = std::min(group.achievedMinRps, achieved);
        group.achievedMaxRps = std::max(group.achievedMaxRps, achieved);
    }
    group.achievedRps = achievedSum / static_cast<double>(group.okSteps.size());
    double cpuSum = 0;
    for (double c : cpu)
        cpuSum += c;
    group.cpuPercent = cpuSum / static_cast<double>(cpu.size());
    group.cpuMinPercent = *std::min_element(cpu.begin(), cpu.end());
    group.cpuMaxPercent = *std::max_element(cpu.begin(), cpu.end());
    group.rssMiB = *std::max_element(rss.begin(), rss.end());
    group.rssMinMiB = *std::min_element(rss.begin(), rss.end());
}

void mergeLatency(MeasurementGroup& group, Run& run, const HistogramMerger& merger) {
    if (group.okSteps.empty())
        return;
    const bool allLoaded = std::all_of(group.okSteps.begin(), group.okSteps.end(), [&](std::size_t index) {
        return run.steps[index].latencyHistogram.has_value();
    });
    std::optional<LatencyHistogram> merged;
    if (allLoaded) {
        merged.emplace();
        for (const std::size_t index : group.okSteps)
            merged->merge(*run.steps[index].latencyHistogram);
    } else if (merger) {
        std::vector<std::int64_t> ids;
        for (const std::size_t index : group.okSteps)
            ids.push_back(run.steps[index].id);
        merged = merger(ids);
    }
    if (merged) {
        group.merged = summarize(*merged);
        group.spectrum = spectrumOf(*merged);
        return;
    }
    // No histograms at all: a single repetition is exact; several can only be bounded by the worst one.
    const auto worst = std::max_element(group.okSteps.begin(), group.okSteps.end(), [&](std::size_t a, std::size_t b) {
        return run.steps[a].latency.p99Ms < run.steps[b].latency.p99Ms;
    });
    group.merged = run.steps[*worst].latency;
    group.approximate = group.okSteps.size() > 1;
}

bool isSearchRun(const Run& run) {
    if (run.planJson.empty())
        return false;
    try {
        return planFromJson(run.planJson, "plan").mode == PlanMode::Search;
    } catch (const std::exception&) {
        return false; // an imported or old run without a readable plan is drawn as a sweep
    }
}

// The brackets a search stored in the run's environment (targets.NAME.search.bracket).
std::map<std::string, SearchBracket> storedBrackets(const Run& run) {
    std::map<std::string, SearchBracket> brackets;
    const auto environment = nlohmann::json::parse(run.environmentJson, nullptr, false);
    if (!environment.is_object() || !environment.contains("targets") || !environment["targets"].is_object())
        return brackets;
    for (const auto& [target, info] : environment["targets"].items())
        if (info.is_object() && info.contains("search") && info["search"].is_object() &&
            info["search"].contains("bracket") && info["search"]["bracket"].is_string())
            if (const auto bracket = parseBracketText(info["search"]["bracket"].get<std::string>()))
                brackets[target] = *bracket;
    return brackets;
}

double repetitionValue(const Run& run, std::size_t stepIndex, Percentile p) {
    return summaryValue(run.steps[stepIndex].latency, p);
}

} // namespace

const std::vector<Percentile>& allPercentiles() {
    static const std::vector<Percentile> all{Percentile::P50, Percentile::P90, Percentile::P99, Percentile::P999,
                                             Percentile::Max};
    return all;
}

double percentileValue(Percentile p) {
    switch (p) {
    case Percentile::P50:
        return 50;
    case Percentile::P90:
        return 90;
    case Percentile::P99:
        return 99;
    case Percentile::P999:
        return 99.9;
    case Percentile::Max:
        return 100;
    }
    return 100;
}

std::string_view percentileLabel(Percentile p) {
    switch (p) {
    case Percentile::P50:
        return "p50";
    case Percentile::P90:
        return "p90";
    case Percentile::P99:
        return "p99";
    case Percentile::P999:
        return "p99.9";
    case Percentile::Max:
        return "max";
    }
    return "max";
}

std::optional<Percentile> percentileFromLabel(std::string_view label) {
    std::string text(label);
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!text.empty() && text.front() == 'p')
        text.erase(0, 1);
    if (text == "50")
        return Percentile::P50;
    if (text == "90")
        return Percentile::P90;
    if (text == "99")
        return Percentile::P99;
    if (text == "99.9" || text == "999")
        return Percentile::P999;
    if (text == "max" || text == "100")
        return Percentile::Max;
    return std::nullopt;
}

double summaryValue(const LatencySummary& summary, Percentile p) {
    switch (p) {
    case Percentile::P50:
        return summary.p50Ms;
    case Percentile::P90:
        return summary.p90Ms;
    case Percentile::P99:
        return summary.p99Ms;
    case Percentile::P999:
        return summary.p999Ms;
    case Percentile::Max:
        return summary.maxMs;
    }
    return summary.maxMs;
}

double ninesOf(double percent) {
    const double rest = 1.0 - std::clamp(percent, 0.0, 99.9999999) / 100.0;
    return -std::log10(rest);
}

double percentOfNines(double nines) {
    return 100.0 * (1.0 - std::pow(10.0, -nines));
}

std::string ResultsDataset::seriesLabel(std::size_t runIndex, const std::string& target) const {
    if (runIndex >= runs.size())
        return target;
    // Results another tool measured are told apart on every chart (their latency may not be corrected for
    // coordinated omission, their histogram may be rebuilt from printed percentiles).
    const auto& tags = runs[runIndex].tags;
    const bool imported = std::find(tags.begin(), tags.end(), "imported") != tags.end();
    std::vector<std::string> notes;
    if (multiRun())
        notes.push_back("run " + std::to_string(runs[runIndex].id));
    if (imported)
        notes.emplace_back("imported");
    return notes.empty() ? target : target + " (" + joinList(notes, ", ") + ")";
}

std::vector<const MeasurementGroup*> ResultsDataset::groupsOf(std::size_t runIndex, const std::string& target) const {
    std::vector<const MeasurementGroup*> result;
    for (const auto& g : groups)
        if (g.runIndex == runIndex && g.target == target)
            result.push_back(&g);
    return result;
}

const MeasurementGroup* ResultsDataset::group(std::size_t runIndex, const std::string& target, double rate) const {
    for (const auto& g : groups)
        if (g.runIndex == runIndex && g.target == target && std::abs(g.requestedRps - rate) < 1e-9)
            return &g;
    return nullptr;
}

std::vector<std::pair<std::size_t, std::string>> ResultsDataset::series() const {
    std::vector<std::pair<std::size_t, std::string>> result;
    for (const auto& g : groups) {
        std::pair<std::size_t, std::string> key{g.runIndex, g.target};
        if (std::find(result.begin(), result.end(), key) == result.end())
            result.push_back(std::move(key));
    }
    return result;
}

std::optional<SearchBracket> ResultsDataset::searchBracket(std::size_t runIndex, const std::string& target) const {
    if (runIndex >= searchBrackets.size())
        return std::nullopt;
    const auto it = searchBrackets[runIndex].find(target);
    return it == searchBrackets[runIndex].end() ? std::nullopt : std::optional<SearchBracket>(it->second);
}

const KneeEstimate* ResultsDataset::knee(std::size_t runIndex, const std::string& target) const {
    if (runIndex >= analyses.size())
        return nullptr;
    const TargetAnalysis* t = analyses[runIndex].find(target);
    return t ? &t->knee : nullptr;
}

std::optional<double> ResultsDataset::kneeRps(std::size_t runIndex, const std::string& target) const {
    if (const KneeEstimate* k = knee(runIndex, target); k && k->sloKnown)
        return k->kneeRps;
    if (runIndex >= runs.size())
        return std::nullopt;
    for (const auto& snapshot : runs[runIndex].targets)
        if (snapshot.name == target)
            return snapshot.kneeRps;
    return std::nullopt;
}

std::optional<double> ResultsDataset::defaultFocusRate() const {
    const auto all = series();
    for (auto rate = rates.rbegin(); rate != rates.rend(); ++rate) {
        const bool everyone = std::all_of(all.begin(), all.end(), [&](const auto& s) {
            const MeasurementGroup* g = group(s.first, s.second, *rate);
            return g && g->hasMeasurement();
        });
        if (everyone)
            return *rate;
    }
    for (auto rate = rates.rbegin(); rate != rates.rend(); ++rate)
        for (const auto& g : groups)
            if (g.hasMeasurement() && std::abs(g.requestedRps - *rate) < 1e-9)
                return *rate;
    return std::nullopt;
}

ResultsDataset buildDataset(std::vector<Run> runs, std::vector<std::optional<SloLimits>> slo,
                            const HistogramMerger& merger) {
    ResultsDataset data;
    data.runs = std::move(runs);
    data.slo = std::move(slo);
    data.slo.resize(data.runs.size());
    std::set<double> rates;
    for (std::size_t r = 0; r < data.runs.size(); ++r) {
        Run& run = data.runs[r];
        const std::optional<SloLimits> override = data.slo[r];
        data.analyses.push_back(analyzeSteps(run.steps, {}, [&](const std::string& target) {
            return override ? override : storedSloLimits(run, target);
        }));
        data.searches.push_back(isSearchRun(run));
        data.searchBrackets.push_back(data.searches.back() ? storedBrackets(run)
                                                           : std::map<std::string, SearchBracket>{});
        if (!data.slo[r] && !run.targets.empty())
            data.slo[r] = storedSloLimits(run, run.targets.front().name);
        // Target order: the run's target list (the plan's order), then any target only its steps name.
        std::vector<std::string> order;
        for (const auto& t : run.targets)
            order.push_back(t.name);
        for (const auto& step : run.steps)
            if (std::find(order.begin(), order.end(), step.targetName) == order.end())
                order.push_back(step.targetName);
        std::map<std::pair<std::size_t, double>, MeasurementGroup> byKey; // (target position, rate)
        for (std::size_t i = 0; i < run.steps.size(); ++i) {
            const Step& step = run.steps[i];
            const auto position =
                static_cast<std::size_t>(std::find(order.begin(), order.end(), step.targetName) - order.begin());
            auto& group = byKey[{position, step.requestedRps}];
            if (group.steps.empty()) {
                group.runIndex = r;
                group.target = step.targetName;
                group.scenario = step.scenario;
                group.requestedRps = step.requestedRps;
            }
            group.steps.push_back(i);
            rates.insert(step.requestedRps);
        }
        for (auto& [key, group] : byKey) {
            std::sort(group.steps.begin(), group.steps.end(),
                      [&](std::size_t a, std::size_t b) { return run.steps[a].repetition < run.steps[b].repetition; });
            fillFromSteps(group, run);
            mergeLatency(group, run, merger);
            if (const TargetAnalysis* t = data.analyses[r].find(group.target))
                if (const MergedMeasurement* m = t->at(group.requestedRps)) {
                    group.analysis = *m;
                    if (m->measured() && !m->approximate)
                        group.merged = m->latency;
                    group.achievedRps = m->achievedRps;
                }
            data.groups.push_back(std::move(group));
        }
        for (const auto& name : order)
            if (std::find(data.targets.begin(), data.targets.end(), name) == data.targets.end())
                data.targets.push_back(name);
        // The merged summaries and spectra hold all the charts need: free the per-step histograms.
        for (auto& step : run.steps) {
            step.latencyHistogram.reset();
            step.serviceTimeHistogram.reset();
        }
    }
    data.rates.assign(rates.begin(), rates.end());
    return data;
}

std::vector<LatencyCurve> latencyCurves(const ResultsDataset& data, const std::vector<Percentile>& percentiles) {
    std::vector<LatencyCurve> curves;
    for (const auto& [runIndex, target] : data.series()) {
        const Run& run = data.runs[runIndex];
        for (const Percentile p : percentiles) {
            LatencyCurve curve;
            curve.runIndex = runIndex;
            curve.target = target;
            curve.percentile = p;
            for (const MeasurementGroup* g : data.groupsOf(runIndex, target)) {
                if (!g->hasMeasurement())
                    continue;
                LatencyPoint point;
                point.requestedRps = g->requestedRps;
                point.achievedRps = g->achievedRps;
                point.latencyMs = summaryValue(g->merged, p);
                point.minMs = repetitionValue(run, g->okSteps.front(), p);
                point.maxMs = point.minMs;
                for (const std::size_t index : g->okSteps) {
                    const double v = repetitionValue(run, index, p);
                    point.minMs = std::min(point.minMs, v);
                    point.maxMs = std::max(point.maxMs, v);
                }
                point.group = g;
                curve.points.push_back(point);
            }
            curves.push_back(std::move(curve));
        }
    }
    return curves;
}

std::vector<SpectrumCurve> spectrumCurves(const ResultsDataset& data, const std::vector<double>& rates) {
    std::vector<SpectrumCurve> curves;
    for (const auto& [runIndex, target] : data.series())
        for (const double rate : rates)
            if (const MeasurementGroup* g = data.group(runIndex, target, rate); g && g->hasMeasurement())
                curves.push_back({runIndex, target, rate, g});
    return curves;
}

std::vector<TimelineSeries> timelineSeries(const ResultsDataset& data, double rate, int repetition) {
    std::vector<TimelineSeries> result;
    for (const auto& [runIndex, target] : data.series()) {
        const MeasurementGroup* g = data.group(runIndex, target, rate);
        if (!g)
            continue;
        for (const std::size_t index : g->okSteps) {
            const Step& step = data.runs[runIndex].steps[index];
            if (step.repetition == repetition) {
                // A second at or past the measured duration is the drain (sending stopped, stragglers answered):
                // its low "achieved rate" would read as a server collapse, so it is left out.
                std::vector<TimelinePoint> measured;
                for (const TimelinePoint& point : step.timeline)
                    if (step.durationS <= 0 || point.second < step.durationS - 1e-9)
                        measured.push_back(point);
                result.push_back({runIndex, target, rate, repetition, std::move(measured)});
                break;
            }
        }
    }
    return result;
}

std::vector<int> repetitionsAt(const ResultsDataset& data, double rate) {
    std::set<int> repetitions;
    for (const auto& g : data.groups)
        if (std::abs(g.requestedRps - rate) < 1e-9)
            for (const std::size_t index : g.okSteps)
                repetitions.insert(data.runs[g.runIndex].steps[index].repetition);
    return {repetitions.begin(), repetitions.end()};
}

std::vector<std::pair<std::size_t, std::string>> seriesByTarget(const ResultsDataset& data) {
    auto all = data.series();
    const auto position = [&](const std::string& target) {
        return std::find(data.targets.begin(), data.targets.end(), target) - data.targets.begin();
    };
    std::stable_sort(all.begin(), all.end(), [&](const auto& a, const auto& b) {
        return std::pair(position(a.second), a.first) < std::pair(position(b.second), b.first);
    });
    return all;
}

std::vector<ComparisonBar> comparisonAt(const ResultsDataset& data, double rate) {
    std::vector<ComparisonBar> bars;
    for (const auto& [runIndex, target] : seriesByTarget(data)) {
        const MeasurementGroup* g = data.group(runIndex, target, rate);
        if (!g || !g->hasMeasurement())
            continue;
        const Run& run = data.runs[runIndex];
        ComparisonBar bar;
        bar.runIndex = runIndex;
        bar.target = target;
        bar.group = g;
        bar.p50Ms = g->merged.p50Ms;
        bar.p99Ms = g->merged.p99Ms;
        bar.p99Interval = g->analysis.p99Interval;
        bar.p50MinMs = bar.p50MaxMs = run.steps[g->okSteps.front()].latency.p50Ms;
        bar.p99MinMs = bar.p99MaxMs = run.steps[g->okSteps.front()].latency.p99Ms;
        for (const std::size_t index : g->okSteps) {
            const LatencySummary& s = run.steps[index].latency;
            bar.p50MinMs = std::min(bar.p50MinMs, s.p50Ms);
            bar.p50MaxMs = std::max(bar.p50MaxMs, s.p50Ms);
            bar.p99MinMs = std::min(bar.p99MinMs, s.p99Ms);
            bar.p99MaxMs = std::max(bar.p99MaxMs, s.p99Ms);
        }
        bars.push_back(bar);
    }
    return bars;
}

std::vector<ResourceSeries> resourceSeries(const ResultsDataset& data) {
    std::vector<ResourceSeries> result;
    for (const auto& [runIndex, target] : data.series()) {
        ResourceSeries series{runIndex, target, {}};
        for (const MeasurementGroup* g : data.groupsOf(runIndex, target))
            if (g->hasMeasurement())
                series.points.push_back(g);
        result.push_back(std::move(series));
    }
    return result;
}

} // namespace loadscope
