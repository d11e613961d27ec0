#pragma once
// The one list of a Step's fields: for each, its column in the `steps` table, its place in a step of the run JSON
// document (docs/run-json.md), its unit and the member that holds it. The SQLite rows (step_rows.cpp: INSERT and
// SELECT), the run JSON (run_json.cpp: both directions) and the CSV export (report/run_csv.cpp, through
// stepCsvColumns) all walk this list, so a field is added here once and a column cannot be bound to the wrong member
// in one direction only.

#include "run_types.h"

#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

namespace loadscope {

// A captureless accessor naming one member of a Step (possibly nested: s.errors.connect).
template <typename T> using StepMember = T& (*)(Step&);

// The member's type decides how each format stores it: numbers and text as they are, the status as its word, the
// HTTP status counts as a JSON object, the timeline as timeline_codec's blob (SQLite) or an array (JSON), the
// histograms as base64 (JSON only: SQLite keeps them in step_histograms), the profile as an object (JSON only:
// SQLite keeps it in step_profiles).
using StepMemberRef = std::variant<StepMember<std::int64_t>, StepMember<int>, StepMember<double>, StepMember<bool>,
                                   StepMember<std::string>, StepMember<StepStatus>,
                                   StepMember<std::map<int, std::int64_t>>, StepMember<std::vector<TimelinePoint>>,
                                   StepMember<std::optional<LatencyHistogram>>, StepMember<std::optional<StepProfile>>>;

struct StepField {
    std::string_view column; // in the `steps` table; empty when the step's row does not hold it
    std::string_view json;   // path in a step object of the run JSON ("counts.due"); empty when not in the document
    std::string_view unit;   // "ms", "s", "rps", "%", "bytes", "ms since epoch", "requests"...; empty for words
    StepMemberRef member;
};

// Every field, in the order of the `steps` columns and of the keys of a step in the run JSON.
std::span<const StepField> stepFields();
// The field at `path` in the run JSON ("counts.due"); nullptr when no field is there.
const StepField* stepFieldByJson(std::string_view path);

// Reads a field of a const step (the accessors only name a member, they never change the step).
template <typename T> const T& fieldValue(StepMember<T> member, const Step& step) {
    return member(const_cast<Step&>(step));
}

// One column of the CSV export (one row per step, docs/cli.md). Most columns show a field of the table above (by its
// JSON path, formatted by its type and unit); the others are worked out from the run or the step.
enum class StepCsvSource { Field, RunId, RunName, ErrorsTotal, FlagWords };
struct StepCsvColumn {
    std::string_view header;
    StepCsvSource source = StepCsvSource::Field;
    std::string_view field; // the StepField::json shown, for StepCsvSource::Field
};
std::span<const StepCsvColumn> stepCsvColumns();

} // namespace loadscope
