#include "store_schema.h"

#include <array>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <system_error>

namespace loadscope::schema {
namespace {

// Version 1, as first released. Never edit: files in the wild have exactly this layout. Change the schema with a
// new migration instead.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    finished_ms INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'completed-with-failures', 'failed', 'cancelled',
                                           'interrupted')),
    plan_json TEXT NOT NULL DEFAULT '',
    environment_json TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    owner_pid INTEGER,          -- the process writing the run; NULL for imported runs
    owner_start_ticks INTEGER,  -- its start time (field 22 of /proc/<pid>/stat): tells a reused pid apart
    owner_boot_id TEXT          -- /proc/sys/kernel/random/boot_id: an owner from an earlier boot is gone
);
CREATE INDEX runs_by_created ON runs (created_ms);

CREATE TABLE run_tags (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (run_id, position)
) WITHOUT ROWID;
CREATE INDEX run_tags_by_tag ON run_tags (tag);

CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    argv_json TEXT NOT NULL DEFAULT '[]',
    env_json TEXT NOT NULL DEFAULT '{}',
    versions TEXT NOT NULL DEFAULT '',
    tags_json TEXT NOT NULL DEFAULT '[]',
    knee_rps REAL,
    UNIQUE (run_id, name)
);
CREATE INDEX targets_by_name ON targets (name);

CREATE TABLE steps (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    target_id INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    scenario TEXT NOT NULL,
    requested_rps REAL NOT NULL,
    repetition INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped', 'cancelled')),
    status_message TEXT NOT NULL DEFAULT '',
    started_ms INTEGER NOT NULL,
    finished_ms INTEGER NOT NULL,
    duration_s REAL NOT NULL,
    achieved_rps REAL NOT NULL,
    due INTEGER NOT NULL,
    sent INTEGER NOT NULL,
    completed INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    waited INTEGER NOT NULL,
    peak_in_flight INTEGER NOT NULL,
    errors_connect INTEGER NOT NULL,
    errors_read INTEGER NOT NULL,
    errors_timeout INTEGER NOT NULL,
    errors_by_status TEXT NOT NULL DEFAULT '{}', -- {"503": 12, ...}
    lateness_p50_ms REAL NOT NULL,
    lateness_p99_ms REAL NOT NULL,
    lateness_max_ms REAL NOT NULL,
    server_cpu_percent REAL NOT NULL,
    server_peak_rss_bytes INTEGER NOT NULL,
    server_threads INTEGER NOT NULL,
    server_voluntary_cs INTEGER NOT NULL,
    server_involuntary_cs INTEGER NOT NULL,
    generator_cpu_percent REAL NOT NULL,
    generator_limited INTEGER NOT NULL,
    connection_limited INTEGER NOT NULL,
    slo_violated INTEGER NOT NULL,
    server_restarted INTEGER NOT NULL,
    flag_reason TEXT NOT NULL DEFAULT '',
    latency_count INTEGER NOT NULL,
    latency_min_ms REAL NOT NULL,
    latency_mean_ms REAL NOT NULL,
    latency_p50_ms REAL NOT NULL,
    latency_p75_ms REAL NOT NULL,
    latency_p90_ms REAL NOT NULL,
    latency_p95_ms REAL NOT NULL,
    latency_p99_ms REAL NOT NULL,
    latency_p999_ms REAL NOT NULL,
    latency_p9999_ms REAL NOT NULL,
    latency_max_ms REAL NOT NULL,
    service_count INTEGER NOT NULL,
    service_min_ms REAL NOT NULL,
    service_mean_ms REAL NOT NULL,
    service_p50_ms REAL NOT NULL,
    service_p75_ms REAL NOT NULL,
    service_p90_ms REAL NOT NULL,
    service_p95_ms REAL NOT NULL,
    service_p99_ms REAL NOT NULL,
    service_p999_ms REAL NOT NULL,
    service_p9999_ms REAL NOT NULL,
    service_max_ms REAL NOT NULL,
    timeline BLOB NOT NULL,          -- timeline_codec.h
    server_log_tail TEXT NOT NULL DEFAULT '',
    generator_log_tail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX steps_by_run ON steps (run_id, sequence);
CREATE INDEX steps_by_target ON steps (target_id);

-- Apart from the step rows, so loading a run (summaries, timelines) never reads a histogram.
CREATE TABLE step_histograms (
    step_id INTEGER PRIMARY KEY REFERENCES steps (id) ON DELETE CASCADE,
    latency BLOB,      -- LatencyHistogram::serialize(), from each request's due time; NULL when not recorded
    service_time BLOB  -- the same for raw service time
);
)sql";

