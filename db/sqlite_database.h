#pragma once
// A thin RAII layer over the SQLite C API: one connection, cached prepared statements with typed bind/column, and a
// transaction guard. Every failure throws StoreError naming the database file and the SQL step that failed, so a
// message read in a log says where to look. Internal to loadscope_db (RunStore is the public face).

#include "run_store.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace loadscope::sqlite {

enum class Access {
    ReadWrite, // create the file if missing
    ReadOnly,  // sees a concurrent writer's commits (WAL); never writes the database
    Inspect,   // immutable=1: no locks, no -wal/-shm files created; for looking at a file we may not own
};

class Database;

// A prepared statement in use. Obtained from Database::query(); resets itself and clears its bindings when it goes
// out of scope, so a cached statement is ready for its next use.
class Query {
public:
    Query(Database& db, sqlite3_stmt* statement, bool* inUse, std::string_view what);
    Query(Query&&) noexcept;
    Query& operator=(Query&&) = delete;
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    ~Query();

    // Parameters are 1-based, as in SQLite.
    Query& bind(int index, std::int64_t value);
    Query& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Query& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
    Query& bind(int index, double value);
    Query& bind(int index, std::string_view text);
    Query& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Query& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Query& bind(int index, std::optional<double> value);
    Query& bindBlob(int index, std::string_view bytes);
    Query& bindNull(int index);

    // Advances to the next row; false when done. Throws on error (busy after the timeout, constraint, I/O...).
    bool step();
    // Runs a statement that returns no rows of interest.
    void run();

    int parameterCount() const;
    int columnCount() const;

    // Columns are 0-based, as in SQLite.
    bool isNull(int column) const;
    std::int64_t int64(int column) const;
    int int32(int column) const { return static_cast<int>(int64(column)); }
    double real(int column) const;
    std::optional<double> optionalReal(int column) const;
    std::string text(int column) const;
    // Valid until the next step() or the end of this Query.
    std::string_view blob(int column) const;

private:
    Database* db_;
    sqlite3_stmt* statement_;
    bool* inUse_; // the cache's flag; nullptr for a one-off statement this Query finalizes
    std::string_view what_;
};

class Database {
public:
    Database(const std::filesystem::path& path, Access access);
    Database(Database&&) = delete;
    Database& operator=(Database&&) = delete;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    const std::filesystem::path& path() const { return path_; }
    Access access() const { return access_; }

    // A prepared statement for `sql`, cached for the connection's lifetime; `what` names the step in error
    // messages ("insert step"). `what` must outlive the Query (pass a literal).
    Query query(std::string_view sql, std::string_view what);
    // Runs fixed SQL text (schema DDL, pragmas) statement by statement; it must not contain user values.
    void executeScript(std::string_view sql, std::string_view what);
    // The single integer a pragma or scalar query returns.
    std::int64_t scalar(std::string_view sql, std::string_view what);

    std::int64_t lastInsertRowId() const;
    int changes() const;
    void setBusyTimeout(int milliseconds);

    // Throws StoreError "<file>: <what> failed: <sqlite message>" for result code `rc`.
    [[noreturn]] void fail(int rc, std::string_view what) const;
    [[noreturn]] void fail(std::string_view what, std::string_view message) const;

private:
    struct Cached {
        std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement;
        bool inUse = false;
    };
    static constexpr std::size_t kMaxCachedStatements = 128;
    std::filesystem::path path_;
    Access access_;
    sqlite3* handle_ = nullptr;
    std::unordered_map<std::string, Cached> statements_;
};

// BEGIN on construction, ROLLBACK on destruction unless commit() was called. Write transactions are IMMEDIATE: they
// take the write lock up front (waiting up to the busy timeout), so a writer never fails half-way on a lock.
class Transaction {
public:
    enum class Kind { Read, Write };
    Transaction(Database& db, Kind kind);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

private:
    Database& db_;
    bool open_ = false;
};

} // namespace loadscope::sqlite
