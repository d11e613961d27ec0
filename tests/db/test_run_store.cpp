// RunStore on real SQLite files: every field survives a round trip, the edits do what they say, histograms merge.
#include "run_store.h"
#include "sqlite_database.h"
#include "store_test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

using namespace loadscope;
using loadscope::test::TempDir;

namespace {

struct StoredRun {
    loadscope::Run run;
    std::vector<Step> steps;
};

// A run with 2 targets x 2 rates x 2 repetitions, written the way the runner writes it.
StoredRun writeSampleRun(RunStore& store, const std::string& name = "sample run") {
    StoredRun stored;
    stored.run = test::sampleRun(name);
    store.createRun(stored.run);
    int seed = 1;
    for (const char* target : {"aiohttp", "tornado"})
        for (double rate : {100.0, 250.5})
            for (int repetition : {1, 2}) {
                Step step = test::sampleStep(stored.run, target, rate, repetition, seed++);
                store.insertStep(step);
                stored.steps.push_back(step);
            }
    return stored;
}

} // namespace

TEST(RunStore, EveryFieldOfRunTargetsAndStepsSurvivesAReopen) {
    TempDir dir;
    const auto path = dir.file("runs.sqlite");
    StoredRun stored;
    {
        auto store = RunStore::open(path);
        EXPECT_EQ(store.schemaVersion(), RunStore::kSchemaVersion);
        stored = writeSampleRun(store);
        store.finishRun(stored.run.id, RunStatus::CompletedWithFailures, stored.run.createdMs + 99'000);
    }
    auto store = RunStore::open(path);
    const auto loaded = store.loadRun(stored.run.id);
    ASSERT_TRUE(loaded);

    loadscope::Run expected = stored.run;
    expected.status = RunStatus::CompletedWithFailures;
    expected.finishedMs = stored.run.createdMs + 99'000;
    expected.steps = stored.steps;
    for (auto& step : expected.steps) { // loadRun leaves the histograms out
        step.latencyHistogram.reset();
        step.serviceTimeHistogram.reset();
    }
    EXPECT_EQ(test::differenceBetween(expected, *loaded), "");
    for (std::size_t i = 0; i < loaded->targets.size(); ++i)
        EXPECT_EQ(loaded->targets[i].id, stored.run.targets[i].id);
    for (std::size_t i = 0; i < loaded->steps.size(); ++i) {
        EXPECT_EQ(loaded->steps[i].id, stored.steps[i].id);
        EXPECT_EQ(loaded->steps[i].runId, stored.run.id);
        EXPECT_EQ(loaded->steps[i].targetId, stored.steps[i].targetId);
        EXPECT_FALSE(loaded->steps[i].latencyHistogram);
    }
    // The target without a knee keeps "no knee", not 0.
    EXPECT_FALSE(loaded->targets[1].kneeRps);

    auto withHistograms = loaded->steps;
    store.loadHistograms(withHistograms);
    for (std::size_t i = 0; i < withHistograms.size(); ++i)
        EXPECT_EQ(test::differenceBetween(stored.steps[i], withHistograms[i]), "") << "step " << i;
}

TEST(RunStore, StepWithoutHistogramsOrTimelineStaysEmpty) {
    test::StoreWithRun f;
    auto& store = f.store;
    auto& run = f.run;
    Step step;
    step.runId = run.id;
    step.targetId = run.targets[0].id; // by id this time
    step.scenario = "hello";
    step.status = StepStatus::Skipped;
    step.statusMessage = "the stop rule left it out";
    store.insertStep(step);
    auto loaded = store.loadRun(run.id);
    ASSERT_EQ(loaded->steps.size(), 1u);
    EXPECT_EQ(test::differenceBetween(step, loaded->steps[0]), "");
    EXPECT_EQ(loaded->steps[0].targetName, "aiohttp");
    store.loadHistograms(loaded->steps);
    EXPECT_FALSE(loaded->steps[0].latencyHistogram);
    EXPECT_FALSE(loaded->steps[0].serviceTimeHistogram);
}

TEST(RunStore, SummariesAreComputedFromHistogramsWhenLeftEmpty) {
    test::StoreWithRun f;
    auto& store = f.store;
    auto& run = f.run;
    Step step = test::sampleStep(run, "aiohttp", 100, 1, 1);
    const LatencySummary expected = step.latency;
    step.latency = {};
    store.insertStep(step);
    const auto loaded = store.loadRun(run.id);
    EXPECT_EQ(loaded->steps[0].latency.count, expected.count);
    EXPECT_EQ(loaded->steps[0].latency.p99Ms, expected.p99Ms);
    EXPECT_EQ(loaded->steps[0].latency.maxMs, expected.maxMs);
}

TEST(RunStore, CreateRunMarksItRunningAndOwnedByThisProcess) {
    TempDir dir;
    auto store = RunStore::open(dir.file("runs.sqlite"));
    loadscope::Run run = test::sampleRun();
    run.status = RunStatus::Completed; // ignored: a new run is running
    run.createdMs = 0;                 // filled with now
    store.createRun(run);
    EXPECT_GT(run.id, 0);
    EXPECT_GT(run.createdMs, 1'600'000'000'000);
    EXPECT_EQ(store.loadRun(run.id)->status, RunStatus::Running);
    // This process is alive: its run is not interrupted.
    EXPECT_EQ(store.markInterruptedRuns(), 0);
    EXPECT_EQ(store.loadRun(run.id)->status, RunStatus::Running);
}

TEST(RunStore, StepsMustNameATargetOfTheirRun) {
    TempDir dir;
    auto store = RunStore::open(dir.file("runs.sqlite"));
    loadscope::Run first = test::sampleRun("first");
    loadscope::Run second = test::sampleRun("second");
    store.createRun(first);
    store.createRun(second);
    Step unknown = test::sampleStep(first, "nginx", 100, 1, 1);
    try {
        store.insertStep(unknown);
        FAIL() << "a step for an unknown target was stored";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("no target named 'nginx'"), std::string::npos) << e.what();
    }
    Step foreign = test::sampleStep(first, "aiohttp", 100, 1, 1);
    foreign.targetId = second.targets[0].id;
    EXPECT_THROW(store.insertStep(foreign), StoreError);
    Step noRun = test::sampleStep(first, "aiohttp", 100, 1, 1);
    noRun.runId = 12345;
    EXPECT_THROW(store.insertStep(noRun), StoreError);
    EXPECT_EQ(store.loadRun(first.id)->steps.size(), 0u);
}

