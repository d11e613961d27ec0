#include "profile_settings.h"

#include "benchmark_plan.h"
#include "number_text.h"

#include <algorithm>
#include <cmath>

namespace loadscope {

bool ProfileSettings::applies(double rps, int repetition) const {
    if (!enabled)
        return false;
    const bool rateMatches = rates.empty() || std::any_of(rates.begin(), rates.end(), [&](double r) {
                                 return std::abs(r - rps) <= 1e-6 * std::max(1.0, std::abs(r));
                             });
    const bool repetitionMatches =
        repetitions.empty() || std::find(repetitions.begin(), repetitions.end(), repetition) != repetitions.end();
    return rateMatches && repetitionMatches;
}

std::string ProfileSettings::describe() const {
    if (!enabled)
        return "off";
    std::string text;
    if (rates.empty() && repetitions.empty())
        text = "every measured step";
    if (!rates.empty()) {
        std::vector<std::string> items;
        for (double r : rates)
            items.push_back(formatNumber(r, 1));
        text = "rates " + joinList(items, ", ");
    }
    if (!repetitions.empty()) {
        std::vector<std::string> items;
        for (int r : repetitions)
            items.push_back(std::to_string(r));
        text += (text.empty() ? "" : ", ") + std::string("repetitions ") + joinList(items, ", ");
    }
    return text + " (Python targets at " + formatNumber(sampleRateHz, 0) + " Hz, native ones with perf at 499 Hz)";
}

nlohmann::json profileSettingsJson(const ProfileSettings& settings) {
    if (!settings.enabled)
        return nullptr;
    return {
        {"rates", settings.rates.empty() ? nlohmann::json("all") : nlohmann::json(settings.rates)},
        {"repetitions", settings.repetitions.empty() ? nlohmann::json("all") : nlohmann::json(settings.repetitions)},
        {"sample_rate_hz", settings.sampleRateHz}};
}

std::string profileRateOutsidePlan(const ProfileSettings& settings, const std::vector<double>& planRates, bool sweep) {
    if (!sweep)
        return {};
    for (double rate : settings.rates)
        if (std::none_of(planRates.begin(), planRates.end(), [&](double r) { return std::abs(r - rate) < 1e-6; }))
            return formatNumber(rate, 1) + " req/s is not one of the plan's rates, so no step would be profiled";
    return {};
}

ProfileSettings profileSettingsFromJson(const nlohmann::json& value, const std::string& source) {
    ProfileSettings settings;
    if (value.is_null() || (value.is_boolean() && !value.get<bool>()))
        return settings;
    settings.enabled = true;
    if (value.is_boolean())
        return settings;
    auto fail = [&](const std::string& field, const std::string& what) {
        throw PlanError(source + ": profile" + (field.empty() ? "" : "." + field) + ": " + what);
    };
    if (!value.is_object())
        fail("", "expected true, false, null or an object {\"rates\", \"repetitions\", \"sample_rate_hz\"}");
    for (const auto& [key, v] : value.items()) {
        const bool all = v.is_string() && v.get<std::string>() == "all";
        if (key == "rates" && !all) {
            if (!v.is_array())
                fail(key, "expected \"all\" or an array of rates in requests per second");
            for (const auto& r : v) {
                if (!r.is_number() || !(r.get<double>() > 0))
                    fail(key, "expected positive numbers of requests per second");
                settings.rates.push_back(r.get<double>());
            }
        } else if (key == "repetitions" && !all) {
            if (!v.is_array())
                fail(key, "expected \"all\" or an array of repetition numbers (1, 2, ...)");
            for (const auto& r : v) {
                if (!r.is_number_integer() || r.get<int>() < 1)
                    fail(key, "expected repetition numbers from 1");
                settings.repetitions.push_back(r.get<int>());
            }
        } else if (key == "sample_rate_hz") {
            if (!v.is_number() || v.get<double>() < 1 || v.get<double>() > 1000)
                fail(key, "expected a number of samples per second from 1 to 1000");
            settings.sampleRateHz = v.get<double>();
        } else if (key != "rates" && key != "repetitions") {
            fail(key, "unknown key (expected rates, repetitions or sample_rate_hz)");
        }
    }
    return settings;
}

} // namespace loadscope
