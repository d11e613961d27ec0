// The store shared between processes: a reader browses while another process writes, a writer killed with SIGKILL
// loses nothing it committed, and an interrupted run is told apart from one whose owner is alive.
#include "run_store.h"
#include "store_test_support.h"
#include "test_process.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <csignal>
#include <random>
#include <set>
#include <thread>

using namespace loadscope;
using loadscope::test::TempDir;
using loadscope::testing::TestProcess;
using namespace std::chrono_literals;

namespace {

const std::string kHelper = LOADSCOPE_STORE_WRITER_HELPER;

// Starts the helper writing `count` steps into a run of its own; returns the run's id once it is stored.
std::int64_t startWriter(std::unique_ptr<TestProcess>& writer, const std::filesystem::path& path, int count,
                         int delayMs, int logKiB) {
    writer = std::make_unique<TestProcess>(std::vector<std::string>{kHelper, "write", path.string(), "new",
                                                                    std::to_string(count), std::to_string(delayMs),
                                                                    std::to_string(logKiB)});
    const auto line = writer->readStdoutLine(10s);
    if (!line || !line->starts_with("run "))
        throw std::runtime_error("the writer did not create its run");
    return std::stoll(line->substr(4));
}

// "step <id> <seed>" -> {id, seed}
std::pair<std::int64_t, int> parseStepLine(const std::string& line) {
    std::int64_t id = 0;
    int seed = 0;
    if (std::sscanf(line.c_str(), "step %lld %d", reinterpret_cast<long long*>(&id), &seed) != 2)
        throw std::runtime_error("unexpected helper output: " + line);
    return {id, seed};
}

void rawExecute(const std::filesystem::path& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << sql;
}

} // namespace

TEST(StoreProcesses, AReaderBrowsesWhileAnotherProcessWritesSteps) {
    TempDir dir;
    const auto path = dir.file("runs.sqlite");
    constexpr int kSteps = 40;
    std::unique_ptr<TestProcess> process;
    const std::int64_t runId = startWriter(process, path, kSteps, 15, 0);
    TestProcess& writer = *process;

    auto reader = RunStore::open(path, RunStore::OpenMode::ReadOnly);
    auto editor = RunStore::open(path); // a second writer (the GUI annotating) competing for the write lock
    std::size_t lastSeen = 0;
    std::set<std::size_t> countsSeen;
    int reads = 0;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        const bool done = !writer.running();
        const auto runs = reader.listRuns();
        ASSERT_EQ(runs.size(), 1u);
        auto run = reader.loadRun(runId);
        ASSERT_TRUE(run);
        // Each read is a consistent snapshot: steps only ever appear, whole, in order.
        ASSERT_GE(run->steps.size(), lastSeen);
        lastSeen = run->steps.size();
        countsSeen.insert(lastSeen);
        for (std::size_t i = 0; i < run->steps.size(); ++i)
            ASSERT_EQ(run->steps[i].sequence, static_cast<int>(i + 1));
        reader.loadHistograms(run->steps);
        for (const auto& step : run->steps)
            ASSERT_TRUE(step.latencyHistogram && step.latencyHistogram->count() == 2000);
        editor.setNotes(runId, "read " + std::to_string(++reads) + " times");
        if (done)
            break;
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_FALSE(writer.running()) << "the writer did not finish in time";
    const auto status = writer.waitForExit(10s);
    ASSERT_EQ(status, 0) << "the writer failed: " << writer.stderrText();
    EXPECT_EQ(reader.loadRun(runId)->steps.size(), static_cast<std::size_t>(kSteps));
    EXPECT_EQ(reader.listRuns()[0].stepCount, kSteps);
    // The reader saw the run grow, not just before and after.
    const auto between = std::count_if(countsSeen.begin(), countsSeen.end(),
                                       [](std::size_t n) { return n > 0 && n < static_cast<std::size_t>(kSteps); });
    EXPECT_GE(between, 2) << "the reader never saw the writer's progress";
    EXPECT_EQ(reader.loadRun(runId)->notes, "read " + std::to_string(reads) + " times");
}

