// Profiles stored with steps (schema v5): compressed folded stacks, loaded on demand, carried by JSON export and
// import; a v4 file (the previous version) is migrated and takes profiles afterwards.
#include "profile_codec.h"
#include "run_store.h"
#include "step_rows.h"
#include "store_schema.h"
#include "store_test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace loadscope;
using loadscope::test::TempDir;

namespace {

// A folded profile shaped like a real one: long, repeated frame names (what makes it compress well).
std::string sampleFolded(int lines) {
    std::string text;
    const std::string prefix = "tornado_server:<module>;asyncio.base_events:BaseEventLoop.run_forever;"
                               "asyncio.base_events:BaseEventLoop._run_once;asyncio.events:Handle._run;";
    for (int i = 0; i < lines; ++i)
        text += prefix + "tornado.gen:Runner.run;tornado_server:handler_" + std::to_string(i) + " " +
                std::to_string(3 + i) + "\n";
    return text + prefix + "selectors:EpollSelector.select;[idle] 90\n";
}

Step profiledStep(const loadscope::Run& run, double rate, int seed, const std::string& folded) {
    Step step = test::sampleStep(run, "aiohttp", rate, 1, seed);
    step.status = StepStatus::Ok;
    step.profile = StepProfile{"python", 100.0, folded};
    return step;
}

} // namespace

TEST(StepProfiles, CodecRoundTripsAndShrinksFoldedText) {
    const auto folded = sampleFolded(60);
    const auto stored = compressProfile(folded);
    EXPECT_LT(stored.size() * 5, folded.size()) << stored.size() << " of " << folded.size();
    std::string error;
    EXPECT_EQ(decompressProfile(stored, &error).value_or("?"), folded);
    EXPECT_FALSE(decompressProfile("not a profile", &error));
    EXPECT_EQ(error, "not a stored profile (no LSP1 header)");
    auto damaged = stored;
    damaged[damaged.size() / 2] ^= 0x55;
    damaged[damaged.size() - 2] ^= 0x55;
    EXPECT_FALSE(decompressProfile(damaged, &error));
    EXPECT_EQ(error, "its compressed stacks are damaged");
}

TEST(StepProfiles, StoredWithTheStepAndLoadedOnDemand) {
    test::StoreWithRun f;
    auto& store = f.store;
    auto& run = f.run;
    Step plain = test::sampleStep(run, "aiohttp", 100, 1, 1);
    store.insertStep(plain);
    Step profiled = profiledStep(run, 200, 2, sampleFolded(20));
    store.insertStep(profiled);

    const auto loaded = store.loadRun(run.id);
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded->steps.size(), 2u);
    EXPECT_FALSE(loaded->steps[0].profiled());
    ASSERT_TRUE(loaded->steps[1].profiled());
    EXPECT_EQ(loaded->steps[1].profile->profiler, "python");
    EXPECT_EQ(loaded->steps[1].profile->sampleRateHz, 100.0);
    EXPECT_EQ(loaded->steps[1].profile->folded, ""); // not read with the run
    EXPECT_EQ(store.loadProfile(profiled.id), sampleFolded(20));
    EXPECT_EQ(store.loadProfile(plain.id), std::nullopt);
    EXPECT_THROW(store.loadProfile(999), StoreError);
    auto steps = loaded->steps;
    store.loadProfiles(steps);
    EXPECT_EQ(steps[1].profile->folded, sampleFolded(20));
    // Deleting the run deletes its profiles.
    store.deleteRun(run.id);
    sqlite::Database db(f.dir.file("runs.sqlite"), sqlite::Access::ReadOnly);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM step_profiles", "count"), 0);
}

TEST(StepProfiles, AVersionFourFileIsMigratedAndTakesProfiles) {
    TempDir dir;
    const auto path = dir.file("v4.sqlite");
    loadscope::Run run = test::sampleRun();
    {
        sqlite::Database db(path, sqlite::Access::ReadWrite);
        schema::migrate(db, 0, 4);
        db.query("INSERT INTO runs (id, name, created_ms, status) VALUES (5, 'v4 run', 1600000000000, 'completed')",
                 "insert")
            .run();
        db.query("INSERT INTO targets (id, run_id, position, name) VALUES (2, 5, 0, 'aiohttp')", "insert").run();
        run.id = 5;
        Step step = test::sampleStep(run, "aiohttp", 100, 1, 1);
        step.targetId = 2;
        step_rows::insert(db, step); // a step as v4 wrote it (no profile)
    }
    auto store = RunStore::open(path);
    EXPECT_EQ(store.schemaVersion(), 5);
    auto loaded = store.loadRun(5);
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded->steps.size(), 1u);
    EXPECT_FALSE(loaded->steps[0].profiled());
    Step profiled = profiledStep(*loaded, 300, 3, sampleFolded(5));
    store.insertStep(profiled);
    EXPECT_EQ(store.loadProfile(profiled.id), sampleFolded(5));
}

TEST(StepProfiles, JsonExportAndImportCarryThem) {
    test::StoreWithRun f;
    auto& store = f.store;
    auto& run = f.run;
    Step plain = test::sampleStep(run, "aiohttp", 100, 1, 1);
    store.insertStep(plain);
    Step profiled = profiledStep(run, 200, 2, sampleFolded(8));
    store.insertStep(profiled);
    const auto json = store.exportRunJson(run.id);
    const auto document = nlohmann::json::parse(json);
    EXPECT_TRUE(document["steps"][0]["profile"].is_null());
    EXPECT_EQ(document["steps"][1]["profile"]["profiler"], "python");
    EXPECT_EQ(document["steps"][1]["profile"]["folded"], sampleFolded(8));

    const auto imported = store.importRunJson(json);
    const auto loaded = store.loadRun(imported);
    ASSERT_TRUE(loaded);
    ASSERT_TRUE(loaded->steps[1].profiled());
    EXPECT_EQ(store.loadProfile(loaded->steps[1].id), sampleFolded(8));
    EXPECT_EQ(store.exportRunJson(imported).substr(json.find("\"steps\"")), json.substr(json.find("\"steps\"")));

    // A document without "profile" (written before profiles existed) still imports.
    auto old = document;
    for (auto& step : old["steps"])
        step.erase("profile");
    EXPECT_NO_THROW(store.importRunJson(old.dump()));

    // Damaged stacks are refused, naming the field and the line.
    auto bad = document;
    bad["steps"][1]["profile"]["folded"] = "a;b 1\nno count here\n";
    try {
        store.importRunJson(bad.dump(), "bad.json");
        ADD_FAILURE() << "imported";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.json: steps[1].profile.folded: expected folded stacks"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
    }
    bad = document;
    bad["steps"][1]["profile"]["profiler"] = "dtrace";
    EXPECT_THROW(store.importRunJson(bad.dump()), StoreError);
}
