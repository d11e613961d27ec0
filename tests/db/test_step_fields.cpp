// The Step field table (db/step_fields.h) against an independent, hand-written list of where each field belongs: a
// step whose fields all differ goes through SQLite and through the run JSON and comes back equal, and each value is
// found in the column and at the JSON path this file names. A field bound to another field's column, or a table entry
// that names the wrong member, fails here even though it would round-trip.
#include "run_json.h"
#include "run_store.h"
#include "sqlite_database.h"
#include "step_fields.h"
#include "store_test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace loadscope;

namespace {

// Where each scalar field of test::distinctStep belongs, written out by hand (not derived from step_fields.cpp).
struct Placement {
    const char* column;
    const char* jsonPath; // "/counts/due": a JSON pointer into the step's object
    double value;
};

std::vector<Placement> placementsOf(const Step& s) {
    const auto d = [](auto v) { return static_cast<double>(v); };
    return {
        {"requested_rps", "/requested_rps", s.requestedRps},
        {"repetition", "/repetition", d(s.repetition)},
        {"sequence", "/sequence", d(s.sequence)},
        {"started_ms", "/started_ms", d(s.startedMs)},
        {"finished_ms", "/finished_ms", d(s.finishedMs)},
        {"duration_s", "/duration_s", s.durationS},
        {"achieved_rps", "/achieved_rps", s.achievedRps},
        {"due", "/counts/due", d(s.due)},
        {"sent", "/counts/sent", d(s.sent)},
        {"completed", "/counts/completed", d(s.completed)},
        {"ok", "/counts/ok", d(s.ok)},
        {"waited", "/counts/waited", d(s.waited)},
        {"peak_in_flight", "/counts/peak_in_flight", d(s.peakInFlight)},
        {"errors_connect", "/errors/connect", d(s.errors.connect)},
        {"errors_read", "/errors/read", d(s.errors.read)},
        {"errors_timeout", "/errors/timeout", d(s.errors.timeout)},
        {"lateness_p50_ms", "/lateness/p50_ms", s.latenessP50Ms},
        {"lateness_p99_ms", "/lateness/p99_ms", s.latenessP99Ms},
        {"lateness_max_ms", "/lateness/max_ms", s.latenessMaxMs},
        {"server_cpu_percent", "/server/cpu_percent", s.server.cpuPercent},
        {"server_peak_rss_bytes", "/server/peak_rss_bytes", d(s.server.peakRssBytes)},
        {"server_threads", "/server/threads", d(s.server.threads)},
        {"server_voluntary_cs", "/server/voluntary_context_switches", d(s.server.voluntaryContextSwitches)},
        {"server_involuntary_cs", "/server/involuntary_context_switches", d(s.server.involuntaryContextSwitches)},
        {"generator_cpu_percent", "/generator_cpu_percent", s.generatorCpuPercent},
        {"generator_limited", "/flags/generator_limited", d(s.flags.generatorLimited)},
        {"connection_limited", "/flags/connection_limited", d(s.flags.connectionLimited)},
        {"slo_violated", "/flags/slo_violated", d(s.flags.sloViolated)},
        {"server_restarted", "/flags/server_restarted", d(s.flags.serverRestarted)},
        {"latency_count", "/latency/count", d(s.latency.count)},
        {"latency_min_ms", "/latency/min_ms", s.latency.minMs},
        {"latency_mean_ms", "/latency/mean_ms", s.latency.meanMs},
        {"latency_p50_ms", "/latency/p50_ms", s.latency.p50Ms},
        {"latency_p75_ms", "/latency/p75_ms", s.latency.p75Ms},
        {"latency_p90_ms", "/latency/p90_ms", s.latency.p90Ms},
        {"latency_p95_ms", "/latency/p95_ms", s.latency.p95Ms},
        {"latency_p99_ms", "/latency/p99_ms", s.latency.p99Ms},
        {"latency_p999_ms", "/latency/p999_ms", s.latency.p999Ms},
        {"latency_p9999_ms", "/latency/p9999_ms", s.latency.p9999Ms},
        {"latency_max_ms", "/latency/max_ms", s.latency.maxMs},
        {"service_count", "/service_time/count", d(s.serviceTime.count)},
        {"service_min_ms", "/service_time/min_ms", s.serviceTime.minMs},
        {"service_mean_ms", "/service_time/mean_ms", s.serviceTime.meanMs},
        {"service_p50_ms", "/service_time/p50_ms", s.serviceTime.p50Ms},
        {"service_p75_ms", "/service_time/p75_ms", s.serviceTime.p75Ms},
        {"service_p90_ms", "/service_time/p90_ms", s.serviceTime.p90Ms},
        {"service_p95_ms", "/service_time/p95_ms", s.serviceTime.p95Ms},
        {"service_p99_ms", "/service_time/p99_ms", s.serviceTime.p99Ms},
        {"service_p999_ms", "/service_time/p999_ms", s.serviceTime.p999Ms},
        {"service_p9999_ms", "/service_time/p9999_ms", s.serviceTime.p9999Ms},
        {"service_max_ms", "/service_time/max_ms", s.serviceTime.maxMs},
    };
}

// The text fields: column, JSON pointer, value.
std::vector<std::tuple<const char*, const char*, std::string>> textPlacementsOf(const Step& s) {
    return {
        {"scenario", "/scenario", s.scenario},
        {"status", "/status", std::string(toString(s.status))},
        {"status_message", "/status_message", s.statusMessage},
        {"errors_by_status", "", R"({"404":17,"503":18})"},
        {"flag_reason", "/flags/reason", s.flags.reason},
        {"server_log_tail", "/server_log_tail", s.serverLogTail},
        {"generator_log_tail", "/generator_log_tail", s.generatorLogTail},
    };
}

struct StoredDistinctStep : test::StoreWithRun {
    StoredDistinctStep()
        : step(test::distinctStep(run, "tornado")) {
        store.insertStep(step);
    }
    double column(const std::string& name) {
        sqlite::Database db(dir.file("runs.sqlite"), sqlite::Access::ReadOnly);
        auto q = db.query("SELECT " + name + " FROM steps WHERE id = ?1", "read a column");
        q.bind(1, step.id);
        EXPECT_TRUE(q.step());
        return q.real(0);
    }
    std::string textColumn(const std::string& name) {
        sqlite::Database db(dir.file("runs.sqlite"), sqlite::Access::ReadOnly);
        auto q = db.query("SELECT " + name + " FROM steps WHERE id = ?1", "read a column");
        q.bind(1, step.id);
        EXPECT_TRUE(q.step());
        return q.text(0);
    }
    Step step;
};

} // namespace

