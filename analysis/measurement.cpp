#include "measurement.h"

#include "number_text.h"
#include "outliers.h"

#include <algorithm>
#include <map>

namespace loadscope {

std::string_view toString(Confidence confidence) {
    switch (confidence) {
    case Confidence::Held:
        return "held";
    case Confidence::Broken:
        return "broken";
    case Confidence::Uncertain:
        return "uncertain";
    }
    return "uncertain";
}

int MergedMeasurement::outliers() const {
    return static_cast<int>(
        std::count_if(repetitions.begin(), repetitions.end(), [](const RepetitionResult& r) { return r.outlier; }));
}

std::string MergedMeasurement::intervalNote() const {
    if (p99Interval || steps == 0)
        return {};
    if (steps < kMinRepetitionsForInterval)
        return "interval needs >= " + std::to_string(kMinRepetitionsForInterval) + " repetitions";
    return "no interval: some repetitions have no histogram";
}

std::string MergedMeasurement::verdictWord() const {
    if (!limits || !measured())
        return "-";
    std::string text = verdict.met ? "held" : "broken";
    if (confidence != (verdict.met ? Confidence::Held : Confidence::Broken))
        text += "?";
    return text;
}

std::string MergedMeasurement::verdictText() const {
    std::string text = verdictWord();
    if (text != "-" && holdProbability)
        text += " (" + formatNumber(*holdProbability * 100, 0) + " %)";
    return text;
}

Confidence confidenceOf(const SloVerdict& verdict, const SloLimits& limits) {
    const double wide = 1.0 + kVerdictMargin;
    if (verdict.met) {
        const bool p99Clear = verdict.p99Ms <= limits.p99Ms / wide;
        const bool errorsClear =
            limits.maxErrorRate > 0 ? verdict.errorRate < limits.maxErrorRate / wide : verdict.errorRate == 0;
        return p99Clear && errorsClear ? Confidence::Held : Confidence::Uncertain;
    }
    if (verdict.p99Ms > limits.p99Ms * wide)
        return Confidence::Broken;
    const bool errorsFar =
        limits.maxErrorRate > 0 ? verdict.errorRate >= limits.maxErrorRate * wide : verdict.errorRate > 0;
    return errorsFar ? Confidence::Broken : Confidence::Uncertain;
}

namespace {

void addErrors(ErrorCounts& into, const ErrorCounts& from) {
    into.connect += from.connect;
    into.read += from.read;
    into.timeout += from.timeout;
    for (const auto& [code, n] : from.status)
        into.status[code] += n;
}

void orFlags(StepFlags& into, const StepFlags& from) {
    into.generatorLimited |= from.generatorLimited;
    into.connectionLimited |= from.connectionLimited;
    into.sloViolated |= from.sloViolated;
    into.serverRestarted |= from.serverRestarted;
    if (!from.reason.empty() && into.reason.find(from.reason) == std::string::npos)
        into.reason += (into.reason.empty() ? "" : "; ") + from.reason;
}

// A profiler costs the server CPU: when a rate has ok repetitions measured without one, the profiled repetitions
// are left out of the merge (and so of verdicts and knees); they are kept when they are all there is.
std::vector<const Step*> withoutProfiledWhenPossible(MergedMeasurement& m, const std::vector<const Step*>& group) {
    auto okUnprofiled = [](const Step* s) { return s->status == StepStatus::Ok && !s->profiled(); };
    if (std::none_of(group.begin(), group.end(), okUnprofiled))
        return group;
    std::vector<const Step*> kept;
    for (const Step* s : group) {
        if (s->profiled() && s->status == StepStatus::Ok)
            ++m.profiledLeftOut;
        else
            kept.push_back(s);
    }
    return kept;
}

// Counts, flags and the per-repetition numbers of the group's steps; returns the ok ones.
std::vector<const Step*> collectRepetitions(MergedMeasurement& m, const std::vector<const Step*>& group) {
    std::vector<const Step*> ok;
    double completed = 0, seconds = 0, cpu = 0;
    for (const Step* s : group) {
        if (s->status == StepStatus::Skipped) {
            ++m.skipped;
            if (m.statusMessage.empty())
                m.statusMessage = s->statusMessage;
            continue;
        }
        if (s->status != StepStatus::Ok) {
            ++m.failed;
            if (m.statusMessage.empty())
                m.statusMessage = std::string(toString(s->status)) + ": " + s->statusMessage;
            continue;
        }
        ok.push_back(s);
        ++m.steps;
        m.due += s->due;
        m.ok += s->ok;
        addErrors(m.errors, s->errors);
        orFlags(m.flags, s->flags);
        completed += s->achievedRps * s->durationS;
        seconds += s->durationS;
        cpu += s->server.cpuPercent;
        m.achievedMinRps = m.steps == 1 ? s->achievedRps : std::min(m.achievedMinRps, s->achievedRps);
        m.achievedMaxRps = std::max(m.achievedMaxRps, s->achievedRps);
        m.repetitions.push_back({s->id, s->repetition, s->latency.p50Ms, s->latency.p99Ms, s->achievedRps, s->due,
                                 s->ok, s->latenessP99Ms, s->flags.generatorLimited, 0, false});
    }
    if (m.steps > 0) {
        m.achievedRps = seconds > 0 ? completed / seconds : 0;
        m.serverCpuPercent = cpu / m.steps;
    }
    std::vector<double> p99s;
    for (const auto& r : m.repetitions)
        p99s.push_back(r.p99Ms);
    const auto scores = modifiedZScores(p99s);
    const auto flags = outlierFlags(p99s);
    for (std::size_t i = 0; i < m.repetitions.size(); ++i) {
        m.repetitions[i].modifiedZ = scores[i];
        m.repetitions[i].outlier = flags[i];
    }
    return ok;
}

bool allHaveHistograms(const std::vector<const Step*>& steps) {
    return std::all_of(steps.begin(), steps.end(),
                       [](const Step* s) { return s->latencyHistogram && s->serviceTimeHistogram; });
}

void mergeLatency(MergedMeasurement& m, const std::vector<const Step*>& ok) {
    if (ok.empty())
        return;
    if (allHaveHistograms(ok)) {
        LatencyHistogram latency, service;
        std::vector<const LatencyHistogram*> histograms;
        std::vector<std::int64_t> due, okCounts;
        for (const Step* s : ok) {
            latency.merge(*s->latencyHistogram);
            service.merge(*s->serviceTimeHistogram);
            histograms.push_back(&*s->latencyHistogram);
            due.push_back(s->due);
            okCounts.push_back(s->ok);
        }
        m.latency = summarize(latency);
        m.serviceTime = summarize(service);
        m.repetitionSet = std::make_shared<RepetitionSet>(histograms, std::move(due), std::move(okCounts));
        return;
    }
    // Without histograms only a conservative answer is honest: the worst repetition (exact for a single one).
    for (const Step* s : ok) {
        if (s->latency.p99Ms >= m.latency.p99Ms)
            m.latency = s->latency;
        if (s->serviceTime.p99Ms >= m.serviceTime.p99Ms)
            m.serviceTime = s->serviceTime;
    }
    m.approximate = ok.size() > 1;
}

// The point verdict: the merged repetitions, an outlying one left out (it still widens the interval).
void judge(MergedMeasurement& m) {
    const SloLimits& limits = *m.limits;
    const int outliers = m.outliers();
    if (outliers == 0 || !m.repetitionSet || outliers == m.steps) {
        m.verdict = evaluateSlo(m.latency.p99Ms, m.due, m.ok, limits);
        return;
    }
    std::vector<int> weights;
    std::vector<std::string> left;
    std::int64_t due = 0, ok = 0;
    for (const auto& r : m.repetitions) {
        weights.push_back(r.outlier ? 0 : 1);
        if (r.outlier)
            left.push_back("repetition " + std::to_string(r.repetition) + " (outlier: p99 " + formatNumber(r.p99Ms, 1) +
                           " ms)");
        else {
            due += r.due;
            ok += r.ok;
        }
    }
    m.verdict = evaluateSlo(m.repetitionSet->percentileMs(weights, 99), due, ok, limits);
    m.verdictNote = "judged without " + joinList(left, ", ");
}

// Lateness adds to the measured latency; a break the lateness could account for may be the generator's.
bool generatorCouldExplain(const MergedMeasurement& m) {
    if (m.verdict.met)
        return false;
    double lateness = 0;
    bool limited = false;
    for (const auto& r : m.repetitions) {
        limited |= r.generatorLimited;
        lateness = std::max(lateness, r.latenessP99Ms);
    }
    return limited && m.verdict.p99Ms - lateness <= m.limits->p99Ms;
}

void assess(MergedMeasurement& m) {
    judge(m);
    m.generatorMarker = generatorCouldExplain(m);
    if (m.repetitionSet && m.steps >= kMinRepetitionsForInterval) {
        const auto boot = bootstrapP99(*m.repetitionSet, m.limits);
        m.p99Interval = boot.p99Ms;
        m.holdProbability = boot.holdProbability;
    }
    if (m.generatorMarker)
        m.confidence = Confidence::Uncertain;
    else if (m.holdProbability)
        m.confidence = *m.holdProbability >= kConfidentShare       ? Confidence::Held
                       : *m.holdProbability <= 1 - kConfidentShare ? Confidence::Broken
                                                                   : Confidence::Uncertain;
    else
        m.confidence = confidenceOf(m.verdict, *m.limits);
}

} // namespace

std::vector<MergedMeasurement> mergeRepetitions(const std::vector<Step>& steps, const SloLookup& slo) {
    std::vector<std::string> targetOrder;
    std::map<std::pair<std::string, double>, std::vector<const Step*>> groups;
    for (const auto& step : steps) {
        if (std::find(targetOrder.begin(), targetOrder.end(), step.targetName) == targetOrder.end())
            targetOrder.push_back(step.targetName);
        groups[{step.targetName, step.requestedRps}].push_back(&step);
    }
    std::vector<MergedMeasurement> out;
    for (const auto& target : targetOrder) {
        const auto limits = slo ? slo(target) : std::nullopt;
        for (auto& [key, group] : groups) {
            if (key.first != target)
                continue;
            std::stable_sort(group.begin(), group.end(),
                             [](const Step* a, const Step* b) { return a->repetition < b->repetition; });
            MergedMeasurement m;
            m.targetName = target;
            m.requestedRps = key.second;
            const auto ok = collectRepetitions(m, withoutProfiledWhenPossible(m, group));
            mergeLatency(m, ok);
            if (limits && m.measured()) {
                m.limits = limits;
                assess(m);
            } else if (!m.measured() && m.repetitions.empty()) {
                m.limits = limits;
            }
            out.push_back(std::move(m));
        }
    }
    return out;
}

} // namespace loadscope