TEST(RunStore, AddAndUpdateTargetsOfARunningRun) {
    TempDir dir;
    auto store = RunStore::open(dir.file("runs.sqlite"));
    loadscope::Run run = test::sampleRun();
    run.targets.clear();
    store.createRun(run);
    TargetSnapshot target;
    target.name = "starlette";
    target.argv = {"uvicorn", "app:app"};
    store.addTarget(run.id, target);
    EXPECT_GT(target.id, 0);
    target.versions = "starlette 0.26 / uvicorn 0.17";
    target.kneeRps = 3100;
    store.updateTarget(target);
    store.setEnvironment(run.id, R"({"kernel":"6.1"})");
    const auto loaded = store.loadRun(run.id);
    ASSERT_EQ(loaded->targets.size(), 1u);
    EXPECT_EQ(loaded->targets[0].versions, "starlette 0.26 / uvicorn 0.17");
    EXPECT_EQ(loaded->targets[0].kneeRps, 3100);
    EXPECT_EQ(loaded->environmentJson, R"({"kernel":"6.1"})");
    TargetSnapshot duplicate;
    duplicate.name = "starlette";
    EXPECT_THROW(store.addTarget(run.id, duplicate), StoreError);
    TargetSnapshot missing;
    missing.id = 999;
    missing.name = "x";
    EXPECT_THROW(store.updateTarget(missing), StoreError);
}

