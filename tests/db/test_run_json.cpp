// Export and import of whole runs: lossless round trip, and a bad document is refused naming the field, with
// nothing written.
#include "run_json.h"
#include "run_store.h"
#include "store_test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace loadscope;
using loadscope::test::TempDir;
using Json = nlohmann::ordered_json;

namespace {

class RunJson : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = std::make_unique<RunStore>(RunStore::open(dir_.file("runs.sqlite")));
        original_ = test::sampleRun("exported run");
        store_->createRun(original_);
        int seed = 1;
        for (const char* target : {"aiohttp", "tornado"})
            for (double rate : {100.0, 200.0, 300.0, 400.0}) {
                Step step = test::sampleStep(original_, target, rate, 1, seed++);
                store_->insertStep(step);
                original_.steps.push_back(step);
            }
        store_->finishRun(original_.id, RunStatus::Completed, original_.createdMs + 120'000);
        original_.status = RunStatus::Completed;
        original_.finishedMs = original_.createdMs + 120'000;
        exported_ = store_->exportRunJson(original_.id);
    }

    // Applies `edit` to the exported document, imports it and returns the error message ("" if it was accepted).
    std::string importEdited(const std::function<void(Json&)>& edit) {
        Json document = Json::parse(exported_);
        edit(document);
        const int runsBefore = store_->countRuns();
        const auto targetsBefore = store_->allTargetNames();
        try {
            store_->importRunJson(document.dump(), "edited.json");
        } catch (const StoreError& e) {
            EXPECT_EQ(store_->countRuns(), runsBefore) << "a refused import wrote a run";
            EXPECT_EQ(store_->allTargetNames(), targetsBefore);
            return e.what();
        }
        return "";
    }

    TempDir dir_;
    std::unique_ptr<RunStore> store_;
    loadscope::Run original_;
    std::string exported_;
};

} // namespace

TEST_F(RunJson, ExportImportExportIsIdentical) {
    const std::int64_t imported = store_->importRunJson(exported_, "exported.json");
    EXPECT_NE(imported, original_.id);
    EXPECT_EQ(store_->exportRunJson(imported), exported_);

    // ... into another database too, and every field (histograms included) is the original's.
    TempDir other;
    auto second = RunStore::open(other.file("other.sqlite"));
    const std::int64_t copy = second.importRunJson(exported_, "exported.json");
    EXPECT_EQ(second.exportRunJson(copy), exported_);
    auto loaded = second.loadRun(copy);
    second.loadHistograms(loaded->steps);
    EXPECT_EQ(test::differenceBetween(original_, *loaded), "");
}

TEST_F(RunJson, DocumentIsReadableJsonWithTheDocumentedFields) {
    const Json document = Json::parse(exported_);
    EXPECT_EQ(document["format"], "loadscope-run");
    EXPECT_EQ(document["format_version"], 1);
    EXPECT_EQ(document["run"]["plan"]["scenario"], "hello"); // embedded as JSON, not as an escaped string
    EXPECT_EQ(document["run"]["status"], "completed");
    EXPECT_EQ(document["targets"][0]["knee_rps"], 4200.5);
    EXPECT_TRUE(document["targets"][1]["knee_rps"].is_null());
    const Json& step = document["steps"][2];
    EXPECT_EQ(step["target"], "aiohttp");
    EXPECT_EQ(step["errors"]["by_status"]["503"], 8);
    EXPECT_EQ(step["timeline"].size(), 10u);
    EXPECT_EQ(step["latency"]["count"], 2000);
    const auto histogram = LatencyHistogram::fromBase64(step["latency_histogram"].get<std::string>());
    ASSERT_TRUE(histogram);
    EXPECT_EQ(*histogram, *original_.steps[2].latencyHistogram);
}

TEST_F(RunJson, PlanTextThatIsNotCompactJsonIsKeptVerbatim) {
    loadscope::Run run = test::sampleRun("pretty plan");
    run.planJson = "{\n  \"scenario\": \"hello\"\n}";
    run.environmentJson = "not json at all";
    store_->createRun(run);
    const std::string exported = store_->exportRunJson(run.id);
    const Json document = Json::parse(exported);
    EXPECT_EQ(document["run"]["plan_text"], run.planJson);
    EXPECT_EQ(document["run"]["environment_text"], "not json at all");
    const auto imported = store_->importRunJson(exported);
    EXPECT_EQ(store_->loadRun(imported)->planJson, run.planJson);
    EXPECT_EQ(store_->exportRunJson(imported), exported);
}

