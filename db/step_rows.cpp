#include "step_rows.h"

#include "profile_codec.h"
#include "step_fields.h"
#include "timeline_codec.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <type_traits>

namespace loadscope::step_rows {
namespace {

// The fields the `steps` row holds, in stepFields() order: the INSERT binds and the SELECT reads this one list.
const std::vector<const StepField*>& rowFields() {
    static const std::vector<const StepField*> fields = [] {
        std::vector<const StepField*> list;
        for (const auto& field : stepFields())
            if (!field.column.empty())
                list.push_back(&field);
        return list;
    }();
    return fields;
}

const std::string& insertSql() {
    static const std::string sql = [] {
        std::string names;
        std::string values;
        for (std::size_t i = 0; i < rowFields().size(); ++i) {
            names += (i ? ", " : "") + std::string(rowFields()[i]->column);
            values += (i ? ", ?" : "?") + std::to_string(i + 1);
        }
        return "INSERT INTO steps (" + names + ") VALUES (" + values + ")";
    }();
    return sql;
}

// The step's id, its target's name and its profile's settings come first, so decoding a column can name the step.
constexpr int kFirstFieldColumn = 4;

const std::string& selectSql() {
    static const std::string sql = [] {
        std::string names;
        for (const auto* field : rowFields())
            names += ", s." + std::string(field->column);
        return "SELECT s.id, t.name, p.profiler, p.sample_rate_hz" + names +
               " FROM steps s JOIN targets t ON t.id = s.target_id LEFT JOIN step_profiles p ON p.step_id = s.id "
               "WHERE s.run_id = ?1 ORDER BY s.sequence, s.id";
    }();
    return sql;
}

std::string statusErrorsJson(const std::map<int, std::int64_t>& byStatus) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [code, count] : byStatus)
        j[std::to_string(code)] = count;
    return j.dump();
}

std::map<int, std::int64_t> parseStatusErrors(sqlite::Database& db, const std::string& what, const std::string& text) {
    std::map<int, std::int64_t> byStatus;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object())
        db.fail(what, "its errors_by_status column is not a JSON object");
    for (const auto& [code, count] : j.items()) {
        if (!count.is_number_integer())
            db.fail(what, "errors_by_status[\"" + code + "\"] is not an integer");
        byStatus[std::stoi(code)] = count.get<std::int64_t>();
    }
    return byStatus;
}

[[noreturn]] void notAColumn(sqlite::Database& db, const StepField& field) {
    db.fail("store a step", "internal error: " + std::string(field.json) + " has no column of the steps table");
}

// Binds one field at `index`, in the column's storage form.
void bindField(sqlite::Database& db, sqlite::Query& q, int index, const StepField& field, const Step& step) {
    std::visit(
        [&](auto member) {
            const auto& value = fieldValue(member, step);
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, double>) {
                // SQLite would store NaN as NULL (and JSON has neither NaN nor infinity): refuse it, naming the field.
                if (!std::isfinite(value))
                    db.fail("store a step",
                            std::string(field.column) + " is " + std::to_string(value) + " (expected a finite number)");
                q.bind(index, value);
            } else if constexpr (std::is_same_v<T, StepStatus>) {
                q.bind(index, toString(value));
            } else if constexpr (std::is_same_v<T, std::map<int, std::int64_t>>) {
                q.bind(index, statusErrorsJson(value));
            } else if constexpr (std::is_same_v<T, std::vector<TimelinePoint>>) {
                q.bindBlob(index, encodeTimeline(value));
            } else if constexpr (std::is_same_v<T, std::optional<LatencyHistogram>> ||
                                 std::is_same_v<T, std::optional<StepProfile>>) {
                notAColumn(db, field);
            } else {
                q.bind(index, value);
            }
        },
        field.member);
}

// Reads one field from `column` of the current row into `step`.
void readColumnField(sqlite::Database& db, const sqlite::Query& q, int column, const StepField& field, Step& step) {
    auto what = [&] { return "load step " + std::to_string(step.id); };
    std::visit(
        [&](auto member) {
            auto& value = member(step);
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::int64_t>) {
                value = q.int64(column);
            } else if constexpr (std::is_same_v<T, int>) {
                value = q.int32(column);
            } else if constexpr (std::is_same_v<T, double>) {
                value = q.real(column);
            } else if constexpr (std::is_same_v<T, bool>) {
                value = q.int64(column) != 0;
            } else if constexpr (std::is_same_v<T, std::string>) {
                value = q.text(column);
            } else if constexpr (std::is_same_v<T, StepStatus>) {
                const std::string text = q.text(column);
                const auto status = stepStatusFromString(text);
                if (!status)
                    db.fail(what(), "unknown step status '" + text + "'");
                value = *status;
            } else if constexpr (std::is_same_v<T, std::map<int, std::int64_t>>) {
                value = parseStatusErrors(db, what(), q.text(column));
            } else if constexpr (std::is_same_v<T, std::vector<TimelinePoint>>) {
                std::string error;
                auto points = decodeTimeline(q.blob(column), &error);
                if (!points)
                    db.fail(what(), "its timeline is damaged: " + error);
                value = std::move(*points);
            } else {
                notAColumn(db, field);
            }
        },
        field.member);
}