TEST(RunStore, RenameTagAnnotateAndDeleteWithCascade) {
    TempDir dir;
    auto store = RunStore::open(dir.file("runs.sqlite"));
    auto kept = writeSampleRun(store, "kept");
    auto doomed = writeSampleRun(store, "doomed");

    store.renameRun(kept.run.id, "aiohttp vs tornado, quiet host");
    store.setNotes(kept.run.id, "rerun after the kernel update");
    store.setTags(kept.run.id, {" nightly ", "uvloop", "nightly", ""});
    auto loaded = store.loadRun(kept.run.id);
    EXPECT_EQ(loaded->name, "aiohttp vs tornado, quiet host");
    EXPECT_EQ(loaded->notes, "rerun after the kernel update");
    EXPECT_EQ(loaded->tags, (std::vector<std::string>{"nightly", "uvloop"}));
    EXPECT_EQ(store.allTags(), (std::vector<std::string>{"baseline", "nightly", "uvloop"}));
    EXPECT_THROW(store.renameRun(kept.run.id, "  "), StoreError);
    EXPECT_THROW(store.renameRun(4242, "x"), StoreError);
    EXPECT_THROW(store.setNotes(4242, "x"), StoreError);
    EXPECT_THROW(store.setTags(4242, {"x"}), StoreError);

    const std::int64_t doomedStep = doomed.steps.front().id;
    store.deleteRun(doomed.run.id);
    EXPECT_FALSE(store.loadRun(doomed.run.id));
    EXPECT_THROW(store.deleteRun(doomed.run.id), StoreError);
    // Its steps and histograms went with it; the other run is whole.
    EXPECT_THROW(store.mergedHistograms({doomedStep}), StoreError);
    EXPECT_EQ(store.loadRun(kept.run.id)->steps.size(), kept.steps.size());
    EXPECT_EQ(store.countRuns(), 1);
    EXPECT_EQ(store.allTags(), (std::vector<std::string>{"nightly", "uvloop"}));
    // Nothing of the deleted run is left in any table.
    sqlite::Database raw(store.path(), sqlite::Access::ReadOnly);
    const std::string id = std::to_string(doomed.run.id);
    EXPECT_EQ(raw.scalar("SELECT count(*) FROM run_tags WHERE run_id = " + id, "count"), 0);
    EXPECT_EQ(raw.scalar("SELECT count(*) FROM targets WHERE run_id = " + id, "count"), 0);
    EXPECT_EQ(raw.scalar("SELECT count(*) FROM steps WHERE run_id = " + id, "count"), 0);
    EXPECT_EQ(raw.scalar("SELECT count(*) FROM step_histograms", "count"),
              static_cast<std::int64_t>(kept.steps.size()));
}

