// The knee search: each target's KneeSearch (analysis/knee_search.h) decides the next probe, the runner measures it
// as an ordinary step and reports back the verdict of every probe at that rate merged. Targets take turns, so a
// machine that drifts during the search drifts for all of them alike. A time budget stops every search and keeps the
// brackets reached.
#include "benchmark_runner_impl.h"

#include "knee_search.h"
#include "plan_text.h"

#include <chrono>

namespace loadscope {

struct BenchmarkRunner::Impl::TargetSearch {
    int index = 0;
    KneeSearch search;
    std::map<double, std::vector<Step>> measured; // the ok probes at each rate (histograms kept, timelines dropped)
};

namespace {

// The verdict of every ok probe at one rate, merged as the analysis merges repetitions.
RateVerdict mergedVerdict(const std::vector<Step>& probes, const SloLimits& limits, double rps) {
    const auto merged = mergeRepetitions(probes, [&](const std::string&) { return std::optional<SloLimits>(limits); });
    if (merged.empty() || !merged.front().measured())
        return {rps, false, Confidence::Broken};
    return {rps, merged.front().verdict.met, merged.front().confidence};
}

KneeSearchSettings kneeSearchSettings(const BenchmarkPlan& plan, double idealLatencyMs) {
    const auto& settings = plan.search;
    KneeSearchSettings s;
    // The plan's lowest rate, when it lists any, is where the user expects the search to start.
    s.startRps = settings.startRps.value_or(plan.rates.empty()
                                                ? defaultSearchStartRps(idealLatencyMs, plan.connections.value_or(256))
                                                : plan.rates.front());
    s.growth = settings.growth;
    s.resolution = settings.resolution;
    s.maxProbesPerRate = std::max(settings.maxProbesPerRate, 2);
    s.probeDurationS = settings.probeDuration(plan.stepDurationS);
    s.confirmDurationS = plan.stepDurationS;
    s.maxRps = settings.maxRps;
    return s;
}

} // namespace

// One probe measured as a step, its verdict (with every other ok probe at that rate) told to the target's search.
// False when the run was cancelled during it.
bool BenchmarkRunner::Impl::measureProbe(TargetSearch& ts, const SearchProbe& probe) {
    auto& atRate = ts.measured[probe.rps];
    Step step = newStep(ts.index, probe.rps, static_cast<int>(atRate.size()) + 1);
    log(step.targetName + ": " + probe.purpose + " at " + formatNumber(probe.rps, 1) + " rps for " +
        formatDuration(probe.durationS));
    const StepOutcome outcome = measure(step, {ts.index, 0}, probe.durationS);
    if (step.status == StepStatus::Cancelled)
        return false;
    // An overloaded server keeps working off its backlog after the load stops, which would break the next probe
    // too: after a break, the next probe starts a fresh server.
    if (!outcome.met)
        sessions.erase({ts.index, 0});
    if (step.status == StepStatus::Ok) {
        step.timeline.clear();
        step.serverLogTail.clear();
        step.generatorLogTail.clear();
        atRate.push_back(std::move(step));
    }
    ts.search.record(probe, outcome.met, mergedVerdict(atRate, limitsOf(ts.index), probe.rps));
    if (ts.search.done()) {
        log(plan.targets[static_cast<std::size_t>(ts.index)] + ": search over: " + ts.search.stopReason());
        sessions.erase({ts.index, 0});
    }
    return true;
}

void BenchmarkRunner::Impl::search() {
    const auto& settings = plan.search;
    std::vector<TargetSearch> searches;
    for (int t = 0; t < static_cast<int>(plan.targets.size()); ++t)
        searches.push_back(
            {t, KneeSearch(kneeSearchSettings(plan, scenarios[static_cast<std::size_t>(t)]->idealLatencyMs)), {}});
    const auto started = std::chrono::steady_clock::now();
    auto elapsedS = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
    auto stopAll = [&](const std::string& reason) {
        for (auto& ts : searches)
            ts.search.stop(reason);
    };

    bool anyLeft = true;
    while (anyLeft && !cancel.load()) {
        anyLeft = false;
        for (auto& ts : searches) {
            const auto next = ts.search.next();
            if (!next || cancel.load())
                continue;
            anyLeft = true;
            const double cost = plan.warmupS + next->durationS + plan.cooldownS;
            if (settings.maxTimeS && elapsedS() + cost > *settings.maxTimeS) {
                stopAll("the time budget of " + formatDuration(*settings.maxTimeS) + " ran out");
                break;
            }
            if (!measureProbe(ts, *next))
                break;
            if (plan.cooldownS > 0)
                pause(plan.cooldownS);
        }
    }
    for (const auto& ts : searches) {
        const std::string& name = plan.targets[static_cast<std::size_t>(ts.index)];
        environment["targets"][name]["search"] = {
            {"bracket", ts.search.bracketText()},
            {"stop_reason", ts.search.done() ? ts.search.stopReason() : std::string("cancelled")},
            {"probes", ts.search.probes()}};
    }
}

} // namespace loadscope
