#include "option_checks.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace loadscope {

namespace {

std::string gotText(const std::string& expected, const std::string& text) {
    return "expected " + expected + ", got '" + text + "'";
}

// The whole text as a number, or nullopt ("12abc", "", "1.5" when whole).
std::optional<double> wholeTextNumber(const std::string& text, bool whole) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = whole ? static_cast<double>(std::stoll(text, &used)) : std::stod(text, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (used == 0 || used != text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

} // namespace

std::string alternativesText(const std::vector<std::string>& values) {
    std::string text;
    for (std::size_t i = 0; i < values.size(); ++i)
        text += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ") + values[i];
    return text;
}

CLI::Validator choiceCheck(std::vector<std::string> values, std::string expected) {
    std::string typeName;
    for (const auto& value : values)
        typeName += (typeName.empty() ? "" : "|") + value;
    return CLI::Validator(
        [values = std::move(values), expected = std::move(expected)](std::string& text) -> std::string {
            if (std::find(values.begin(), values.end(), text) != values.end())
                return {};
            return gotText(expected, text);
        },
        typeName);
}

CLI::Validator choiceCheck(std::vector<std::string> values) {
    std::string expected = alternativesText(values);
    return choiceCheck(std::move(values), std::move(expected));
}

CLI::Validator numberCheck(std::function<bool(double)> accepted, std::string expected, bool whole) {
    return CLI::Validator(
        [accepted = std::move(accepted), expected, whole](std::string& text) -> std::string {
            const auto value = wholeTextNumber(text, whole);
            if (value && accepted(*value))
                return {};
            return gotText(expected, text);
        },
        "");
}

CLI::Validator rangeCheck(double low, double high, std::string expected, bool whole) {
    return numberCheck([low, high](double value) { return value >= low && value <= high; }, std::move(expected), whole);
}

CLI::Validator textCheck(std::function<std::string(const std::string&)> problem, std::string typeName) {
    return CLI::Validator([problem = std::move(problem)](std::string& text) { return problem(text); },
                          std::move(typeName));
}

} // namespace loadscope
