// Schema versions and refusals: a v1 file is migrated with its data; a foreign, damaged, truncated or newer file
// is refused with a clear message and left byte-for-byte as it was.
#include "run_store.h"
#include "step_rows.h"
#include "store_schema.h"
#include "store_test_support.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <set>

using namespace loadscope;
using loadscope::test::TempDir;

namespace {

// Runs SQL on a file through the bare SQLite API, as another program would.
void rawExecute(const std::filesystem::path& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
}

std::set<std::string> filesIn(const std::filesystem::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        names.insert(entry.path().filename().string());
    return names;
}

// Opens `path` (read-write, then read-only) expecting a refusal whose message contains `expected`, and checks that
// neither attempt changed the file or created any file next to it.
void expectRefusedUntouched(const std::filesystem::path& path, const std::string& expected) {
    const std::string before = test::readFile(path);
    const auto filesBefore = filesIn(path.parent_path());
    for (const auto mode : {RunStore::OpenMode::ReadWrite, RunStore::OpenMode::ReadOnly}) {
        try {
            RunStore::open(path, mode);
            ADD_FAILURE() << path << " was opened";
        } catch (const StoreError& e) {
            const std::string message = e.what();
            EXPECT_NE(message.find(path.string()), std::string::npos)
                << "the message does not name the file: " << message;
            EXPECT_NE(message.find(expected), std::string::npos)
                << "expected a message containing '" << expected << "', got: " << message;
        }
    }
    EXPECT_TRUE(test::readFile(path) == before) << path << " was modified";
    EXPECT_EQ(filesIn(path.parent_path()), filesBefore) << "files appeared next to " << path;
}

// A complete Loadscope database with one run, closed (so its log is checkpointed into the main file).
std::filesystem::path makeStore(const TempDir& dir, const std::string& name) {
    const auto path = dir.file(name);
    auto store = RunStore::open(path);
    loadscope::Run run = test::sampleRun();
    store.createRun(run);
    for (int i = 1; i <= 4; ++i) {
        Step step = test::sampleStep(run, "aiohttp", 100.0 * i, 1, i);
        store.insertStep(step);
    }
    return path;
}

} // namespace

// Every older version a file can have is migrated to the current one with its data.
class OldSchema : public ::testing::TestWithParam<int> {};
INSTANTIATE_TEST_SUITE_P(StoreSchema, OldSchema, ::testing::Range(1, RunStore::kSchemaVersion),
                         [](const auto& info) { return "v" + std::to_string(info.param); });