void migrateToV1(sqlite::Database& db) {
    db.executeScript(kSchemaV1, "create the schema (v1)");
}

// v2: what the run list shows, kept on the run row so listing 10,000 runs reads no step.
void migrateToV2(sqlite::Database& db) {
    db.executeScript(R"sql(
ALTER TABLE runs ADD COLUMN step_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN failed_step_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN scenarios TEXT NOT NULL DEFAULT '';   -- distinct scenarios, ", "-separated
ALTER TABLE runs ADD COLUMN rates_json TEXT NOT NULL DEFAULT '[]'; -- distinct requested rates, ascending
CREATE INDEX runs_by_status ON runs (status, created_ms);
)sql",
                     "migrate the schema to v2");
    // Filled by migrate(), which recomputes every summary column after the last migration.
}

// v3: the run's tags and its targets' names and knees on the run row too, so the run list is one table scan with
// no join (10,000 runs in well under 50 ms). Kept up to date by refreshRunSummary() whenever tags or targets change.
void migrateToV3(sqlite::Database& db) {
    db.executeScript(R"sql(
ALTER TABLE runs ADD COLUMN tag_list TEXT NOT NULL DEFAULT '';    -- tags in order, separated by char(31)
ALTER TABLE runs ADD COLUMN target_list TEXT NOT NULL DEFAULT ''; -- per target "name" char(30) "knee", char(31)-separated
)sql",
                     "migrate the schema to v3");
    // Filled by migrate(), which recomputes every summary column after the last migration.
}

// v4: the run row slimmed for the run list. The plan and environment documents (kilobytes each) move to their own
// table, so listing 10,000 runs reads ~3 MB rather than ~20 MB; and one search_text column holds everything the
// list's text filter looks at (one LIKE per word instead of joins).
void migrateToV4(sqlite::Database& db) {
    db.executeScript(R"sql(
CREATE TABLE run_documents (
    run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    plan_json TEXT NOT NULL DEFAULT '',
    environment_json TEXT NOT NULL DEFAULT ''
);
INSERT INTO run_documents (run_id, plan_json, environment_json) SELECT id, plan_json, environment_json FROM runs;
ALTER TABLE runs DROP COLUMN plan_json;
ALTER TABLE runs DROP COLUMN environment_json;
ALTER TABLE runs ADD COLUMN search_text TEXT NOT NULL DEFAULT ''; -- name, notes, scenarios, tags, target names
CREATE INDEX runs_by_name ON runs (name COLLATE NOCASE);          -- the list sorted by name, without a sort
)sql",
                     "migrate the schema to v4");
    // Filled by migrate(), which recomputes every summary column after the last migration.
}

// v5: a sampling profile of the server per step (issue 11), apart from the step rows like the histograms, so
// loading a run reads no profile. The folded stacks are zlib-compressed (profile_codec.h): 1-3 KB a step.
void migrateToV5(sqlite::Database& db) {
    db.executeScript(R"sql(
CREATE TABLE step_profiles (
    step_id INTEGER PRIMARY KEY REFERENCES steps (id) ON DELETE CASCADE,
    profiler TEXT NOT NULL,          -- 'python' or 'perf'
    sample_rate_hz REAL NOT NULL,
    folded BLOB NOT NULL             -- folded stacks, compressed by profile_codec.h
);
)sql",
                     "migrate the schema to v5");
}

// migrations[i] brings a database from version i to version i + 1.
static_assert(kCurrentSchemaVersion == RunStore::kSchemaVersion, "run_store.h and store_schema.h disagree");

const std::array<std::function<void(sqlite::Database&)>, kCurrentSchemaVersion> kMigrations{
    migrateToV1, migrateToV2, migrateToV3, migrateToV4, migrateToV5};

