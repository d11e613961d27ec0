#include "sqlite_database.h"

#include <sqlite3.h>

#include <utility>

namespace loadscope::sqlite {
namespace {

// A path as an SQLite URI ("file:/a%20b.sqlite"): every byte outside the unreserved set is percent-encoded, so a
// file name containing '?' or '#' cannot smuggle in URI parameters.
std::string fileUri(const std::filesystem::path& path) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string uri = "file:";
    for (const unsigned char c : std::filesystem::absolute(path).string()) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                           c == '-' || c == '_' || c == '.' || c == '~';
        if (plain) {
            uri += static_cast<char>(c);
        } else {
            uri += '%';
            uri += kHex[c >> 4];
            uri += kHex[c & 15];
        }
    }
    return uri;
}

} // namespace

Database::Database(const std::filesystem::path& path, Access access)
    : path_(path)
    , access_(access) {
    int flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    std::string uri = fileUri(path);
    switch (access) {
    case Access::ReadWrite:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        break;
    case Access::ReadOnly:
        flags |= SQLITE_OPEN_READONLY;
        break;
    case Access::Inspect:
        flags |= SQLITE_OPEN_READONLY;
        uri += "?immutable=1";
        break;
    }
    const int rc = sqlite3_open_v2(uri.c_str(), &handle_, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message = handle_ ? sqlite3_errmsg(handle_) : sqlite3_errstr(rc);
        sqlite3_close_v2(handle_);
        handle_ = nullptr;
        throw StoreError(path_.string() + ": cannot open the database: " + message);
    }
    sqlite3_extended_result_codes(handle_, 1);
}

Database::~Database() {
    statements_.clear(); // finalize every statement before closing, or close_v2 would defer the close
    sqlite3_close_v2(handle_);
}

Query Database::query(std::string_view sql, std::string_view what) {
    auto it = statements_.find(std::string(sql));
    if (it != statements_.end() && !it->second.inUse) {
        it->second.inUse = true;
        return Query(*this, it->second.statement.get(), &it->second.inUse, what);
    }
    sqlite3_stmt* statement = nullptr;
    const bool cache = it == statements_.end();
    const int rc = sqlite3_prepare_v3(handle_, sql.data(), static_cast<int>(sql.size()),
                                      cache ? SQLITE_PREPARE_PERSISTENT : 0, &statement, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(statement);
        fail(rc, what);
    }
    if (!cache) // the cached one is busy (a nested use of the same SQL): this Query owns a one-off statement
        return Query(*this, statement, nullptr, what);
    // Filters assemble their SQL, so the set of texts is open-ended: keep the cache bounded.
    if (statements_.size() >= kMaxCachedStatements)
        std::erase_if(statements_, [](const auto& entry) { return !entry.second.inUse; });
    auto [inserted, ok] = statements_.emplace(std::string(sql), Cached{{statement, &sqlite3_finalize}, true});
    (void)ok;
    return Query(*this, statement, &inserted->second.inUse, what);
}

void Database::executeScript(std::string_view sql, std::string_view what) {
    const char* next = sql.data();
    const char* const end = sql.data() + sql.size();
    while (next < end) {
        sqlite3_stmt* statement = nullptr;
        const char* tail = nullptr;
        int rc = sqlite3_prepare_v2(handle_, next, static_cast<int>(end - next), &statement, &tail);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(statement);
            fail(rc, what);
        }
        next = tail;
        if (!statement) // whitespace or a comment after the last statement
            continue;
        while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
        }
        sqlite3_finalize(statement);
        if (rc != SQLITE_DONE)
            fail(rc, what);
    }
}

std::int64_t Database::scalar(std::string_view sql, std::string_view what) {
    Query q = query(sql, what);
    if (!q.step())
        fail(what, "no result");
    return q.int64(0);
}

std::int64_t Database::lastInsertRowId() const {
    return sqlite3_last_insert_rowid(handle_);
}

int Database::changes() const {
    return sqlite3_changes(handle_);
}

void Database::setBusyTimeout(int milliseconds) {
    sqlite3_busy_timeout(handle_, milliseconds);
}