// The columns after the step's fields in selectSql(), and the step they belong to.
Step readRow(sqlite::Database& db, const sqlite::Query& q) {
    Step s;
    s.id = q.int64(0);
    s.targetName = q.text(1);
    if (!q.isNull(2))
        s.profile = StepProfile{q.text(2), q.real(3), {}};
    for (std::size_t i = 0; i < rowFields().size(); ++i)
        readColumnField(db, q, kFirstFieldColumn + static_cast<int>(i), *rowFields()[i], s);
    return s;
}

void insertHistograms(sqlite::Database& db, std::int64_t stepId, const Step& step) {
    auto h = db.query("INSERT INTO step_histograms (step_id, latency, service_time) VALUES (?1, ?2, ?3)",
                      "insert a step's histograms");
    h.bind(1, stepId);
    if (step.latencyHistogram)
        h.bindBlob(2, step.latencyHistogram->serialize());
    else
        h.bindNull(2);
    if (step.serviceTimeHistogram)
        h.bindBlob(3, step.serviceTimeHistogram->serialize());
    else
        h.bindNull(3);
    h.run();
}

} // namespace

std::int64_t insert(sqlite::Database& db, const Step& step) {
    for (std::size_t i = 0; i < step.timeline.size(); ++i) {
        const auto& point = step.timeline[i];
        if (!std::isfinite(point.p50Ms) || !std::isfinite(point.p99Ms))
            db.fail("store a step", "timeline[" + std::to_string(i) + "] has a percentile that is not a finite number");
    }
    auto q = db.query(insertSql(), "insert a step");
    for (std::size_t i = 0; i < rowFields().size(); ++i)
        bindField(db, q, static_cast<int>(i) + 1, *rowFields()[i], step);
    q.run();
    const std::int64_t id = db.lastInsertRowId();
    if (step.latencyHistogram || step.serviceTimeHistogram)
        insertHistograms(db, id, step);
    if (step.profile)
        insertProfile(db, id, *step.profile);
    return id;
}

void insertProfile(sqlite::Database& db, std::int64_t stepId, const StepProfile& profile) {
    if (profile.profiler.empty())
        db.fail("store a step's profile", "the profile does not name its profiler");
    if (!std::isfinite(profile.sampleRateHz) || profile.sampleRateHz < 0)
        db.fail("store a step's profile", "sample_rate_hz is not a finite, positive number");
    const std::string stored = compressProfile(profile.folded);
    if (stored.empty())
        db.fail("store a step's profile", "its folded stacks could not be compressed");
    auto q = db.query("INSERT INTO step_profiles (step_id, profiler, sample_rate_hz, folded) VALUES (?1, ?2, ?3, ?4)",
                      "insert a step's profile");
    q.bind(1, stepId).bind(2, profile.profiler).bind(3, profile.sampleRateHz);
    q.bindBlob(4, stored);
    q.run();
}

std::optional<std::string> loadProfile(sqlite::Database& db, std::int64_t stepId) {
    auto q = db.query("SELECT s.id, p.folded FROM steps s LEFT JOIN step_profiles p ON p.step_id = s.id "
                      "WHERE s.id = ?1",
                      "load a step's profile");
    q.bind(1, stepId);
    const std::string what = "load the profile of step " + std::to_string(stepId);
    if (!q.step())
        db.fail(what, "there is no such step");
    if (q.isNull(1))
        return std::nullopt;
    std::string error;
    auto folded = decompressProfile(q.blob(1), &error);
    if (!folded)
        db.fail(what, error);
    return folded;
}

std::vector<Step> loadForRun(sqlite::Database& db, std::int64_t runId) {
    std::vector<Step> steps;
    auto q = db.query(selectSql(), "load the steps of a run");
    q.bind(1, runId);
    while (q.step())
        steps.push_back(readRow(db, q));
    return steps;
}

std::pair<std::optional<LatencyHistogram>, std::optional<LatencyHistogram>> loadHistograms(sqlite::Database& db,
                                                                                           std::int64_t stepId) {
    auto q = db.query("SELECT s.id, h.latency, h.service_time FROM steps s "
                      "LEFT JOIN step_histograms h ON h.step_id = s.id WHERE s.id = ?1",
                      "load a step's histograms");
    q.bind(1, stepId);
    if (!q.step())
        db.fail("load the histograms of step " + std::to_string(stepId), "there is no such step");
    auto column = [&](int index, const char* name) -> std::optional<LatencyHistogram> {
        if (q.isNull(index))
            return std::nullopt;
        std::string error;
        auto histogram = LatencyHistogram::deserialize(q.blob(index), &error);
        if (!histogram)
            db.fail("load the histograms of step " + std::to_string(stepId),
                    std::string("its ") + name + " histogram is damaged: " + error);
        return histogram;
    };
    return {column(1, "latency"), column(2, "service time")};
}

} // namespace loadscope::step_rows
