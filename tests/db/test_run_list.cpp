// The run list: filters (text, status, target, tag, dates), sorting, paging and the summary columns.
#include "run_store.h"
#include "store_test_support.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace loadscope;
using loadscope::test::TempDir;

namespace {

std::vector<std::string> names(const std::vector<RunSummary>& runs) {
    std::vector<std::string> result;
    for (const auto& run : runs)
        result.push_back(run.name);
    return result;
}

class RunList : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = std::make_unique<RunStore>(RunStore::open(dir_.file("runs.sqlite")));
        // Five runs a day apart, oldest first.
        add("Alpha baseline", 0, RunStatus::Completed, {"baseline"}, {"aiohttp", "tornado"}, "hello");
        add("beta uvloop", 1, RunStatus::Failed, {"uvloop", "nightly"}, {"aiohttp"}, "json");
        add("Gamma 100% load", 2, RunStatus::Completed, {"nightly"}, {"tornado"}, "hello");
        add("delta_notes", 3, RunStatus::Cancelled, {}, {"starlette"}, "hello");
        add("epsilon", 4, RunStatus::Running, {"baseline"}, {"aiohttp", "starlette"}, "upload");
        store_->setNotes(ids_["delta_notes"], "Tornado looked odd here");
    }

    void add(const std::string& name, int day, RunStatus status, std::vector<std::string> tags,
             const std::vector<std::string>& targets, const std::string& scenario) {
        loadscope::Run run;
        run.name = name;
        run.createdMs = kDay0 + day * kDayMs;
        run.tags = std::move(tags);
        for (const auto& target : targets) {
            TargetSnapshot t;
            t.name = target;
            run.targets.push_back(t);
        }
        store_->createRun(run);
        int seed = day * 10;
        for (const auto& target : targets)
            for (double rate : {200.0, 100.0}) {
                Step step = test::sampleStep(run, target, rate, 1, ++seed);
                step.scenario = scenario;
                store_->insertStep(step);
            }
        if (status != RunStatus::Running)
            store_->finishRun(run.id, status, run.createdMs + 60'000);
        ids_[name] = run.id;
    }

    std::vector<std::string> list(const RunFilter& filter) const { return names(store_->listRuns(filter)); }

    static constexpr std::int64_t kDay0 = 1'700'000'000'000;
    static constexpr std::int64_t kDayMs = 86'400'000;
    TempDir dir_;
    std::unique_ptr<RunStore> store_;
    std::map<std::string, std::int64_t> ids_;
};

} // namespace

TEST_F(RunList, NewestFirstByDefaultWithSummaries) {
    const auto runs = store_->listRuns();
    EXPECT_EQ(names(runs),
              (std::vector<std::string>{"epsilon", "delta_notes", "Gamma 100% load", "beta uvloop", "Alpha baseline"}));
    const RunSummary& alpha = runs.back();
    EXPECT_EQ(alpha.id, ids_["Alpha baseline"]);
    EXPECT_EQ(alpha.status, RunStatus::Completed);
    EXPECT_EQ(alpha.createdMs, kDay0);
    EXPECT_EQ(alpha.finishedMs, kDay0 + 60'000);
    EXPECT_EQ(alpha.scenario, "hello");
    EXPECT_EQ(alpha.tags, (std::vector<std::string>{"baseline"}));
    EXPECT_EQ(alpha.targetNames, (std::vector<std::string>{"aiohttp", "tornado"}));
    EXPECT_EQ(alpha.rates, (std::vector<double>{100.0, 200.0}));
    EXPECT_EQ(alpha.stepCount, 4);
    // sampleStep fails every third seed: seeds 1..4 -> seed 3 failed.
    EXPECT_EQ(alpha.failedStepCount, 1);
    ASSERT_EQ(alpha.kneeRps.size(), 2u);
    EXPECT_FALSE(alpha.kneeRps.at("aiohttp"));
    EXPECT_EQ(store_->countRuns(), 5);
}

TEST_F(RunList, KneesStoredOnTargetsShowInTheList) {
    auto run = store_->loadRun(ids_["beta uvloop"]);
    const double knee = 1234.5678901234567; // all 17 digits must survive
    run->targets[0].kneeRps = knee;
    store_->updateTarget(run->targets[0]);
    RunFilter filter;
    filter.text = "beta";
    auto runs = store_->listRuns(filter);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].kneeRps.at("aiohttp"), knee);
    run->targets[0].kneeRps.reset();
    store_->updateTarget(run->targets[0]);
    EXPECT_FALSE(store_->listRuns(filter)[0].kneeRps.at("aiohttp"));

    Step third = test::sampleStep(*run, "aiohttp", 1000.0 / 3.0, 1, 99);
    store_->insertStep(third);
    EXPECT_EQ(store_->listRuns(filter)[0].rates, (std::vector<double>{100.0, 200.0, 1000.0 / 3.0}));
}