std::uint32_t bigEndian32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& why) {
    throw StoreError(path.string() + ": " + why + "; the file was left untouched");
}

std::string notOurs(std::int64_t applicationId) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08X", static_cast<std::uint32_t>(applicationId));
    return std::string("is an SQLite database of another application (application_id ") + hex +
           ", a Loadscope database has 0x4C645363)";
}

struct Identity {
    std::int64_t applicationId = 0;
    int version = 0;
    std::int64_t objects = 0;
};

Identity readIdentity(sqlite::Database& db) {
    Identity id;
    id.applicationId = db.scalar("PRAGMA application_id", "read the application id");
    id.version = static_cast<int>(db.scalar("PRAGMA user_version", "read the schema version"));
    id.objects = db.scalar("SELECT count(*) FROM sqlite_schema", "read the schema");
    return id;
}

// Refuses what is not ours or too new; returns the version of a Loadscope (or empty) database.
int checkIdentity(const std::filesystem::path& path, const Identity& id) {
    if (id.applicationId != kApplicationId) {
        if (id.applicationId == 0 && id.version == 0 && id.objects == 0)
            return 0; // an empty SQLite database: nothing to lose, we may build ours in it
        if (id.applicationId == 0)
            refuse(path, "is an SQLite database but not a Loadscope one (it has no Loadscope application_id)");
        refuse(path, notOurs(id.applicationId));
    }
    if (id.version > kCurrentSchemaVersion)
        refuse(path, "was written by a newer Loadscope (database schema v" + std::to_string(id.version) +
                         "; this build reads up to v" + std::to_string(kCurrentSchemaVersion) +
                         "). Open it with that newer version");
    if (id.version < 1)
        refuse(path, "has the Loadscope application_id but no schema version: it is damaged");
    return id.version;
}

} // namespace

// Numbers go in as printf('%!.17g'): 17 significant digits read back as the very same double (SQLite's default
// text form of a REAL, and json_group_array, keep only 15).
std::string_view runSummaryRefreshSql() {
    return R"sql(
UPDATE runs SET
    step_count = (SELECT count(*) FROM steps s WHERE s.run_id = runs.id),
    failed_step_count = (SELECT count(*) FROM steps s WHERE s.run_id = runs.id AND s.status = 'failed'),
    scenarios = coalesce((SELECT group_concat(scenario, ', ') FROM
                            (SELECT DISTINCT scenario FROM steps s WHERE s.run_id = runs.id ORDER BY scenario)), ''),
    rates_json = '[' || coalesce((SELECT group_concat(printf('%!.17g', rate), ',') FROM
                                    (SELECT DISTINCT requested_rps AS rate FROM steps s WHERE s.run_id = runs.id
                                     ORDER BY rate)), '') || ']',
    tag_list = coalesce((SELECT group_concat(tag, char(31)) FROM
                            (SELECT tag FROM run_tags g WHERE g.run_id = runs.id ORDER BY position)), ''),
    target_list = coalesce((SELECT group_concat(name || char(30) ||
                                                CASE WHEN knee_rps IS NULL THEN '' ELSE printf('%!.17g', knee_rps) END,
                                                char(31))
                            FROM (SELECT name, knee_rps FROM targets t WHERE t.run_id = runs.id ORDER BY position)), ''),
    search_text = name || char(10) || notes || char(10) ||
                  coalesce((SELECT group_concat(DISTINCT scenario) FROM steps s WHERE s.run_id = runs.id), '') ||
                  char(10) || coalesce((SELECT group_concat(tag, char(10)) FROM run_tags g WHERE g.run_id = runs.id), '') ||
                  char(10) || coalesce((SELECT group_concat(name || char(10) || display_name, char(10))
                                        FROM targets t WHERE t.run_id = runs.id), '')
)sql";
}

std::string_view schemaV1Ddl() {
    return kSchemaV1;
}