TEST_F(RunJson, ImportedRunningRunHasNoOwnerAndIsMarkedInterrupted) {
    const std::string edited = [&] {
        Json document = Json::parse(exported_);
        document["run"]["status"] = "running";
        document["run"]["finished_ms"] = 0;
        return document.dump();
    }();
    const auto id = store_->importRunJson(edited);
    EXPECT_EQ(store_->loadRun(id)->status, RunStatus::Running);
    EXPECT_EQ(store_->markInterruptedRuns(), 1); // the original run is finished; the imported one has no owner
    const auto run = store_->loadRun(id);
    EXPECT_EQ(run->status, RunStatus::Interrupted);
    EXPECT_EQ(run->finishedMs, original_.steps.back().finishedMs); // when its last step ended
}

TEST_F(RunJson, MalformedDocumentsNameTheFieldAndWriteNothing) {
    struct Case {
        const char* why;
        std::function<void(Json&)> edit;
        const char* message;
    };
    const std::vector<Case> cases{
        {"a percentile as text", [](Json& d) { d["steps"][3]["latency"]["p99_ms"] = "fast"; },
         "edited.json: steps[3].latency.p99_ms: expected a number, found a string"},
        {"a missing field", [](Json& d) { d["run"].erase("name"); },
         "edited.json: run.name: missing (expected a string)"},
        {"a fractional count", [](Json& d) { d["steps"][2]["counts"]["sent"] = 1.5; },
         "steps[2].counts.sent: expected an integer, found a fractional number"},
        {"a broken histogram", [](Json& d) { d["steps"][0]["latency_histogram"] = "bm90IGEgaGlzdG9ncmFt"; },
         "steps[0].latency_histogram: expected a base64 Loadscope histogram"},
        {"not base64", [](Json& d) { d["steps"][7]["service_time_histogram"] = "***"; },
         "steps[7].service_time_histogram: expected a base64 Loadscope histogram"},
        {"an unknown target", [](Json& d) { d["steps"][1]["target"] = "nginx"; },
         "steps[1].target: expected the name of one of the document's targets, found 'nginx'"},
        {"a null in the timeline", [](Json& d) { d["steps"][0]["timeline"][2]["p50_ms"] = nullptr; },
         "steps[0].timeline[2].p50_ms: expected a number, found null"},
        {"a bad status key", [](Json& d) { d["steps"][5]["errors"]["by_status"]["abc"] = 1; },
         "steps[5].errors.by_status.abc: expected an HTTP status code"},
        {"a bad run status", [](Json& d) { d["run"]["status"] = "done"; }, "run.status: expected one of running"},
        {"a bad step status", [](Json& d) { d["steps"][4]["status"] = 3; },
         "steps[4].status: expected a string, found an integer"},
        {"an env value that is not text", [](Json& d) { d["targets"][0]["env"]["LOOP"] = 5; },
         "targets[0].env.LOOP: expected a string, found an integer"},
        {"two targets of one name", [](Json& d) { d["targets"][1]["name"] = "aiohttp"; },
         "targets[1].name: expected a name no other target of the run has"},
        {"a flag that is not a boolean", [](Json& d) { d["steps"][6]["flags"]["slo_violated"] = "yes"; },
         "steps[6].flags.slo_violated: expected true or false, found a string"},
        {"steps that are not an array", [](Json& d) { d["steps"] = Json::object(); },
         "steps: expected an array, found an object"},
        {"a step that is not an object", [](Json& d) { d["steps"][7] = 42; },
         "steps[7]: expected an object, found an integer"},
        {"another format", [](Json& d) { d["format"] = "k6-summary"; }, "format: expected \"loadscope-run\""},
        {"a newer format", [](Json& d) { d["format_version"] = 2; }, "format_version 2"},
        {"a number too large for 64 bits", [](Json& d) { d["run"]["created_ms"] = 18446744073709551615ull; },
         "run.created_ms: expected an integer that fits 64 bits"},
    };
    for (const auto& c : cases) {
        const std::string message = importEdited(c.edit);
        EXPECT_NE(message.find(c.message), std::string::npos)
            << c.why << ": expected a message containing\n  " << c.message << "\ngot\n  " << message;
    }
}

TEST_F(RunJson, TextThatIsNotJsonIsRefused) {
    for (const std::string text : {"", "{", "[1, 2", "not json", "\x89PNG"}) {
        try {
            store_->importRunJson(text, "broken.json");
            FAIL() << "accepted '" << text << "'";
        } catch (const StoreError& e) {
            EXPECT_NE(std::string(e.what()).find("broken.json: not valid JSON"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(store_->importRunJson("[]", "array.json"), StoreError);
    EXPECT_EQ(store_->countRuns(), 1);
}
