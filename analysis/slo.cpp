#include "slo.h"

#include "number_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

namespace loadscope {

double failureRate(std::int64_t due, std::int64_t ok) {
    if (due <= 0)
        return 1.0;
    return static_cast<double>(std::max<std::int64_t>(0, due - ok)) / static_cast<double>(due);
}

bool failureRateBreaks(double rate, double limit) {
    return limit > 0 ? rate >= limit : rate > 0;
}

SloVerdict evaluateSlo(double p99Ms, std::int64_t due, std::int64_t ok, const SloLimits& limits) {
    SloVerdict v;
    v.p99Ms = p99Ms;
    v.p99LimitMs = limits.p99Ms;
    v.errorRate = failureRate(due, ok);
    std::vector<std::string> reasons;
    if (due <= 0)
        reasons.push_back("no request was due");
    if (v.p99Ms > v.p99LimitMs)
        reasons.push_back("p99 " + formatNumber(v.p99Ms, 1) + " ms > " + formatNumber(v.p99LimitMs, 1) + " ms");
    if (due > 0 && failureRateBreaks(v.errorRate, limits.maxErrorRate))
        reasons.push_back(formatNumber(v.errorRate * 100, 2) + " % without a good answer (limit " +
                          formatNumber(limits.maxErrorRate * 100, 3) + " %)");
    v.met = reasons.empty();
    v.reason = joinList(reasons, "; ");
    return v;
}

namespace {
using nlohmann::json;

std::optional<double> numberAt(const json& object, const char* key) {
    if (!object.is_object())
        return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end() || !it->is_number())
        return std::nullopt;
    return it->get<double>();
}

json parseOrNull(const std::string& text) {
    if (text.empty())
        return nullptr;
    return json::parse(text, nullptr, false); // a damaged document reads as "not stated"
}
} // namespace

std::optional<SloLimits> storedSloLimits(const Run& run, const std::string& target) {
    const json plan = parseOrNull(run.planJson);
    const json environment = parseOrNull(run.environmentJson);
    const json planSlo = plan.is_object() && plan.contains("slo") ? plan["slo"] : json(nullptr);
    json stored = nullptr;
    if (environment.is_object() && environment.contains("targets") && environment["targets"].is_object())
        stored = environment["targets"].value(target, json(nullptr));

    SloLimits limits;
    limits.maxErrorRate = numberAt(planSlo, "max_error_rate").value_or(0.001);
    if (const auto p99 = numberAt(stored, "p99_limit_ms")) {
        limits.p99Ms = *p99;
        return limits;
    }
    if (const auto p99 = numberAt(planSlo, "p99_max_ms")) {
        limits.p99Ms = *p99;
        return limits;
    }
    const auto ideal = numberAt(stored, "ideal_latency_ms");
    if (ideal && *ideal > 0) {
        limits.p99Ms = numberAt(planSlo, "p99_factor_of_ideal").value_or(1.5) * *ideal;
        return limits;
    }
    return std::nullopt;
}

} // namespace loadscope