TEST(StoreProcesses, AWriterKilledMidTransactionLosesNothingItCommitted) {
    std::mt19937 rng(std::random_device{}());
    for (int round = 0; round < 3; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        TempDir dir;
        const auto path = dir.file("runs.sqlite");
        // Big rows (256 KiB of log each) and no pause: the writer spends most of its time inside transactions.
        std::unique_ptr<TestProcess> process;
        const std::int64_t runId = startWriter(process, path, 10'000, 0, 256);
        TestProcess& writer = *process;
        std::vector<std::pair<std::int64_t, int>> committed;
        const int killAfter = std::uniform_int_distribution<int>(2, 12)(rng);
        while (static_cast<int>(committed.size()) < killAfter) {
            const auto line = writer.readStdoutLine(10s);
            ASSERT_TRUE(line) << "the writer stopped reporting";
            committed.push_back(parseStepLine(*line));
        }
        // A random moment within the next step's write.
        std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 3000)(rng)));
        writer.sendSignal(SIGKILL);
        ASSERT_EQ(writer.waitForExit(10s), 128 + SIGKILL);
        while (const auto line = writer.readStdoutLine(100ms)) // committed before the kill, reported too late to read
            committed.push_back(parseStepLine(*line));

        auto store = RunStore::open(path); // recovers from the write-ahead log
        auto run = store.loadRun(runId);
        ASSERT_TRUE(run);
        std::set<std::int64_t> stored;
        for (const auto& step : run->steps)
            stored.insert(step.id);
        for (const auto& [id, seed] : committed)
            EXPECT_TRUE(stored.count(id)) << "committed step " << id << " is lost";
        // At most the step being written when the kill came may be there unreported; nothing half-written.
        EXPECT_LE(run->steps.size(), committed.size() + 1);
        store.loadHistograms(run->steps);
        for (const auto& step : run->steps) {
            Step expected = test::sampleStep(*run, "aiohttp", 100.0 * step.sequence, 1, step.sequence);
            expected.serverLogTail += test::paddingText(256 * 1024, step.sequence);
            EXPECT_EQ(test::differenceBetween(expected, step), "") << "step " << step.id;
        }
        EXPECT_EQ(store.listRuns()[0].stepCount, static_cast<int>(run->steps.size()));
        // The dead writer's run is recognised as interrupted.
        EXPECT_EQ(store.markInterruptedRuns(), 1);
        EXPECT_EQ(store.loadRun(runId)->status, RunStatus::Interrupted);
    }
}

TEST(StoreProcesses, InterruptedRunsAreTheOnesWhoseOwnerIsGone) {
    TempDir dir;
    const auto path = dir.file("runs.sqlite");
    auto store = RunStore::open(path);
    loadscope::Run mine = test::sampleRun("owned by the test");
    store.createRun(mine);

    TestProcess owner({kHelper, "create", path.string()}, {.stdinPipe = true});
    const auto line = owner.readStdoutLine(10s);
    ASSERT_TRUE(line && line->starts_with("run "));
    const std::int64_t theirs = std::stoll(line->substr(4));

    // Both owners are alive: nothing is interrupted.
    EXPECT_EQ(store.markInterruptedRuns(), 0);
    EXPECT_EQ(store.loadRun(theirs)->status, RunStatus::Running);

    owner.closeStdin(); // the helper exits without finishing its run
    const auto ownerExit = owner.waitForExit(10s);
    ASSERT_TRUE(ownerExit && *ownerExit < 128) << "the helper exits by itself, not by a signal";
    EXPECT_EQ(store.markInterruptedRuns(), 1);
    EXPECT_EQ(store.loadRun(theirs)->status, RunStatus::Interrupted);
    EXPECT_EQ(store.loadRun(mine.id)->status, RunStatus::Running);
    EXPECT_EQ(store.markInterruptedRuns(), 0); // already marked

    // A live pid with another start time is a reused pid; a run from another boot is gone whatever its pid.
    loadscope::Run reused = test::sampleRun("pid reused");
    loadscope::Run rebooted = test::sampleRun("before a reboot");
    store.createRun(reused);
    store.createRun(rebooted);
    rawExecute(path,
               "UPDATE runs SET owner_start_ticks = owner_start_ticks + 1 WHERE id = " + std::to_string(reused.id));
    rawExecute(path, "UPDATE runs SET owner_boot_id = 'another-boot' WHERE id = " + std::to_string(rebooted.id));
    EXPECT_EQ(store.markInterruptedRuns(), 2);
    EXPECT_EQ(store.loadRun(reused.id)->status, RunStatus::Interrupted);
    EXPECT_EQ(store.loadRun(rebooted.id)->status, RunStatus::Interrupted);
    EXPECT_EQ(store.loadRun(mine.id)->status, RunStatus::Running);

    store.finishRun(mine.id, RunStatus::Completed, mine.createdMs + 1000);
    EXPECT_EQ(store.markInterruptedRuns(), 0);
    EXPECT_EQ(store.loadRun(mine.id)->status, RunStatus::Completed);
}
