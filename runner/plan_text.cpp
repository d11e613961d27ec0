// The plan's text forms: rates, durations and SLOs as users type them on the command line or in a plan file.
#include "plan_text.h"

#include "benchmark_plan.h"
#include "duration_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace loadscope {

namespace {

// A whole-text decimal number (no sign games, no trailing garbage).
std::optional<double> toNumber(std::string_view text) {
    text = trim(text);
    if (text.empty())
        return std::nullopt;
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// Splits "123.5ms" into the number and its unit.
std::pair<std::string_view, std::string_view> splitUnit(std::string_view text) {
    text = trim(text);
    std::size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' || text[i] == '-' ||
                               text[i] == '+' || text[i] == 'e' || text[i] == 'E')) {
        // 'e' is only an exponent when a digit or sign follows ("1e3"), not the start of a unit.
        if ((text[i] == 'e' || text[i] == 'E') &&
            !(i + 1 < text.size() && (std::isdigit(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '-')))
            break;
        ++i;
    }
    return {text.substr(0, i), trim(text.substr(i))};
}

} // namespace

double parseDurationS(std::string_view text, std::string_view field) {
    const std::string quoted = "'" + std::string(text) + "'";
    const auto reading = readDuration(text);
    switch (reading.problem) {
    case DurationProblem::None:
        return toSeconds(*reading.value);
    case DurationProblem::UnknownUnit:
        throw PlanError(std::string(field) + ": unknown unit '" + reading.unit + "' in " + quoted +
                        " (expected us, ms, s, m or h)");
    case DurationProblem::Negative: {
        // Warm-up and cool-down may be 0; a step and a timeout may not (validatePlan says so for 0 as well).
        const std::string_view name = field;
        const bool zeroAllowed =
            name.find("warmup") != std::string_view::npos || name.find("cooldown") != std::string_view::npos;
        throw PlanError(std::string(field) + ": expected a duration " + (zeroAllowed ? "of 0 or more" : "above 0 s") +
                        ", got " + quoted);
    }
    case DurationProblem::TooLong:
        throw PlanError(std::string(field) + ": expected a duration of at most a year, got " + quoted);
    case DurationProblem::Malformed:
        break;
    }
    throw PlanError(std::string(field) + ": expected " + std::string(kDurationHint) + ", got " + quoted);
}

std::string formatDuration(double seconds) {
    // To the millisecond: plans, ETAs and budgets are read by people; parseDurationS reads the text back.
    return formatDuration(fromSeconds(std::round(seconds * 1000) / 1000));
}

std::vector<double> parseRates(std::string_view text) {
    constexpr std::size_t kMaxRates = 1000;
    const std::string quoted = "'" + std::string(text) + "'";
    std::vector<double> rates;
    const auto items = splitList(text, ',');
    if (items.empty())
        throw PlanError("rates: expected a list like 500,1000,1500 or a range start:stop:step like 500:3000:500, "
                        "got " +
                        quoted);
    for (const auto& item : items) {
        const auto parts = splitList(item, ':');
        if (item.find(':') == std::string::npos) {
            const auto rate = toNumber(item);
            if (!rate || *rate <= 0)
                throw PlanError("rates: '" + item + "' is not a rate above 0 requests per second (in " + quoted + ")");
            rates.push_back(*rate);
            continue;
        }
        if (parts.size() != 3 || std::count(item.begin(), item.end(), ':') != 2)
            throw PlanError("rates: '" + item + "' is not a range start:stop:step, e.g. 500:3000:500 (in " + quoted +
                            ")");
        const auto start = toNumber(parts[0]), stop = toNumber(parts[1]), step = toNumber(parts[2]);
        if (!start || *start <= 0)
            throw PlanError("rates: range '" + item + "': start must be a rate above 0");
        if (!stop || *stop < *start)
            throw PlanError("rates: range '" + item + "': stop must be a number no smaller than start");
        if (!step || *step <= 0)
            throw PlanError("rates: range '" + item + "': step must be a number above 0");
        const double count = std::floor((*stop - *start) / *step + 1e-9) + 1;
        if (count > static_cast<double>(kMaxRates))
            throw PlanError("rates: range '" + item + "' gives more than " + std::to_string(kMaxRates) + " rates");
        for (int i = 0; i < static_cast<int>(count); ++i)
            rates.push_back(*start + i * *step); // inclusive of stop when it falls on the grid
    }
    std::sort(rates.begin(), rates.end());
    rates.erase(std::unique(rates.begin(), rates.end()), rates.end());
    if (rates.size() > kMaxRates)
        throw PlanError("rates: more than " + std::to_string(kMaxRates) + " rates");
    return rates;
}

ServiceLevelObjective parseSlo(std::string_view text) {
    ServiceLevelObjective slo;
    const std::string quoted = "'" + std::string(text) + "'";
    const auto items = splitList(text, ',');
    if (items.empty())
        throw PlanError("slo: expected e.g. p99<75ms, p99<=1.5x or errors<0.1% (comma separated), got " + quoted);
    for (const auto& item : items) {
        const auto op = item.find('<');
        if (op == std::string::npos)
            throw PlanError("slo: '" + item + "' has no '<' or '<=' (expected e.g. p99<75ms, p99<=1.5x, errors<0.1%)");
        const auto metric = trim(std::string_view(item).substr(0, op));
        auto valueText = std::string_view(item).substr(op + 1);
        if (!valueText.empty() && valueText.front() == '=')
            valueText.remove_prefix(1);
        const auto [numberText, unit] = splitUnit(valueText);
        const auto number = toNumber(numberText);
        if (!number || *number < 0)
            throw PlanError("slo: '" + item + "': expected a number after '<'");
        if (metric == "p99") {
            if (unit == "x") {
                if (*number < 1)
                    throw PlanError("slo: '" + item + "': the factor of the ideal latency must be 1 or more");
                slo.p99FactorOfIdeal = *number;
                slo.p99MaxMs.reset();
            } else if (unit == "ms" || unit == "s") {
                const double ms = unit == "s" ? *number * 1000 : *number;
                if (ms <= 0)
                    throw PlanError("slo: '" + item + "': the latency limit must be above 0");
                slo.p99MaxMs = ms;
            } else
                throw PlanError("slo: '" + item +
                                "': expected a unit ms, s or x (a factor of the ideal latency), got '" +
                                std::string(unit) + "'");
        } else if (metric == "errors") {
            double fraction = *number;
            if (unit == "%")
                fraction = *number / 100;
            else if (!unit.empty())
                throw PlanError("slo: '" + item + "': expected a percentage like 0.1% or a fraction like 0.001");
            if (fraction >= 1)
                throw PlanError("slo: '" + item + "': the error limit must be below 100 %");
            slo.maxErrorRate = fraction;
        } else
            throw PlanError("slo: '" + item + "': unknown metric '" + std::string(metric) +
                            "' (the SLO limits p99 and errors)");
    }
    return slo;
}

std::string describeSlo(const ServiceLevelObjective& slo) {
    std::string text = slo.p99MaxMs ? "p99 <= " + formatNumber(*slo.p99MaxMs, 2) + " ms"
                                    : "p99 <= " + formatNumber(slo.p99FactorOfIdeal, 2) + " x ideal latency";
    return text + ", errors < " + formatNumber(slo.maxErrorRate * 100, 3) + " %";
}

} // namespace loadscope