TEST_F(RunList, TheListFollowsTagAndTargetChanges) {
    const auto id = ids_["beta uvloop"];
    store_->setTags(id, {"renamed\ttag", "second"}); // a tab is no part of a tag
    TargetSnapshot added;
    added.name = "nginx";
    store_->addTarget(id, added);
    RunFilter filter;
    filter.text = "beta";
    const auto runs = store_->listRuns(filter);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].tags, (std::vector<std::string>{"renamed tag", "second"}));
    EXPECT_EQ(runs[0].targetNames, (std::vector<std::string>{"aiohttp", "nginx"}));
    filter.text = "";
    filter.tag = "renamed tag";
    EXPECT_EQ(list(filter), (std::vector<std::string>{"beta uvloop"}));

    store_->renameRun(id, "zeta renamed");
    store_->setNotes(id, "kernel 6.1 regression");
    filter = {};
    filter.text = "zeta regression";
    EXPECT_EQ(list(filter), (std::vector<std::string>{"zeta renamed"}));
    filter.text = "beta";
    EXPECT_TRUE(list(filter).empty());

    TargetSnapshot badName;
    badName.name = "two\nlines";
    try {
        store_->addTarget(id, badName);
        FAIL() << "a target name with a newline was stored";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("control character"), std::string::npos) << e.what();
    }
}

TEST_F(RunList, TextMatchesNameNotesTagsTargetsAndScenarioCaseInsensitively) {
    RunFilter filter;
    filter.sortBy = RunFilter::SortBy::Name;
    filter.descending = false;
    filter.text = "ALPHA";
    EXPECT_EQ(list(filter), (std::vector<std::string>{"Alpha baseline"}));
    filter.text = "tornado"; // a target of Alpha and Gamma, and delta's notes
    EXPECT_EQ(list(filter), (std::vector<std::string>{"Alpha baseline", "delta_notes", "Gamma 100% load"}));
    filter.text = "nightly"; // a tag
    EXPECT_EQ(list(filter), (std::vector<std::string>{"beta uvloop", "Gamma 100% load"}));
    filter.text = "upload"; // a scenario
    EXPECT_EQ(list(filter), (std::vector<std::string>{"epsilon"}));
    filter.text = "tornado nightly"; // every word must match
    EXPECT_EQ(list(filter), (std::vector<std::string>{"Gamma 100% load"}));
    filter.text = "100%"; // LIKE wildcards are taken literally
    EXPECT_EQ(list(filter), (std::vector<std::string>{"Gamma 100% load"}));
    filter.text = "_";
    EXPECT_EQ(list(filter), (std::vector<std::string>{"delta_notes"}));
    filter.text = "nothing-like-this";
    EXPECT_TRUE(list(filter).empty());
    EXPECT_EQ(store_->countRuns(filter), 0);
}

TEST_F(RunList, StatusTargetTagAndDateFilters) {
    RunFilter filter;
    filter.status = RunStatus::Completed;
    EXPECT_EQ(list(filter), (std::vector<std::string>{"Gamma 100% load", "Alpha baseline"}));
    filter = {};
    filter.target = "starlette";
    EXPECT_EQ(list(filter), (std::vector<std::string>{"epsilon", "delta_notes"}));
    filter = {};
    filter.tag = "baseline";
    EXPECT_EQ(list(filter), (std::vector<std::string>{"epsilon", "Alpha baseline"}));
    filter = {};
    filter.createdFromMs = kDay0 + kDayMs;   // inclusive
    filter.createdToMs = kDay0 + 3 * kDayMs; // exclusive
    EXPECT_EQ(list(filter), (std::vector<std::string>{"Gamma 100% load", "beta uvloop"}));
    filter.target = "aiohttp";
    filter.status = RunStatus::Failed;
    EXPECT_EQ(list(filter), (std::vector<std::string>{"beta uvloop"}));
    EXPECT_EQ(store_->countRuns(filter), 1);
    filter.tag = "baseline";
    EXPECT_TRUE(list(filter).empty());
}

TEST_F(RunList, SortingAndPaging) {
    RunFilter filter;
    filter.sortBy = RunFilter::SortBy::Name;
    filter.descending = false;
    EXPECT_EQ(list(filter),
              (std::vector<std::string>{"Alpha baseline", "beta uvloop", "delta_notes", "epsilon", "Gamma 100% load"}));
    filter.descending = true;
    EXPECT_EQ(list(filter).front(), "Gamma 100% load");
    filter.sortBy = RunFilter::SortBy::Status;
    filter.descending = false; // cancelled, completed (newest first), failed, running
    EXPECT_EQ(list(filter),
              (std::vector<std::string>{"delta_notes", "Gamma 100% load", "Alpha baseline", "beta uvloop", "epsilon"}));

    filter = {};
    filter.descending = false;
    filter.limit = 2;
    EXPECT_EQ(list(filter), (std::vector<std::string>{"Alpha baseline", "beta uvloop"}));
    filter.offset = 2;
    EXPECT_EQ(list(filter), (std::vector<std::string>{"Gamma 100% load", "delta_notes"}));
    filter.offset = 4;
    EXPECT_EQ(list(filter), (std::vector<std::string>{"epsilon"}));
    filter.offset = 5;
    EXPECT_TRUE(list(filter).empty());
    filter.limit = 0; // offset alone
    filter.offset = 3;
    EXPECT_EQ(list(filter), (std::vector<std::string>{"delta_notes", "epsilon"}));
    EXPECT_EQ(store_->countRuns(filter), 5); // paging does not change the count
}

TEST_F(RunList, AllTargetNamesAndTags) {
    EXPECT_EQ(store_->allTargetNames(), (std::vector<std::string>{"aiohttp", "starlette", "tornado"}));
    EXPECT_EQ(store_->allTags(), (std::vector<std::string>{"baseline", "nightly", "uvloop"}));
}