TEST_P(OldSchema, IsMigratedWithItsData) {
    const int oldVersion = GetParam();
    TempDir dir;
    const auto path = dir.file("old.sqlite");
    loadscope::Run run = test::sampleRun();
    std::vector<Step> steps;
    {
        // Build the file as that version wrote it (the kept DDL and migrations up to it), with rows in the v1
        // columns every version has; the summary columns later versions derive are left unfilled.
        sqlite::Database db(path, sqlite::Access::ReadWrite);
        db.executeScript("PRAGMA journal_mode = WAL", "wal");
        schema::migrate(db, 0, oldVersion);
        ASSERT_EQ(db.scalar("PRAGMA user_version", "version"), oldVersion);
        if (oldVersion < 4) {
            db.query("INSERT INTO runs (id, name, created_ms, finished_ms, status, plan_json) "
                     "VALUES (7, 'old run', 1600000000000, 1600000100000, 'completed', '{}')",
                     "insert")
                .run();
        } else { // v4 moved the plan to run_documents
            db.query("INSERT INTO runs (id, name, created_ms, finished_ms, status) "
                     "VALUES (7, 'old run', 1600000000000, 1600000100000, 'completed')",
                     "insert")
                .run();
            db.query("INSERT INTO run_documents (run_id, plan_json) VALUES (7, '{}')", "insert").run();
        }
        db.query("INSERT INTO run_tags (run_id, position, tag) VALUES (7, 0, 'legacy')", "insert").run();
        db.query("INSERT INTO targets (id, run_id, position, name, knee_rps) VALUES (3, 7, 0, 'aiohttp', 950.0)",
                 "insert")
            .run();
        run.id = 7;
        for (int i = 1; i <= 3; ++i) {
            Step step = test::sampleStep(run, "aiohttp", i == 3 ? 100 : 200, i, i);
            step.targetId = 3;
            step.id = step_rows::insert(db, step);
            steps.push_back(step);
        }
    }
    auto store = RunStore::open(path);
    EXPECT_EQ(store.schemaVersion(), schema::kCurrentSchemaVersion);
    const auto runs = store.listRuns();
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].name, "old run");
    EXPECT_EQ(runs[0].stepCount, 3); // derived by the migration
    EXPECT_EQ(runs[0].failedStepCount, 1);
    EXPECT_EQ(runs[0].rates, (std::vector<double>{100, 200}));
    EXPECT_EQ(runs[0].scenario, "hello");
    EXPECT_EQ(runs[0].tags, (std::vector<std::string>{"legacy"}));
    EXPECT_EQ(runs[0].kneeRps.at("aiohttp"), 950.0);
    auto loaded = store.loadRun(7);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->planJson, "{}"); // moved to run_documents by v4
    EXPECT_EQ(loaded->finishedMs, 1600000100000);
    RunFilter byTag;
    byTag.text = "LEGACY"; // found through the search text v4 derives
    EXPECT_EQ(store.countRuns(byTag), 1);
    ASSERT_EQ(loaded->steps.size(), 3u);
    store.loadHistograms(loaded->steps);
    for (std::size_t i = 0; i < steps.size(); ++i)
        EXPECT_EQ(test::differenceBetween(steps[i], loaded->steps[i]), "") << "step " << i;
    // The migrated file keeps working: new steps update the summaries.
    Step more = test::sampleStep(*loaded, "aiohttp", 400, 1, 10);
    store.insertStep(more);
    EXPECT_EQ(store.listRuns()[0].rates, (std::vector<double>{100, 200, 400}));
}

