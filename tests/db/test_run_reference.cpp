// The one run-reference parser every command uses (db/run_reference.h): each form it accepts, and each bad form with
// the message the user sees, on a real store.
#include "run_reference.h"
#include "run_store.h"
#include "store_test_support.h"

#include <gtest/gtest.h>

using namespace loadscope;
using loadscope::test::TempDir;

namespace {

RunReference parsed(std::string_view text) {
    auto result = parseRunReference(text);
    EXPECT_TRUE(std::holds_alternative<RunReference>(result)) << text;
    return std::holds_alternative<RunReference>(result) ? std::get<RunReference>(result) : RunReference{};
}

RunReferenceError parseError(std::string_view text, std::string_view what = "RUN") {
    auto result = parseRunReference(text, what);
    EXPECT_TRUE(std::holds_alternative<RunReferenceError>(result)) << text;
    return std::holds_alternative<RunReferenceError>(result) ? std::get<RunReferenceError>(result)
                                                             : RunReferenceError{};
}

class RunReferences : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = std::make_unique<RunStore>(RunStore::open(dir_.file("runs.sqlite")));
        oldTagged_ = add("old", 1'000, {"baseline"});
        newTagged_ = add("new", 2'000, {"baseline", "nightly"});
        newest_ = add("newest", 3'000, {});
    }

    std::int64_t add(const std::string& name, std::int64_t createdMs, std::vector<std::string> tags) {
        loadscope::Run run;
        run.name = name;
        run.createdMs = createdMs;
        run.tags = std::move(tags);
        return store_->createRun(run);
    }

    std::int64_t resolved(std::string_view text) {
        auto result = resolveRunReference(*store_, text);
        if (const auto* error = std::get_if<RunReferenceError>(&result)) {
            ADD_FAILURE() << text << ": " << error->message;
            return 0;
        }
        return std::get<std::int64_t>(result);
    }

    RunReferenceError resolveError(std::string_view text, std::string_view what = "RUN") {
        auto result = resolveRunReference(*store_, text, what);
        EXPECT_TRUE(std::holds_alternative<RunReferenceError>(result)) << text;
        return std::holds_alternative<RunReferenceError>(result) ? std::get<RunReferenceError>(result)
                                                                 : RunReferenceError{};
    }

    TempDir dir_;
    std::unique_ptr<RunStore> store_;
    std::int64_t oldTagged_ = 0, newTagged_ = 0, newest_ = 0;
};

} // namespace

TEST(RunReferenceForms, EachFormParses) {
    EXPECT_EQ(parsed("42").kind, RunReference::Kind::Id);
    EXPECT_EQ(parsed("42").id, 42);
    EXPECT_EQ(parsed("#42").id, 42);
    EXPECT_EQ(parsed("last").kind, RunReference::Kind::Newest);
    EXPECT_EQ(parsed("latest").kind, RunReference::Kind::Newest);
    EXPECT_EQ(parsed("tag:baseline").kind, RunReference::Kind::Tag);
    EXPECT_EQ(parsed("tag:baseline").tag, "baseline");
    EXPECT_EQ(parsed("tag:with:colon").tag, "with:colon");
}

TEST(RunReferenceForms, EachBadFormSaysWhatIsExpected) {
    const std::string expected = "expected a run id (a number, see `loadscope list`), 'last' or tag:NAME, got ";
    for (const char* bad : {"", "abc", "#", "##42", "0", "-3", "42x", " 42", "4.2", "99999999999999999999", "LAST"}) {
        const auto error = parseError(bad);
        EXPECT_EQ(error.problem, RunReferenceProblem::Malformed) << bad;
        EXPECT_EQ(error.message, "RUN: " + expected + "'" + bad + "'") << bad;
    }
    const auto tag = parseError("tag:", "--baseline");
    EXPECT_EQ(tag.problem, RunReferenceProblem::EmptyTag);
    EXPECT_EQ(tag.message, "--baseline: expected a tag after 'tag:' (e.g. tag:baseline)");
}

TEST_F(RunReferences, EachFormNamesItsRun) {
    EXPECT_EQ(resolved(std::to_string(oldTagged_)), oldTagged_);
    EXPECT_EQ(resolved("#" + std::to_string(newTagged_)), newTagged_);
    EXPECT_EQ(resolved("last"), newest_);
    EXPECT_EQ(resolved("latest"), newest_);
    EXPECT_EQ(resolved("tag:baseline"), newTagged_) << "the newest run with the tag";
    EXPECT_EQ(resolved("tag:nightly"), newTagged_);
}

TEST_F(RunReferences, ARunThatIsNotThereIsNamedWithTheDatabase) {
    const std::string db = dir_.file("runs.sqlite").string();
    const auto missing = resolveError("#4242");
    EXPECT_EQ(missing.problem, RunReferenceProblem::NoSuchRun);
    EXPECT_EQ(missing.message, "RUN: there is no run 4242 in " + db + " (see `loadscope list`)");
    const auto untagged = resolveError("tag:release", "--into");
    EXPECT_EQ(untagged.problem, RunReferenceProblem::NoTaggedRun);
    EXPECT_EQ(untagged.message, "--into: no run in " + db +
                                    " carries the tag 'release' (tag runs with `loadscope run --tag NAME` or in "
                                    "History)");
    const auto malformed = resolveError("abc");
    EXPECT_EQ(malformed.problem, RunReferenceProblem::Malformed) << "the form is checked before the database";
}

TEST(RunReferenceStore, TheNewestOfAnEmptyDatabaseSaysItIsEmpty) {
    TempDir dir;
    const RunStore store = RunStore::open(dir.file("empty.sqlite"));
    auto result = resolveRunReference(store, "latest");
    ASSERT_TRUE(std::holds_alternative<RunReferenceError>(result));
    const auto& error = std::get<RunReferenceError>(result);
    EXPECT_EQ(error.problem, RunReferenceProblem::NoRuns);
    EXPECT_EQ(error.message,
              "RUN: 'latest' asked for the newest run, but " + dir.file("empty.sqlite").string() + " holds no runs");
}