TEST(StepFields, EveryDistinctValueIsStoredInItsOwnColumnAndReadBack) {
    StoredDistinctStep f;
    for (const auto& p : placementsOf(f.step))
        EXPECT_EQ(f.column(p.column), p.value) << p.column;
    for (const auto& [column, pointer, value] : textPlacementsOf(f.step))
        EXPECT_EQ(f.textColumn(column), value) << column;
    EXPECT_EQ(f.column("run_id"), static_cast<double>(f.run.id));
    EXPECT_EQ(f.column("target_id"), static_cast<double>(f.run.targets[1].id));

    auto loaded = f.store.loadRun(f.run.id);
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded->steps.size(), 1u);
    f.store.loadHistograms(loaded->steps);
    f.store.loadProfiles(loaded->steps);
    EXPECT_EQ(test::differenceBetween(f.step, loaded->steps[0]), "");
    EXPECT_EQ(loaded->steps[0].profile, f.step.profile);
    EXPECT_EQ(loaded->steps[0].targetId, f.step.targetId);
}

TEST(StepFields, EveryDistinctValueIsAtItsOwnJsonPathAndReadBack) {
    loadscope::Run run = test::sampleRun();
    run.steps.push_back(test::distinctStep(run, "tornado"));
    const Step& step = run.steps[0];
    const std::string text = runToJson(run);
    const auto document = nlohmann::json::parse(text);
    const auto& object = document["steps"][0];
    for (const auto& p : placementsOf(step)) {
        const auto& value = object.at(nlohmann::json::json_pointer(p.jsonPath));
        EXPECT_EQ(value.is_boolean() ? double(value.get<bool>()) : value.get<double>(), p.value) << p.jsonPath;
    }
    for (const auto& [column, pointer, value] : textPlacementsOf(step)) {
        if (*pointer) {
            EXPECT_EQ(object.at(nlohmann::json::json_pointer(pointer)).get<std::string>(), value) << pointer;
        }
    }
    EXPECT_EQ(object["target"], "tornado");
    EXPECT_EQ(object["errors"]["by_status"], (nlohmann::json{{"404", 17}, {"503", 18}}));
    EXPECT_EQ(object["timeline"][2]["p99_ms"], 64.5);
    EXPECT_EQ(object["profile"]["profiler"], "perf");
    EXPECT_EQ(object["latency_histogram"], step.latencyHistogram->toBase64());
    EXPECT_EQ(object["service_time_histogram"], step.serviceTimeHistogram->toBase64());

    const auto back = runFromJson(text, "distinct.json");
    ASSERT_EQ(back.steps.size(), 1u);
    EXPECT_EQ(test::differenceBetween(step, back.steps[0]), "");
    EXPECT_EQ(back.steps[0].profile, step.profile);
}

// The steps table and the field table agree: a column added to the schema without a field (or the reverse) fails.
TEST(StepFields, TheTableCoversEveryColumnOfTheStepsTable) {
    test::StoreWithRun f;
    sqlite::Database db(f.dir.file("runs.sqlite"), sqlite::Access::ReadOnly);
    std::set<std::string> schemaColumns;
    auto q = db.query("SELECT name FROM pragma_table_info('steps')", "list the steps columns");
    while (q.step())
        schemaColumns.insert(q.text(0));
    schemaColumns.erase("id"); // the row id, given by SQLite
    std::set<std::string> tableColumns;
    std::set<std::string> jsonPaths;
    for (const auto& field : stepFields()) {
        if (!field.column.empty()) {
            EXPECT_TRUE(tableColumns.insert(std::string(field.column)).second) << field.column << " twice";
        }
        if (!field.json.empty()) {
            EXPECT_TRUE(jsonPaths.insert(std::string(field.json)).second) << field.json << " twice";
        }
    }
    EXPECT_EQ(tableColumns, schemaColumns);
    EXPECT_EQ(placementsOf(Step{}).size() + textPlacementsOf(Step{}).size() + 3, tableColumns.size())
        << "a column this test does not check (run_id, target_id and timeline are checked apart)";
}