void Database::fail(int rc, std::string_view what) const {
    std::string message = handle_ ? sqlite3_errmsg(handle_) : sqlite3_errstr(rc);
    const int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        message += " (another Loadscope process holds the database lock; retry when its write is done)";
    else if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
        message += " (the file is damaged)";
    else if (primary == SQLITE_READONLY)
        message += " (the database is open read-only)";
    fail(what, message);
}

void Database::fail(std::string_view what, std::string_view message) const {
    throw StoreError(path_.string() + ": " + std::string(what) + " failed: " + std::string(message));
}

// --- Query ---

Query::Query(Database& db, sqlite3_stmt* statement, bool* inUse, std::string_view what)
    : db_(&db)
    , statement_(statement)
    , inUse_(inUse)
    , what_(what) {}

Query::Query(Query&& other) noexcept
    : db_(other.db_)
    , statement_(std::exchange(other.statement_, nullptr))
    , inUse_(std::exchange(other.inUse_, nullptr))
    , what_(other.what_) {}

Query::~Query() {
    if (!statement_)
        return;
    if (inUse_) {
        sqlite3_reset(statement_);
        sqlite3_clear_bindings(statement_);
        *inUse_ = false;
    } else {
        sqlite3_finalize(statement_);
    }
}

namespace {
void check(Database& db, int rc, std::string_view what) {
    if (rc != SQLITE_OK)
        db.fail(rc, what);
}
} // namespace

Query& Query::bind(int index, std::int64_t value) {
    check(*db_, sqlite3_bind_int64(statement_, index, value), what_);
    return *this;
}

Query& Query::bind(int index, double value) {
    check(*db_, sqlite3_bind_double(statement_, index, value), what_);
    return *this;
}

Query& Query::bind(int index, std::string_view text) {
    check(*db_, sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), what_);
    return *this;
}

Query& Query::bind(int index, std::optional<double> value) {
    return value ? bind(index, *value) : bindNull(index);
}

Query& Query::bindBlob(int index, std::string_view bytes) {
    // A zero-length blob must still be a blob, not NULL: bind_blob64 with a null pointer would store NULL.
    static const char kEmpty = 0;
    check(
        *db_,
        sqlite3_bind_blob64(statement_, index, bytes.empty() ? &kEmpty : bytes.data(), bytes.size(), SQLITE_TRANSIENT),
        what_);
    return *this;
}

Query& Query::bindNull(int index) {
    check(*db_, sqlite3_bind_null(statement_, index), what_);
    return *this;
}

bool Query::step() {
    const int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    db_->fail(rc, what_);
}

void Query::run() {
    while (step()) {
    }
}

int Query::parameterCount() const {
    return sqlite3_bind_parameter_count(statement_);
}

int Query::columnCount() const {
    return sqlite3_column_count(statement_);
}

bool Query::isNull(int column) const {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::int64_t Query::int64(int column) const {
    return sqlite3_column_int64(statement_, column);
}

double Query::real(int column) const {
    return sqlite3_column_double(statement_, column);
}

std::optional<double> Query::optionalReal(int column) const {
    if (isNull(column))
        return std::nullopt;
    return real(column);
}

std::string Query::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
    if (!data)
        return {};
    return std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

std::string_view Query::blob(int column) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(statement_, column));
    if (!data)
        return {};
    return std::string_view(data, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

// --- Transaction ---

Transaction::Transaction(Database& db, Kind kind)
    : db_(db) {
    if (kind == Kind::Write)
        db_.query("BEGIN IMMEDIATE", "begin a write transaction").run();
    else
        db_.query("BEGIN DEFERRED", "begin a read transaction").run();
    open_ = true;
}

Transaction::~Transaction() {
    if (!open_)
        return;
    try {
        db_.query("ROLLBACK", "roll back").run();
    } catch (const StoreError&) {
        // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); nothing more to undo.
    }
}

void Transaction::commit() {
    db_.query("COMMIT", "commit").run();
    open_ = false;
}

} // namespace loadscope::sqlite
