// RunStore: the read side (run list, one run, histograms, tags and target names).
#include "run_store.h"

#include "run_store_impl.h"
#include "step_rows.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <sstream>
#include <variant>

namespace loadscope {
namespace {

using Value = std::variant<std::int64_t, std::string>;

// A LIKE pattern that matches `text` literally anywhere ('%' and '_' in it are escaped with '\').
std::string containsPattern(const std::string& text) {
    std::string pattern = "%";
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\')
            pattern += '\\';
        pattern += c;
    }
    return pattern + "%";
}

// The WHERE clause of a filter, with its values in the order of their '?' placeholders.
struct Where {
    std::string sql;
    std::vector<Value> values;
};

Where whereClause(const RunFilter& filter) {
    // Each condition takes one value; '$' marks where it goes.
    std::vector<std::pair<std::string_view, Value>> conditions;
    if (filter.status)
        conditions.emplace_back("r.status = $", std::string(toString(*filter.status)));
    // By the indexes on target name and tag: a selective filter reads few run rows.
    if (!filter.target.empty())
        conditions.emplace_back("r.id IN (SELECT run_id FROM targets WHERE name = $)", filter.target);
    if (!filter.tag.empty())
        conditions.emplace_back("r.id IN (SELECT run_id FROM run_tags WHERE tag = $)", filter.tag);
    if (filter.createdFromMs)
        conditions.emplace_back("r.created_ms >= $", *filter.createdFromMs);
    if (filter.createdToMs)
        conditions.emplace_back("r.created_ms < $", *filter.createdToMs);
    // Every word of the text must occur somewhere in the name, notes, scenarios, tags or target names (all kept
    // in the run row's search_text).
    std::istringstream words(filter.text);
    std::string word;
    while (words >> word)
        conditions.emplace_back("r.search_text LIKE $ ESCAPE '\\'", containsPattern(word));
    Where where;
    for (const auto& [condition, value] : conditions) {
        const std::string placeholder = "?" + std::to_string(where.values.size() + 1);
        where.sql += where.values.empty() ? " WHERE " : " AND ";
        for (const char c : condition)
            where.sql += c == '$' ? placeholder : std::string(1, c);
        where.values.push_back(value);
    }
    return where;
}

void bindAll(sqlite::Query& q, const std::vector<Value>& values) {
    int index = 1;
    for (const auto& value : values) {
        if (const auto* number = std::get_if<std::int64_t>(&value))
            q.bind(index++, *number);
        else
            q.bind(index++, std::get<std::string>(value));
    }
}

// The separators of the run row's tag_list and target_list columns (ASCII unit and record separators).
constexpr char kListSeparator = '\x1f';
constexpr char kFieldSeparator = '\x1e';

// Calls `each` with every `separator`-separated item of `text` (none for an empty text), without allocating.
template <typename Each> void forEachItem(std::string_view text, char separator, Each&& each) {
    if (text.empty())
        return;
    for (;;) {
        const auto end = text.find(separator);
        each(text.substr(0, end));
        if (end == std::string_view::npos)
            return;
        text.remove_prefix(end + 1);
    }
}

std::optional<double> parseOptionalNumber(std::string_view text) {
    // Rates and knees are nearly always whole numbers ("800.0"): read those directly, the general parser costs
    // several times more and the list parses ~8 numbers per run.
    std::string_view digits = text.ends_with(".0") ? text.substr(0, text.size() - 2) : text;
    if (!digits.empty() && digits.size() <= 15 &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        std::int64_t whole = 0;
        for (const char c : digits)
            whole = whole * 10 + (c - '0');
        return static_cast<double>(whole); // exact: below 2^53
    }
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// How many items forEachItem() will visit (memchr-fast, for reserving).
std::size_t countItems(std::string_view text, char separator) {
    if (text.empty())
        return 0;
    std::size_t items = 1;
    for (auto at = text.find(separator); at != std::string_view::npos; at = text.find(separator, at + 1))
        ++items;
    return items;
}

// "[100.0,250.5]" as SQLite's json_group_array writes it; a JSON parser per row would cost more than the query.
std::vector<double> parseNumberArray(std::string_view text) {
    std::vector<double> numbers;
    if (text.size() < 2 || text.front() != '[' || text.back() != ']')
        return numbers;
    numbers.reserve(countItems(text, ','));
    forEachItem(text.substr(1, text.size() - 2), ',', [&](std::string_view item) {
        if (const auto number = parseOptionalNumber(item))
            numbers.push_back(*number);
    });
    return numbers;
}

std::vector<std::string> parseStringArray(sqlite::Database& db, std::string_view what, const std::string& text) {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    std::vector<std::string> items;
    if (!j.is_array())
        db.fail(what, "stored value is not a JSON array: " + text);
    for (const auto& item : j) {
        if (!item.is_string())
            db.fail(what, "stored array holds a non-string: " + text);
        items.push_back(item.get<std::string>());
    }
    return items;
}

std::map<std::string, std::string> parseStringMap(sqlite::Database& db, std::string_view what,
                                                  const std::string& text) {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    std::map<std::string, std::string> items;
    if (!j.is_object())
        db.fail(what, "stored value is not a JSON object: " + text);
    for (const auto& [key, value] : j.items()) {
        if (!value.is_string())
            db.fail(what, "stored object holds a non-string: " + text);
        items[key] = value.get<std::string>();
    }
    return items;
}

RunStatus parseRunStatus(sqlite::Database& db, std::int64_t runId, const std::string& text) {
    const auto status = runStatusFromString(text);
    if (!status)
        db.fail("read run " + std::to_string(runId), "unknown run status '" + text + "'");
    return *status;
}

} // namespace

std::vector<RunSummary> RunStore::listRuns(const RunFilter& filter) const {
    auto& db = impl_->db;
    const Where where = whereClause(filter);
    // One scan of the runs table: everything a row of the list shows is kept on the run row (schema v2, v3).
    std::string sql = "SELECT r.id, r.name, r.created_ms, r.finished_ms, r.status, r.scenarios, r.rates_json, "
                      "r.step_count, r.failed_step_count, r.tag_list, r.target_list FROM runs r" +
                      where.sql;
    const char* direction = filter.descending ? " DESC" : " ASC";
    switch (filter.sortBy) {
    case RunFilter::SortBy::Created:
        sql += std::string(" ORDER BY r.created_ms") + direction;
        break;
    case RunFilter::SortBy::Name:
        sql += std::string(" ORDER BY r.name COLLATE NOCASE") + direction;
        break;
    case RunFilter::SortBy::Status:
        sql += std::string(" ORDER BY r.status") + direction + ", r.created_ms DESC";
        break;
    }
    sql += std::string(", r.id") + direction;
    // Bound, not spelled out: paging through the list reuses one prepared statement.
    const int limitIndex = static_cast<int>(where.values.size()) + 1;
    sql += " LIMIT ?" + std::to_string(limitIndex) + " OFFSET ?" + std::to_string(limitIndex + 1);

    // One allocation for the whole list: the run count is a cheap index scan, and bounds any filtered result.
    std::vector<RunSummary> runs;
    const auto total = static_cast<std::size_t>(db.scalar("SELECT count(*) FROM runs", "count runs"));
    runs.reserve(filter.limit > 0 ? std::min(total, static_cast<std::size_t>(filter.limit)) : total);

    auto q = db.query(sql, "list runs");
    bindAll(q, where.values);
    q.bind(limitIndex, filter.limit > 0 ? filter.limit : -1).bind(limitIndex + 1, std::max(0, filter.offset));
    while (q.step()) {
        RunSummary& run = runs.emplace_back();
        run.id = q.int64(0);
        run.name = q.text(1);
        run.createdMs = q.int64(2);
        run.finishedMs = q.int64(3);
        const auto status = runStatusFromString(q.blob(4));
        if (!status)
            db.fail("list runs", "run " + std::to_string(run.id) + " has an unknown status '" + q.text(4) + "'");
        run.status = *status;
        run.scenario = q.text(5);
        run.rates = parseNumberArray(q.blob(6));
        run.stepCount = q.int32(7);
        run.failedStepCount = q.int32(8);
        const std::string_view tags = q.blob(9);
        run.tags.reserve(countItems(tags, kListSeparator));
        forEachItem(tags, kListSeparator, [&](std::string_view tag) { run.tags.emplace_back(tag); });
        const std::string_view targets = q.blob(10);
        run.targetNames.reserve(countItems(targets, kListSeparator));
        forEachItem(targets, kListSeparator, [&](std::string_view target) {
            const auto split = target.find(kFieldSeparator);
            run.targetNames.emplace_back(target.substr(0, split));
            run.kneeRps.emplace(run.targetNames.back(), split == std::string_view::npos
                                                            ? std::nullopt
                                                            : parseOptionalNumber(target.substr(split + 1)));
        });
    }
    return runs;
}

int RunStore::countRuns(const RunFilter& filter) const {
    const Where where = whereClause(filter);
    auto q = impl_->db.query("SELECT count(*) FROM runs r" + where.sql, "count runs");
    bindAll(q, where.values);
    q.step();
    return q.int32(0);
}

std::optional<Run> RunStore::loadRun(std::int64_t runId) const {
    auto& db = impl_->db;
    sqlite::Transaction snapshot(db, sqlite::Transaction::Kind::Read);
    Run run;
    {
        auto q = db.query("SELECT r.id, r.name, r.created_ms, r.finished_ms, r.status, d.plan_json, "
                          "d.environment_json, r.notes FROM runs r LEFT JOIN run_documents d ON d.run_id = r.id "
                          "WHERE r.id = ?1",
                          "load a run");
        q.bind(1, runId);
        if (!q.step())
            return std::nullopt;
        run.id = q.int64(0);
        run.name = q.text(1);
        run.createdMs = q.int64(2);
        run.finishedMs = q.int64(3);
        run.status = parseRunStatus(db, run.id, q.text(4));
        run.planJson = q.text(5);
        run.environmentJson = q.text(6);
        run.notes = q.text(7);
    }
    {
        auto q = db.query("SELECT tag FROM run_tags WHERE run_id = ?1 ORDER BY position", "load a run's tags");
        q.bind(1, runId);
        while (q.step())
            run.tags.push_back(q.text(0));
    }
    {
        auto q = db.query("SELECT id, name, display_name, argv_json, env_json, versions, tags_json, knee_rps "
                          "FROM targets WHERE run_id = ?1 ORDER BY position",
                          "load a run's targets");
        q.bind(1, runId);
        while (q.step()) {
            TargetSnapshot target;
            target.id = q.int64(0);
            const std::string what = "load target " + std::to_string(target.id);
            target.name = q.text(1);
            target.displayName = q.text(2);
            target.argv = parseStringArray(db, what, q.text(3));
            target.env = parseStringMap(db, what, q.text(4));
            target.versions = q.text(5);
            target.tags = parseStringArray(db, what, q.text(6));
            target.kneeRps = q.optionalReal(7);
            run.targets.push_back(std::move(target));
        }
    }
    run.steps = step_rows::loadForRun(db, runId);
    snapshot.commit();
    return run;
}

void RunStore::loadHistograms(std::vector<Step>& steps) const {
    sqlite::Transaction snapshot(impl_->db, sqlite::Transaction::Kind::Read);
    for (auto& step : steps) {
        auto [latency, serviceTime] = step_rows::loadHistograms(impl_->db, step.id);
        step.latencyHistogram = std::move(latency);
        step.serviceTimeHistogram = std::move(serviceTime);
    }
    snapshot.commit();
}

std::pair<LatencyHistogram, LatencyHistogram>
RunStore::mergedHistograms(const std::vector<std::int64_t>& stepIds) const {
    std::pair<LatencyHistogram, LatencyHistogram> merged;
    sqlite::Transaction snapshot(impl_->db, sqlite::Transaction::Kind::Read);
    for (const std::int64_t id : stepIds) {
        const auto [latency, serviceTime] = step_rows::loadHistograms(impl_->db, id);
        if (latency)
            merged.first.merge(*latency);
        if (serviceTime)
            merged.second.merge(*serviceTime);
    }
    snapshot.commit();
    return merged;
}

std::vector<std::string> RunStore::allTags() const {
    std::vector<std::string> tags;
    auto q = impl_->db.query("SELECT DISTINCT tag FROM run_tags ORDER BY tag", "list tags");
    while (q.step())
        tags.push_back(q.text(0));
    return tags;
}

std::vector<std::string> RunStore::allTargetNames() const {
    std::vector<std::string> names;
    auto q = impl_->db.query("SELECT DISTINCT name FROM targets ORDER BY name", "list target names");
    while (q.step())
        names.push_back(q.text(0));
    return names;
}

} // namespace loadscope