FileCheck inspectFile(const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status))
        return {};
    if (!std::filesystem::is_regular_file(status))
        refuse(path, "is not a regular file");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        refuse(path, "cannot be read: " + ec.message());
    if (size == 0)
        return {};

    unsigned char header[100] = {};
    {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            refuse(path, "cannot be read (permission denied?)");
        in.read(reinterpret_cast<char*>(header), sizeof header);
        if (in.gcount() < 16 || std::memcmp(header, "SQLite format 3", 16) != 0)
            refuse(path, "is not a Loadscope database (it is not an SQLite file: its first bytes are not "
                         "'SQLite format 3')");
        if (in.gcount() < static_cast<std::streamsize>(sizeof header))
            refuse(path, "is a truncated SQLite file (shorter than its 100-byte header)");
    }

    std::filesystem::path wal = path;
    wal += "-wal";
    const bool hasWal = std::filesystem::exists(wal, ec);
    if (!hasWal) {
        // With no write-ahead log, the main file alone is the database: its header says how long it must be.
        const std::uint32_t pageSize = header[16] == 0 && header[17] == 1 ? 65536u : (header[16] << 8) | header[17];
        const std::uint32_t pages = bigEndian32(header + 28);
        const bool pagesValid = bigEndian32(header + 24) == bigEndian32(header + 92) && pages != 0;
        if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
            refuse(path, "is a damaged SQLite file (impossible page size " + std::to_string(pageSize) + ")");
        if (size % pageSize != 0 || (pagesValid && size < std::uint64_t{pages} * pageSize))
            refuse(path, "is a truncated or damaged SQLite file (" + std::to_string(size) + " bytes; its header " +
                             "promises " + std::to_string(pages) + " pages of " + std::to_string(pageSize) + " bytes)");
    }

    // immutable=1 takes no lock and creates no side file. When a -wal file exists (a writer is live, or crashed)
    // the log must be read too: a read-only connection does that and, unlike a read-write one, never checkpoints
    // the log into the main file when it closes.
    Identity id;
    try {
        sqlite::Database db(path, hasWal ? sqlite::Access::ReadOnly : sqlite::Access::Inspect);
        db.setBusyTimeout(5000);
        id = readIdentity(db);
    } catch (const StoreError& e) {
        std::string reason = e.what();
        const std::string prefix = path.string() + ": ";
        if (reason.starts_with(prefix))
            reason.erase(0, prefix.size());
        refuse(path, "is damaged or not a Loadscope database: " + reason);
    }
    FileCheck check;
    check.exists = id.objects != 0 || id.applicationId != 0;
    check.schemaVersion = checkIdentity(path, id);
    return check;
}

int prepareSchema(sqlite::Database& db) {
    int version = checkIdentity(db.path(), readIdentity(db));
    if (version == kCurrentSchemaVersion)
        return version;
    if (db.access() != sqlite::Access::ReadWrite) {
        if (version == 0)
            refuse(db.path(), "holds no Loadscope database yet (it is empty); nothing to read");
        refuse(db.path(), "has database schema v" + std::to_string(version) + ", older than this build's v" +
                              std::to_string(kCurrentSchemaVersion) +
                              "; open it once read-write (not read-only) to upgrade it");
    }
    db.executeScript("PRAGMA journal_mode = WAL", "switch to write-ahead logging");
    sqlite::Transaction transaction(db, sqlite::Transaction::Kind::Write);
    // Another process may have upgraded the file between our check and our write lock: look again under the lock.
    version = checkIdentity(db.path(), readIdentity(db));
    migrate(db, version, kCurrentSchemaVersion);
    transaction.commit();
    return kCurrentSchemaVersion;
}

void migrate(sqlite::Database& db, int fromVersion, int toVersion) {
    for (int version = fromVersion; version < toVersion; ++version)
        kMigrations.at(static_cast<std::size_t>(version))(db);
    // The run summary columns are derived data: recompute them with today's definition once the tables are in
    // their final shape (a migration's own SQL must not depend on columns that later versions add).
    if (fromVersion > 0 && toVersion == kCurrentSchemaVersion)
        db.executeScript(std::string(runSummaryRefreshSql()), "recompute the run summaries");
    // Pragmas take no bound parameters; these are our own integers, not user input.
    db.executeScript("PRAGMA application_id = " + std::to_string(kApplicationId), "set the application id");
    db.executeScript("PRAGMA user_version = " + std::to_string(toVersion), "set the schema version");
}

} // namespace loadscope::schema