TEST(StoreSchema, AVersionOneFileIsNotUpgradedByAReadOnlyOpen) {
    TempDir dir;
    const auto path = dir.file("v1.sqlite");
    {
        sqlite::Database db(path, sqlite::Access::ReadWrite);
        schema::migrate(db, 0, 1);
    }
    const std::string before = test::readFile(path);
    try {
        RunStore::open(path, RunStore::OpenMode::ReadOnly);
        FAIL() << "a v1 file was opened read-only";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("schema v1, older than"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(test::readFile(path) == before);
    EXPECT_EQ(RunStore::open(path).schemaVersion(), RunStore::kSchemaVersion); // read-write upgrades it
}

TEST(StoreSchema, ANewDatabaseCarriesTheApplicationIdAndCurrentVersion) {
    TempDir dir;
    const auto path = dir.file("new.sqlite");
    RunStore::open(path);
    sqlite::Database db(path, sqlite::Access::Inspect);
    EXPECT_EQ(db.scalar("PRAGMA application_id", "id"), schema::kApplicationId);
    EXPECT_EQ(db.scalar("PRAGMA user_version", "version"), schema::kCurrentSchemaVersion);
    const std::string header = test::readFile(path).substr(0, 20);
    EXPECT_EQ(header[18], 2) << "not in WAL mode (file format write version)";
    EXPECT_EQ(header[19], 2) << "not in WAL mode (file format read version)";
}

TEST(StoreSchema, EmptyFilesBecomeDatabases) {
    TempDir dir;
    const auto zeroBytes = dir.file("zero.sqlite");
    test::writeFile(zeroBytes, "");
    EXPECT_EQ(RunStore::open(zeroBytes).countRuns(), 0);
    const auto emptySqlite = dir.file("empty.sqlite");
    rawExecute(emptySqlite, "PRAGMA page_size = 4096; VACUUM;");
    EXPECT_EQ(RunStore::open(emptySqlite).schemaVersion(), RunStore::kSchemaVersion);
}

TEST(StoreSchema, ATextFileIsRefusedUntouched) {
    TempDir dir;
    const auto path = dir.file("notes.txt");
    test::writeFile(path, "These are my notes, not a database.\n");
    expectRefusedUntouched(path, "is not a Loadscope database (it is not an SQLite file");
}

TEST(StoreSchema, AnotherProgramsSqliteDatabaseIsRefusedUntouched) {
    TempDir dir;
    const auto plain = dir.file("firefox-places.sqlite");
    rawExecute(plain, "CREATE TABLE places (url TEXT); INSERT INTO places VALUES ('https://example.org');");
    expectRefusedUntouched(plain, "is an SQLite database but not a Loadscope one");

    const auto other = dir.file("fossil.sqlite");
    rawExecute(other, "PRAGMA application_id = 252006674; CREATE TABLE blob (rid INTEGER);");
    expectRefusedUntouched(other, "another application (application_id 0x0F055112");

    // Even another program's database in WAL mode, whose log a read-write open would checkpoint.
    const auto wal = dir.file("wal-app.sqlite");
    rawExecute(wal, "PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);");
    expectRefusedUntouched(wal, "is an SQLite database but not a Loadscope one");
}

TEST(StoreSchema, ATruncatedDatabaseIsRefusedUntouched) {
    TempDir dir;
    const auto path = makeStore(dir, "full.sqlite");
    const std::string bytes = test::readFile(path);
    ASSERT_GT(bytes.size(), 8192u);
    const auto truncated = dir.file("truncated.sqlite");
    test::writeFile(truncated, bytes.substr(0, bytes.size() / 2));
    expectRefusedUntouched(truncated, "truncated");
    const auto mid = dir.file("mid-page.sqlite");
    test::writeFile(mid, bytes.substr(0, bytes.size() - 100));
    expectRefusedUntouched(mid, "truncated");
    const auto header = dir.file("header-only.sqlite");
    test::writeFile(header, bytes.substr(0, 50));
    expectRefusedUntouched(header, "truncated SQLite file");
}

TEST(StoreSchema, ACorruptDatabaseIsRefusedUntouched) {
    TempDir dir;
    const std::string bytes = test::readFile(makeStore(dir, "full.sqlite"));
    std::filesystem::remove(dir.file("full.sqlite"));

    std::string badPageSize = bytes;
    badPageSize[16] = 0x03; // page size 0x03?? is not a power of two
    badPageSize[17] = 0x01;
    const auto a = dir.file("bad-page-size.sqlite");
    test::writeFile(a, badPageSize);
    expectRefusedUntouched(a, "damaged");

    std::string garbledSchema = bytes;
    for (std::size_t i = 100; i < 4096 && i < garbledSchema.size(); ++i)
        garbledSchema[i] = static_cast<char>((i * 7919) & 0xff); // the schema table's page is noise
    const auto b = dir.file("garbled-schema.sqlite");
    test::writeFile(b, garbledSchema);
    expectRefusedUntouched(b, "damaged");
}

TEST(StoreSchema, ANewerSchemaIsRefusedUntouched) {
    TempDir dir;
    const auto path = makeStore(dir, "future.sqlite");
    rawExecute(path, "PRAGMA user_version = 99;");
    expectRefusedUntouched(path, "was written by a newer Loadscope (database schema v99; this build reads up to v" +
                                     std::to_string(RunStore::kSchemaVersion) + ")");
}

TEST(StoreSchema, AFolderIsRefused) {
    TempDir dir;
    std::filesystem::create_directory(dir.file("folder.sqlite"));
    EXPECT_THROW(RunStore::open(dir.file("folder.sqlite")), StoreError);
}
