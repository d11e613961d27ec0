#include "run_csv.h"

#include "number_text.h"
#include "step_fields.h"
#include "time_text.h"

#include <stdexcept>
#include <type_traits>

namespace loadscope {
namespace {

std::string quotedCsvField(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

// A field as the CSV shows it: by its type, and a time by its unit.
std::string csvFieldText(const StepField& field, const Step& step) {
    return std::visit(
        [&](auto member) -> std::string {
            const auto& value = fieldValue(member, step);
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::int64_t>) {
                return field.unit == "ms since epoch" ? isoUtcTime(value) : std::to_string(value);
            } else if constexpr (std::is_same_v<T, int>) {
                return std::to_string(value);
            } else if constexpr (std::is_same_v<T, double>) {
                return formatNumber(value, 4);
            } else if constexpr (std::is_same_v<T, std::string>) {
                return quotedCsvField(value);
            } else if constexpr (std::is_same_v<T, StepStatus>) {
                return std::string(toString(value));
            } else if constexpr (std::is_same_v<T, std::map<int, std::int64_t>>) {
                std::vector<std::string> codes; // "404:3;503:1"
                for (const auto& [code, n] : value)
                    codes.push_back(std::to_string(code) + ":" + std::to_string(n));
                return joinList(codes, ";");
            } else {
                throw std::logic_error("the CSV has no form for " + std::string(field.json));
            }
        },
        field.member);
}

std::string csvCell(const StepCsvColumn& column, const Run& run, const Step& step) {
    switch (column.source) {
    case StepCsvSource::RunId:
        return std::to_string(run.id);
    case StepCsvSource::RunName:
        return quotedCsvField(run.name);
    case StepCsvSource::ErrorsTotal:
        return std::to_string(step.errors.total());
    case StepCsvSource::FlagWords:
        return quotedCsvField(flagWords(step.flags));
    case StepCsvSource::Field:
        break;
    }
    const StepField* field = stepFieldByJson(column.field);
    if (!field)
        throw std::logic_error("CSV column " + std::string(column.header) + " names no step field");
    return csvFieldText(*field, step);
}

} // namespace

std::string runToCsv(const Run& run) {
    std::vector<std::string> header;
    for (const auto& column : stepCsvColumns())
        header.emplace_back(column.header);
    std::string out = joinList(header, ",") + "\n";
    for (const auto& step : run.steps) {
        std::vector<std::string> row;
        for (const auto& column : stepCsvColumns())
            row.push_back(csvCell(column, run, step));
        out += joinList(row, ",") + "\n";
    }
    return out;
}

} // namespace loadscope
