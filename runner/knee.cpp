#include "knee.h"

#include "plan_text.h"

#include <algorithm>

namespace loadscope {

double failureRate(std::int64_t due, std::int64_t ok) {
    if (due <= 0)
        return 1.0;
    return static_cast<double>(std::max<std::int64_t>(0, due - ok)) / static_cast<double>(due);
}

SloVerdict evaluateSlo(double p99Ms, std::int64_t due, std::int64_t ok, const ServiceLevelObjective& slo,
                       double idealLatencyMs) {
    SloVerdict v;
    v.p99Ms = p99Ms;
    v.p99LimitMs = slo.p99LimitMs(idealLatencyMs);
    v.errorRate = failureRate(due, ok);
    std::vector<std::string> reasons;
    if (due <= 0)
        reasons.push_back("no request was due");
    if (v.p99Ms > v.p99LimitMs)
        reasons.push_back("p99 " + formatNumber(v.p99Ms, 1) + " ms > " + formatNumber(v.p99LimitMs, 1) + " ms");
    // The limit is strict ("< 0.1 %") but a limit of 0 means "no errors at all".
    const bool errorsBroken = slo.maxErrorRate > 0 ? v.errorRate >= slo.maxErrorRate : v.errorRate > 0;
    if (due > 0 && errorsBroken)
        reasons.push_back(formatNumber(v.errorRate * 100, 2) + " % without a good answer (limit " +
                          formatNumber(slo.maxErrorRate * 100, 3) + " %)");
    v.met = reasons.empty();
    v.reason = joinList(reasons, "; ");
    return v;
}

SloVerdict evaluateStep(const Step& step, const ServiceLevelObjective& slo, double idealLatencyMs) {
    return evaluateSlo(step.latency.p99Ms, step.due, step.ok, slo, idealLatencyMs);
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
} // namespace

std::vector<MergedMeasurement> mergeRepetitions(const std::vector<Step>& steps) {
    std::vector<std::string> targetOrder;
    std::map<std::pair<std::string, double>, std::vector<const Step*>> groups;
    for (const auto& step : steps) {
        if (std::find(targetOrder.begin(), targetOrder.end(), step.targetName) == targetOrder.end())
            targetOrder.push_back(step.targetName);
        groups[{step.targetName, step.requestedRps}].push_back(&step);
    }
    std::vector<MergedMeasurement> out;
    for (const auto& target : targetOrder) {
        for (const auto& [key, group] : groups) {
            if (key.first != target)
                continue;
            MergedMeasurement m;
            m.targetName = target;
            m.requestedRps = key.second;
            LatencyHistogram latency, service;
            bool allHistograms = true;
            double completedTotal = 0, secondsTotal = 0, cpuTotal = 0;
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
                ++m.steps;
                m.due += s->due;
                m.ok += s->ok;
                addErrors(m.errors, s->errors);
                orFlags(m.flags, s->flags);
                completedTotal += s->achievedRps * s->durationS;
                secondsTotal += s->durationS;
                cpuTotal += s->server.cpuPercent;
                if (s->latencyHistogram && s->serviceTimeHistogram) {
                    latency.merge(*s->latencyHistogram);
                    service.merge(*s->serviceTimeHistogram);
                } else {
                    allHistograms = false;
                }
            }
            if (m.steps > 0) {
                m.achievedRps = secondsTotal > 0 ? completedTotal / secondsTotal : 0;
                m.serverCpuPercent = cpuTotal / m.steps;
                if (allHistograms) {
                    m.latency = summarize(latency);
                    m.serviceTime = summarize(service);
                } else {
                    // Without histograms only a conservative answer is honest: the worst repetition.
                    for (const Step* s : group) {
                        if (s->status != StepStatus::Ok)
                            continue;
                        if (s->latency.p99Ms >= m.latency.p99Ms)
                            m.latency = s->latency;
                        if (s->serviceTime.p99Ms >= m.serviceTime.p99Ms)
                            m.serviceTime = s->serviceTime;
                    }
                }
            }
            out.push_back(std::move(m));
        }
    }
    return out;
}

std::optional<double> kneeRps(const std::vector<MergedMeasurement>& measurements, const std::string& targetName,
                              const ServiceLevelObjective& slo, double idealLatencyMs) {
    std::optional<double> knee;
    for (const auto& m : measurements) {
        if (m.targetName != targetName || m.steps == 0)
            continue;
        if (evaluateSlo(m.latency.p99Ms, m.due, m.ok, slo, idealLatencyMs).met)
            knee = std::max(knee.value_or(0.0), m.requestedRps);
    }
    return knee;
}

void StopRule::record(const std::string& target, int repetition, double rate, bool metSlo) {
    auto& state = states_[{target, repetition}];
    if (metSlo) {
        state.brokenInARow = 0;
        state.brokenRates.clear();
        return;
    }
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
        rates.push_back(formatNumber(r, 1));
    return "stop rule: the SLO was broken at " + joinList(rates, " and ") + " rps in a row";
}

} // namespace loadscope