TEST(RunStore, MergedRepetitionsEqualRecordingEverything) {
    test::StoreWithRun f;
    auto& store = f.store;
    auto& run = f.run;
    LatencyHistogram allLatency;
    LatencyHistogram allService;
    std::vector<std::int64_t> ids;
    for (int repetition = 1; repetition <= 3; ++repetition) {
        Step step = test::sampleStep(run, "aiohttp", 500, repetition, 10 + repetition);
        allLatency.merge(*step.latencyHistogram);
        allService.merge(*step.serviceTimeHistogram);
        store.insertStep(step);
        ids.push_back(step.id);
    }
    const auto [latency, service] = store.mergedHistograms(ids);
    EXPECT_EQ(latency, allLatency);
    EXPECT_EQ(service, allService);
    EXPECT_EQ(latency.count(), 6000);
    EXPECT_EQ(latency.valueAtPercentile(99), allLatency.valueAtPercentile(99));
    EXPECT_THROW(store.mergedHistograms({ids[0], 999'999}), StoreError);
}

TEST(RunStore, ReadOnlyStoreReadsButRefusesEveryWrite) {
    TempDir dir;
    const auto path = dir.file("runs.sqlite");
    std::int64_t id = 0;
    {
        auto store = RunStore::open(path);
        id = writeSampleRun(store).run.id;
    }
    const std::string before = test::readFile(path);
    {
        auto reader = RunStore::open(path, RunStore::OpenMode::ReadOnly);
        EXPECT_EQ(reader.loadRun(id)->steps.size(), 8u);
        EXPECT_EQ(reader.listRuns().size(), 1u);
        try {
            reader.renameRun(id, "x");
            FAIL() << "a read-only store renamed a run";
        } catch (const StoreError& e) {
            EXPECT_NE(std::string(e.what()).find("read-only"), std::string::npos) << e.what();
        }
        loadscope::Run run = test::sampleRun();
        EXPECT_THROW(reader.createRun(run), StoreError);
        EXPECT_THROW(reader.deleteRun(id), StoreError);
        EXPECT_THROW(reader.markInterruptedRuns(), StoreError);
    }
    EXPECT_EQ(test::readFile(path), before);
    EXPECT_THROW(RunStore::open(dir.file("absent.sqlite"), RunStore::OpenMode::ReadOnly), StoreError);
    EXPECT_FALSE(std::filesystem::exists(dir.file("absent.sqlite")));
}

TEST(RunStore, OpeningCreatesMissingFoldersAndTheDefaultPathFollowsXdg) {
    TempDir dir;
    const auto nested = dir.file("a/b/runs.sqlite");
    RunStore::open(nested);
    EXPECT_TRUE(std::filesystem::exists(nested));

    const char* savedXdg = std::getenv("XDG_DATA_HOME");
    const std::string saved = savedXdg ? savedXdg : "";
    const char* savedHomeText = std::getenv("HOME");
    const std::string savedHome = savedHomeText ? savedHomeText : "";
    ::setenv("XDG_DATA_HOME", dir.path().c_str(), 1);
    EXPECT_EQ(RunStore::defaultPath(), dir.path() / "loadscope" / "runs.sqlite");
    ::setenv("XDG_DATA_HOME", "relative/dir", 1); // invalid by the XDG spec: ignored
    ::setenv("HOME", "/home/someone", 1);
    EXPECT_EQ(RunStore::defaultPath(), std::filesystem::path("/home/someone/.local/share/loadscope/runs.sqlite"));
    ::setenv("HOME", savedHome.c_str(), 1);
    if (savedXdg)
        ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
    else
        ::unsetenv("XDG_DATA_HOME");
}

TEST(RunStore, NumbersThatAreNotFiniteAreRefusedNamingTheField) {
    test::StoreWithRun f;
    auto& store = f.store;
    auto& run = f.run;
    Step step = test::sampleStep(run, "aiohttp", 100, 1, 1);
    step.server.cpuPercent = std::numeric_limits<double>::quiet_NaN();
    try {
        store.insertStep(step);
        FAIL() << "a NaN was stored";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("server_cpu_percent is nan (expected a finite number)"), std::string::npos)
            << e.what();
    }
    step = test::sampleStep(run, "aiohttp", 100, 1, 1);
    step.timeline[3].p99Ms = std::numeric_limits<double>::infinity();
    EXPECT_THROW(store.insertStep(step), StoreError);
    run.targets[0].kneeRps = std::numeric_limits<double>::infinity();
    EXPECT_THROW(store.updateTarget(run.targets[0]), StoreError);
    EXPECT_TRUE(store.loadRun(run.id)->steps.empty());
    EXPECT_EQ(store.loadRun(run.id)->targets[0].kneeRps, 4200.5);
}

TEST(RunStore, ArgumentsThatAreNotUtf8AreStoredReplacedNotRefused) {
    TempDir dir;
    auto store = RunStore::open(dir.file("runs.sqlite"));
    loadscope::Run run = test::sampleRun();
    run.targets[0].argv.push_back("/srv/caf\xe9/app.py"); // Latin-1, as an old file system might name it
    store.createRun(run);
    const auto loaded = store.loadRun(run.id);
    EXPECT_EQ(loaded->targets[0].argv.back(), "/srv/caf\xef\xbf\xbd/app.py");
    EXPECT_NO_THROW(store.exportRunJson(run.id));
}
