#pragma once
// The schema of the results database, one function per version step, keyed on PRAGMA user_version. A file is ours
// when its PRAGMA application_id is kApplicationId; anything else (a text file, another program's SQLite database,
// a damaged file, a file from a newer Loadscope) is refused before a single byte of it is written.
//
// Adding a version: write `migrateToVN(Database&)` in store_schema.cpp, append it to the list there and raise
// kCurrentSchemaVersion. A new file is built by running every migration from v1, so the path old files take is the
// path every test takes.

#include "sqlite_database.h"

#include <filesystem>
#include <string_view>

namespace loadscope::schema {

// "LdSc" in ASCII: what `PRAGMA application_id` (and `file(1)`) report for a Loadscope database.
constexpr std::int32_t kApplicationId = 0x4C645363;
constexpr int kCurrentSchemaVersion = 5;

// The DDL of version 1 exactly as it shipped (kept so tests can build a v1 file and migrate it).
std::string_view schemaV1Ddl();

// "UPDATE runs SET <every summary column> " recomputed from the run's steps, tags and targets; append a WHERE
// clause to limit it. The summary columns make the run list a scan of one table.
std::string_view runSummaryRefreshSql();

// What an existing file holds, found without changing it (an immutable, lock-free read).
struct FileCheck {
    bool exists = false; // false: no file, or an empty one; it will be created
    int schemaVersion = 0;
};
// Throws StoreError with a message naming the file and the reason when the file is not an SQLite database, is
// damaged or truncated, belongs to another application, or was written by a newer Loadscope.
FileCheck inspectFile(const std::filesystem::path& path);

// Checks the open connection again (the file may have changed since inspectFile) and, for a writable connection,
// creates or migrates the schema to kCurrentSchemaVersion in one transaction. Returns the schema version in use.
// A read-only connection to an older schema is refused: upgrading would write.
int prepareSchema(sqlite::Database& db);

// Brings a database from `fromVersion` to exactly `toVersion` (for tests that build old files; fromVersion 0 is an
// empty database). Runs inside the caller's transaction.
void migrate(sqlite::Database& db, int fromVersion, int toVersion);

} // namespace loadscope::schema
