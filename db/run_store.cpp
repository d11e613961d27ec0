// RunStore: opening, writing a run, editing runs. Queries are in run_queries.cpp, JSON exchange in run_json.cpp.
#include "run_store.h"

#include "run_store_impl.h"
#include "step_rows.h"
#include "store_schema.h"

#include <nlohmann/json.hpp>

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <system_error>

namespace loadscope {
namespace {

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Tabs, newlines and other control characters have no place in a tag or a target name (and the run list's summary
// columns use two of them as separators).
bool hasControlCharacter(const std::string& text) {
    return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

std::string withoutControlCharacters(std::string text) {
    std::replace_if(
        text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, ' ');
    return text;
}

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

// argv and env come from the system and may hold bytes that are not UTF-8; JSON cannot, so such bytes become
// U+FFFD rather than costing the whole run.
std::string jsonArray(const std::vector<std::string>& items) {
    return nlohmann::json(items).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string jsonObject(const std::map<std::string, std::string>& items) {
    return nlohmann::json(items).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string folderOf(const std::filesystem::path& path) {
    return path.has_parent_path() ? path.parent_path().string() : std::string(".");
}

sqlite::Access accessFor(const std::filesystem::path& path, RunStore::OpenMode mode) {
    if (mode == RunStore::OpenMode::ReadWrite)
        return sqlite::Access::ReadWrite;
    // Reading a WAL database needs its -shm file, which SQLite creates next to it: in a folder this user cannot write
    // to (another user's results), opening would fail with "attempt to write a readonly database". With no -shm file
    // there, no connection has the database open, so none is writing to it: read it as an immutable file.
    const std::string shm = path.string() + "-shm";
    if (::access(folderOf(path).c_str(), W_OK) != 0 && ::access(shm.c_str(), F_OK) != 0)
        return sqlite::Access::Inspect;
    return sqlite::Access::ReadOnly;
}

// How long a connection waits for another one's lock before giving up: a writer holds it for one step's insert
// (milliseconds), a migration of a large file for longer.
constexpr int kBusyTimeoutMs = 10'000;

} // namespace

std::vector<std::string> normalizedTags(const std::vector<std::string>& tags) {
    std::vector<std::string> result;
    for (const auto& tag : tags) {
        std::string clean = trimmed(withoutControlCharacters(tag));
        if (!clean.empty() && std::find(result.begin(), result.end(), clean) == result.end())
            result.push_back(std::move(clean));
    }
    return result;
}

// --- Impl ---

RunStore::Impl::Impl(const std::filesystem::path& path, OpenMode openMode)
    : db(path, accessFor(path, openMode))
    , mode(openMode) {
    db.setBusyTimeout(kBusyTimeoutMs);
    db.executeScript("PRAGMA foreign_keys = ON", "enable foreign keys");
    // 32 MiB of page cache (default 2 MiB): the run rows of 10,000 runs stay in memory between two listings.
    db.executeScript("PRAGMA cache_size = -32768", "size the page cache");
    if (mode == OpenMode::ReadWrite) {
        // In WAL mode NORMAL keeps every committed transaction across a crash of the process (SIGKILL included);
        // only a power cut may lose the last few commits, and never corrupts the file.
        db.executeScript("PRAGMA synchronous = NORMAL", "set synchronous mode");
    }
    schemaVersion = schema::prepareSchema(db);
}

void RunStore::Impl::requireWritable(std::string_view what) const {
    if (mode == OpenMode::ReadOnly)
        db.fail(what, "the database was opened read-only");
}

void RunStore::Impl::requireRun(std::int64_t runId, std::string_view what) {
    auto q = db.query("SELECT 1 FROM runs WHERE id = ?1", "look up a run");
    q.bind(1, runId);
    if (!q.step())
        db.fail(what, "there is no run " + std::to_string(runId));
}

void RunStore::Impl::writeTags(std::int64_t runId, const std::vector<std::string>& tags) {
    auto clear = db.query("DELETE FROM run_tags WHERE run_id = ?1", "clear a run's tags");
    clear.bind(1, runId).run();
    int position = 0;
    for (const auto& tag : normalizedTags(tags)) {
        auto q = db.query("INSERT INTO run_tags (run_id, position, tag) VALUES (?1, ?2, ?3)", "tag a run");
        q.bind(1, runId).bind(2, position++).bind(3, tag).run();
    }
}

void RunStore::Impl::checkKnee(const TargetSnapshot& target, const std::string& what) const {
    if (target.kneeRps && !std::isfinite(*target.kneeRps))
        db.fail(what, "the knee of target '" + target.name + "' is not a finite number");
}

void RunStore::Impl::checkTargetName(const std::string& name, const std::string& what) const {
    if (trimmed(name).empty())
        db.fail(what, "the target has no name");
    if (hasControlCharacter(name))
        db.fail(what, "the target name '" + withoutControlCharacters(name) + "' contains a control character");
}

std::int64_t RunStore::Impl::insertTargetRow(std::int64_t runId, int position, const TargetSnapshot& target) {
    checkTargetName(target.name, "add a target to run " + std::to_string(runId));
    checkKnee(target, "add a target to run " + std::to_string(runId));
    auto q = db.query("INSERT INTO targets (run_id, position, name, display_name, argv_json, env_json, versions, "
                      "tags_json, knee_rps) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                      "add a target to a run");
    q.bind(1, runId)
        .bind(2, position)
        .bind(3, target.name)
        .bind(4, target.displayName)
        .bind(5, jsonArray(target.argv))
        .bind(6, jsonObject(target.env))
        .bind(7, target.versions)
        .bind(8, jsonArray(target.tags))
        .bind(9, target.kneeRps)
        .run();
    return db.lastInsertRowId();
}

void RunStore::Impl::insertRunTree(Run& run, const std::optional<ProcessOwner>& owner) {
    run.tags = normalizedTags(run.tags);
    auto q = db.query("INSERT INTO runs (name, created_ms, finished_ms, status, notes, owner_pid, owner_start_ticks, "
                      "owner_boot_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                      "insert a run");
    q.bind(1, run.name).bind(2, run.createdMs).bind(3, run.finishedMs).bind(4, toString(run.status)).bind(5, run.notes);
    if (owner)
        q.bind(6, owner->pid).bind(7, owner->startTicks).bind(8, owner->bootId);
    else
        q.bindNull(6).bindNull(7).bindNull(8);
    q.run();
    run.id = db.lastInsertRowId();
    auto documents = db.query("INSERT INTO run_documents (run_id, plan_json, environment_json) VALUES (?1, ?2, ?3)",
                              "store a run's plan and environment");
    documents.bind(1, run.id).bind(2, run.planJson).bind(3, run.environmentJson).run();
    writeTags(run.id, run.tags);
    for (std::size_t i = 0; i < run.targets.size(); ++i) {
        run.targets[i].id = insertTargetRow(run.id, static_cast<int>(i), run.targets[i]);
    }
    for (auto& step : run.steps) {
        step.runId = run.id;
        if (step.targetId == 0 || std::none_of(run.targets.begin(), run.targets.end(),
                                               [&](const TargetSnapshot& t) { return t.id == step.targetId; }))
            step.targetId = 0; // resolve by name: ids from another database mean nothing here
        insertStepRow(step);
    }
    refreshRunSummary(run.id);
}

void RunStore::Impl::insertStepRow(Step& step) {
    const std::string what = "store a step of run " + std::to_string(step.runId);
    if (step.targetId != 0) {
        auto q = db.query("SELECT run_id, name FROM targets WHERE id = ?1", "look up a step's target");
        q.bind(1, step.targetId);
        if (!q.step() || q.int64(0) != step.runId)
            db.fail(what, "target id " + std::to_string(step.targetId) + " does not belong to that run");
        step.targetName = q.text(1);
    } else {
        auto q = db.query("SELECT id FROM targets WHERE run_id = ?1 AND name = ?2", "look up a step's target");
        q.bind(1, step.runId).bind(2, step.targetName);
        if (!q.step())
            db.fail(what, "the run has no target named '" + step.targetName + "' (add it with addTarget first)");
        step.targetId = q.int64(0);
    }
    // A caller that recorded histograms but left the summaries empty gets them computed here, so tables and the
    // histograms can never disagree about a step nobody summarised.
    if (step.latency.count == 0 && step.latencyHistogram && !step.latencyHistogram->empty())
        step.latency = summarize(*step.latencyHistogram);
    if (step.serviceTime.count == 0 && step.serviceTimeHistogram && !step.serviceTimeHistogram->empty())
        step.serviceTime = summarize(*step.serviceTimeHistogram);
    step.id = step_rows::insert(db, step);
}

void RunStore::Impl::refreshRunSummary(std::int64_t runId) {
    static const std::string sql = std::string(schema::runSummaryRefreshSql()) + " WHERE id = ?1";
    auto q = db.query(sql, "update the run's summary");
    q.bind(1, runId).run();
}

// --- RunStore: opening ---

RunStore::RunStore(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
RunStore::RunStore(RunStore&&) noexcept = default;
RunStore& RunStore::operator=(RunStore&&) noexcept = default;
RunStore::~RunStore() = default;

RunStore RunStore::open(const std::filesystem::path& path, OpenMode mode) {
    if (path.empty())
        throw StoreError("no database path given");
    // Look at an existing file before anything may write to it: a foreign, damaged or newer file is refused here.
    const schema::FileCheck check = schema::inspectFile(path);
    if (mode == OpenMode::ReadOnly && !check.exists)
        throw StoreError(path.string() + ": no Loadscope database there (nothing has been stored yet)");
    if (mode == OpenMode::ReadWrite && check.exists && !writable(path)) {
        // SQLite would open the file read-only behind our back and fail at the first statement with "attempt to write
        // a readonly database"; say what is wrong instead. (A WAL database also needs its folder writable.)
        if (::access(path.c_str(), W_OK) != 0)
            throw StoreError(path.string() + ": this user may not write to the file (reading it works: list, show, "
                                             "compare, export)");
        throw StoreError(path.string() + ": this user may not write in its folder " + folderOf(path) +
                         " (SQLite keeps its write-ahead log there; reading works: list, show, compare, export)");
    }
    if (mode == OpenMode::ReadWrite && path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec)
            throw StoreError(path.string() + ": cannot create the folder " + path.parent_path().string() + ": " +
                             ec.message());
    }
    return RunStore(std::make_unique<Impl>(path, mode));
}

bool RunStore::writable(const std::filesystem::path& path) {
    return ::access(path.c_str(), W_OK) == 0 && ::access(folderOf(path).c_str(), W_OK) == 0;
}

std::filesystem::path RunStore::defaultPath() {
    // XDG Base Directory: a relative XDG_DATA_HOME is invalid and must be ignored.
    std::filesystem::path base;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg && std::filesystem::path(xdg).is_absolute()) {
        base = xdg;
    } else {
        const char* home = std::getenv("HOME");
        if (!home || !*home) {
            const passwd* entry = ::getpwuid(::getuid());
            home = entry ? entry->pw_dir : "/tmp";
        }
        base = std::filesystem::path(home) / ".local" / "share";
    }
    return base / "loadscope" / "runs.sqlite";
}

const std::filesystem::path& RunStore::path() const {
    return impl_->db.path();
}

int RunStore::schemaVersion() const {
    return impl_->schemaVersion;
}

// --- RunStore: writing a run ---

std::int64_t RunStore::createRun(Run& run) {
    impl_->requireWritable("create a run");
    run.status = RunStatus::Running;
    run.finishedMs = 0;
    if (run.createdMs == 0)
        run.createdMs = nowMs();
    sqlite::Transaction transaction(impl_->db, sqlite::Transaction::Kind::Write);
    impl_->insertRunTree(run, ProcessOwner::current());
    transaction.commit();
    return run.id;
}

std::int64_t RunStore::addTarget(std::int64_t runId, TargetSnapshot& target) {
    impl_->requireWritable("add a target");
    sqlite::Transaction transaction(impl_->db, sqlite::Transaction::Kind::Write);
    impl_->requireRun(runId, "add a target");
    int position = 0;
    {
        auto q = impl_->db.query("SELECT coalesce(max(position) + 1, 0) FROM targets WHERE run_id = ?1",
                                 "number a new target");
        q.bind(1, runId).step();
        position = q.int32(0);
    }
    target.id = impl_->insertTargetRow(runId, position, target);
    impl_->refreshRunSummary(runId);
    transaction.commit();
    return target.id;
}

void RunStore::updateTarget(const TargetSnapshot& target) {
    impl_->requireWritable("update a target");
    impl_->checkTargetName(target.name, "update target " + std::to_string(target.id));
    impl_->checkKnee(target, "update target " + std::to_string(target.id));
    sqlite::Transaction transaction(impl_->db, sqlite::Transaction::Kind::Write);
    auto q = impl_->db.query("UPDATE targets SET name = ?2, display_name = ?3, argv_json = ?4, env_json = ?5, "
                             "versions = ?6, tags_json = ?7, knee_rps = ?8 WHERE id = ?1",
                             "update a target");
    q.bind(1, target.id)
        .bind(2, target.name)
        .bind(3, target.displayName)
        .bind(4, jsonArray(target.argv))
        .bind(5, jsonObject(target.env))
        .bind(6, target.versions)
        .bind(7, jsonArray(target.tags))
        .bind(8, target.kneeRps)
        .run();
    if (impl_->db.changes() != 1)
        impl_->db.fail("update a target", "there is no target " + std::to_string(target.id));
    auto owner = impl_->db.query("SELECT run_id FROM targets WHERE id = ?1", "look up a target's run");
    owner.bind(1, target.id).step();
    impl_->refreshRunSummary(owner.int64(0));
    transaction.commit();
}

void RunStore::setEnvironment(std::int64_t runId, const std::string& environmentJson) {
    impl_->requireWritable("set a run's environment");
    sqlite::Transaction transaction(impl_->db, sqlite::Transaction::Kind::Write);
    auto q =
        impl_->db.query("UPDATE run_documents SET environment_json = ?2 WHERE run_id = ?1", "set a run's environment");
    q.bind(1, runId).bind(2, environmentJson).run();
    if (impl_->db.changes() != 1)
        impl_->db.fail("set a run's environment", "there is no run " + std::to_string(runId));
    transaction.commit();
}

std::int64_t RunStore::insertStep(Step& step) {
    impl_->requireWritable("store a step");
    sqlite::Transaction transaction(impl_->db, sqlite::Transaction::Kind::Write);
    impl_->requireRun(step.runId, "store a step");
    impl_->insertStepRow(step);
    impl_->refreshRunSummary(step.runId);
    transaction.commit();
    return step.id;
}

void RunStore::finishRun(std::int64_t runId, RunStatus status, std::int64_t finishedMs) {
    impl_->requireWritable("finish a run");
    sqlite::Transaction transaction(impl_->db, sqlite::Transaction::Kind::Write);
    auto q = impl_->db.query("UPDATE runs SET status = ?2, finished_ms = ?3 WHERE id = ?1", "finish a run");
    q.bind(1, runId).bind(2, toString(status)).bind(3, finishedMs).run();
    if (impl_->db.changes() != 1)
        impl_->db.fail("finish a run", "there is no run " + std::to_string(runId));
    transaction.commit();
}

int RunStore::markInterruptedRuns() {
    impl_->requireWritable("mark interrupted runs");
    sqlite::Transaction transaction(impl_->db, sqlite::Transaction::Kind::Write);
    std::vector<std::int64_t> orphans;
    {
        auto q = impl_->db.query("SELECT id, owner_pid, owner_start_ticks, owner_boot_id FROM runs "
                                 "WHERE status = 'running'",
                                 "find running runs");
        while (q.step()) {
            const ProcessOwner owner{q.int64(1), q.int64(2), q.text(3)};
            if (q.isNull(1) || !owner.isAlive())
                orphans.push_back(q.int64(0));
        }
    }
    for (const std::int64_t runId : orphans) {
        // The run ended, as far as anyone can tell, when its last step did.
        auto q = impl_->db.query("UPDATE runs SET status = 'interrupted', finished_ms = max(created_ms, "
                                 "coalesce((SELECT max(finished_ms) FROM steps WHERE run_id = runs.id), 0)) "
                                 "WHERE id = ?1",
                                 "mark a run interrupted");
        q.bind(1, runId).run();
    }
    transaction.commit();
    return static_cast<int>(orphans.size());
}

// --- RunStore: editing ---

void RunStore::renameRun(std::int64_t runId, const std::string& name) {
    impl_->requireWritable("rename a run");
    if (trimmed(name).empty())
        impl_->db.fail("rename run " + std::to_string(runId), "the new name is empty");
    sqlite::Transaction transaction(impl_->db, sqlite::Transaction::Kind::Write);
    auto q = impl_->db.query("UPDATE runs SET name = ?2 WHERE id = ?1", "rename a run");
    q.bind(1, runId).bind(2, name).run();
    if (impl_->db.changes() != 1)
        impl_->db.fail("rename a run", "there is no run " + std::to_string(runId));
    impl_->refreshRunSummary(runId);
    transaction.commit();
}

void RunStore::setNotes(std::int64_t runId, const std::string& notes) {
    impl_->requireWritable("annotate a run");
    sqlite::Transaction transaction(impl_->db, sqlite::Transaction::Kind::Write);
    auto q = impl_->db.query("UPDATE runs SET notes = ?2 WHERE id = ?1", "annotate a run");
    q.bind(1, runId).bind(2, notes).run();
    if (impl_->db.changes() != 1)
        impl_->db.fail("annotate a run", "there is no run " + std::to_string(runId));
    impl_->refreshRunSummary(runId);
    transaction.commit();
}

void RunStore::setTags(std::int64_t runId, const std::vector<std::string>& tags) {
    impl_->requireWritable("tag a run");
    sqlite::Transaction transaction(impl_->db, sqlite::Transaction::Kind::Write);
    impl_->requireRun(runId, "tag a run");
    impl_->writeTags(runId, tags);
    impl_->refreshRunSummary(runId);
    transaction.commit();
}

void RunStore::deleteRun(std::int64_t runId) {
    impl_->requireWritable("delete a run");
    sqlite::Transaction transaction(impl_->db, sqlite::Transaction::Kind::Write);
    // Tags, targets, steps and histograms go with it (ON DELETE CASCADE).
    auto q = impl_->db.query("DELETE FROM runs WHERE id = ?1", "delete a run");
    q.bind(1, runId).run();
    if (impl_->db.changes() != 1)
        impl_->db.fail("delete a run", "there is no run " + std::to_string(runId));
    transaction.commit();
}

} // namespace loadscope
