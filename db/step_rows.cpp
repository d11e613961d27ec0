#include "step_rows.h"

#include "profile_codec.h"
#include "timeline_codec.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <string>
#include <type_traits>

namespace loadscope::step_rows {
namespace {

// The order of these names is the order write() binds and read() reads.
constexpr std::array<std::string_view, 61> kColumns{
    "run_id",
    "target_id",
    "scenario",
    "requested_rps",
    "repetition",
    "sequence",
    "status",
    "status_message",
    "started_ms",
    "finished_ms",
    "duration_s",
    "achieved_rps",
    "due",
    "sent",
    "completed",
    "ok",
    "waited",
    "peak_in_flight",
    "errors_connect",
    "errors_read",
    "errors_timeout",
    "errors_by_status",
    "lateness_p50_ms",
    "lateness_p99_ms",
    "lateness_max_ms",
    "server_cpu_percent",
    "server_peak_rss_bytes",
    "server_threads",
    "server_voluntary_cs",
    "server_involuntary_cs",
    "generator_cpu_percent",
    "generator_limited",
    "connection_limited",
    "slo_violated",
    "server_restarted",
    "flag_reason",
    "latency_count",
    "latency_min_ms",
    "latency_mean_ms",
    "latency_p50_ms",
    "latency_p75_ms",
    "latency_p90_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "latency_p999_ms",
    "latency_p9999_ms",
    "latency_max_ms",
    "service_count",
    "service_min_ms",
    "service_mean_ms",
    "service_p50_ms",
    "service_p75_ms",
    "service_p90_ms",
    "service_p95_ms",
    "service_p99_ms",
    "service_p999_ms",
    "service_p9999_ms",
    "service_max_ms",
    "timeline",
    "server_log_tail",
    "generator_log_tail",
};
constexpr std::size_t kWrittenColumns = kColumns.size();

const std::string& insertSql() {
    static const std::string sql = [] {
        std::string names;
        std::string values;
        for (std::size_t i = 0; i < kWrittenColumns; ++i) {
            names += (i ? ", " : "") + std::string(kColumns[i]);
            values += (i ? ", ?" : "?") + std::to_string(i + 1);
        }
        return "INSERT INTO steps (" + names + ") VALUES (" + values + ")";
    }();
    return sql;
}

const std::string& selectSql() {
    static const std::string sql = [] {
        std::string names;
        for (std::size_t i = 0; i < kWrittenColumns; ++i)
            names += (i ? ", s." : "s.") + std::string(kColumns[i]);
        return "SELECT " + names +
               ", t.name, s.id, p.profiler, p.sample_rate_hz FROM steps s JOIN targets t ON t.id = s.target_id "
               "LEFT JOIN step_profiles p ON p.step_id = s.id "
               "WHERE s.run_id = ?1 ORDER BY s.sequence, s.id";
    }();
    return sql;
}

class Binder {
public:
    Binder(sqlite::Database& db, sqlite::Query& q)
        : db_(db)
        , q_(q) {}
    template <typename T> Binder& operator<<(const T& value) {
        if constexpr (std::is_floating_point_v<T>) {
            // SQLite would store NaN as NULL (and JSON has neither NaN nor infinity): refuse it, naming the field.
            if (!std::isfinite(value))
                db_.fail("store a step", std::string(kColumns.at(static_cast<std::size_t>(next_ - 1))) + " is " +
                                             std::to_string(value) + " (expected a finite number)");
        }
        q_.bind(next_++, value);
        return *this;
    }
    Binder& blob(std::string_view bytes) {
        q_.bindBlob(next_++, bytes);
        return *this;
    }
    int bound() const { return next_ - 1; }

private:
    sqlite::Database& db_;
    sqlite::Query& q_;
    int next_ = 1;
};

class Reader {
public:
    explicit Reader(const sqlite::Query& q)
        : q_(q) {}
    std::int64_t int64() { return q_.int64(next_++); }
    int int32() { return q_.int32(next_++); }
    double real() { return q_.real(next_++); }
    bool flag() { return q_.int64(next_++) != 0; }
    std::string text() { return q_.text(next_++); }
    std::string_view blob() { return q_.blob(next_++); }
    int read() const { return next_; }

private:
    const sqlite::Query& q_;
    int next_ = 0;
};

void bindSummary(Binder& b, const LatencySummary& s) {
    b << s.count << s.minMs << s.meanMs << s.p50Ms << s.p75Ms << s.p90Ms << s.p95Ms << s.p99Ms << s.p999Ms << s.p9999Ms
      << s.maxMs;
}

LatencySummary readSummary(Reader& r) {
    LatencySummary s;
    s.count = r.int64();
    s.minMs = r.real();
    s.meanMs = r.real();
    s.p50Ms = r.real();
    s.p75Ms = r.real();
    s.p90Ms = r.real();
    s.p95Ms = r.real();
    s.p99Ms = r.real();
    s.p999Ms = r.real();
    s.p9999Ms = r.real();
    s.maxMs = r.real();
    return s;
}

std::string statusErrorsJson(const std::map<int, std::int64_t>& byStatus) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [code, count] : byStatus)
        j[std::to_string(code)] = count;
    return j.dump();
}

std::map<int, std::int64_t> parseStatusErrors(sqlite::Database& db, std::int64_t stepId, const std::string& text) {
    std::map<int, std::int64_t> byStatus;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object())
        db.fail("load step " + std::to_string(stepId), "its errors_by_status column is not a JSON object");
    for (const auto& [code, count] : j.items()) {
        if (!count.is_number_integer())
            db.fail("load step " + std::to_string(stepId), "errors_by_status[\"" + code + "\"] is not an integer");
        byStatus[std::stoi(code)] = count.get<std::int64_t>();
    }
    return byStatus;
}

} // namespace

std::int64_t insert(sqlite::Database& db, const Step& step) {
    for (std::size_t i = 0; i < step.timeline.size(); ++i) {
        const auto& point = step.timeline[i];
        if (!std::isfinite(point.p50Ms) || !std::isfinite(point.p99Ms))
            db.fail("store a step", "timeline[" + std::to_string(i) + "] has a percentile that is not a finite number");
    }
    auto q = db.query(insertSql(), "insert a step");
    Binder b(db, q);
    b << step.runId << step.targetId << step.scenario << step.requestedRps << step.repetition << step.sequence
      << std::string(toString(step.status)) << step.statusMessage << step.startedMs << step.finishedMs << step.durationS
      << step.achievedRps << step.due << step.sent << step.completed << step.ok << step.waited << step.peakInFlight
      << step.errors.connect << step.errors.read << step.errors.timeout << statusErrorsJson(step.errors.status)
      << step.latenessP50Ms << step.latenessP99Ms << step.latenessMaxMs << step.server.cpuPercent
      << step.server.peakRssBytes << step.server.threads << step.server.voluntaryContextSwitches
      << step.server.involuntaryContextSwitches << step.generatorCpuPercent << step.flags.generatorLimited
      << step.flags.connectionLimited << step.flags.sloViolated << step.flags.serverRestarted << step.flags.reason;
    bindSummary(b, step.latency);
    bindSummary(b, step.serviceTime);
    b.blob(encodeTimeline(step.timeline));
    b << step.serverLogTail << step.generatorLogTail;
    if (b.bound() != static_cast<int>(kWrittenColumns) || q.parameterCount() != b.bound())
        db.fail("insert a step", "internal error: column list and values differ");
    q.run();
    const std::int64_t id = db.lastInsertRowId();

    if (step.latencyHistogram || step.serviceTimeHistogram) {
        auto h = db.query("INSERT INTO step_histograms (step_id, latency, service_time) VALUES (?1, ?2, ?3)",
                          "insert a step's histograms");
        h.bind(1, id);
        if (step.latencyHistogram)
            h.bindBlob(2, step.latencyHistogram->serialize());
        else
            h.bindNull(2);
        if (step.serviceTimeHistogram)
            h.bindBlob(3, step.serviceTimeHistogram->serialize());
        else
            h.bindNull(3);
        h.run();
    }
    if (step.profile)
        insertProfile(db, id, *step.profile);
    return id;
}

void insertProfile(sqlite::Database& db, std::int64_t stepId, const StepProfile& profile) {
    if (profile.profiler.empty())
        db.fail("store a step's profile", "the profile does not name its profiler");
    if (!std::isfinite(profile.sampleRateHz) || profile.sampleRateHz < 0)
        db.fail("store a step's profile", "sample_rate_hz is not a finite, positive number");
    const std::string stored = compressProfile(profile.folded);
    if (stored.empty())
        db.fail("store a step's profile", "its folded stacks could not be compressed");
    auto q = db.query("INSERT INTO step_profiles (step_id, profiler, sample_rate_hz, folded) VALUES (?1, ?2, ?3, ?4)",
                      "insert a step's profile");
    q.bind(1, stepId).bind(2, profile.profiler).bind(3, profile.sampleRateHz);
    q.bindBlob(4, stored);
    q.run();
}

std::optional<std::string> loadProfile(sqlite::Database& db, std::int64_t stepId) {
    auto q = db.query("SELECT s.id, p.folded FROM steps s LEFT JOIN step_profiles p ON p.step_id = s.id "
                      "WHERE s.id = ?1",
                      "load a step's profile");
    q.bind(1, stepId);
    const std::string what = "load the profile of step " + std::to_string(stepId);
    if (!q.step())
        db.fail(what, "there is no such step");
    if (q.isNull(1))
        return std::nullopt;
    std::string error;
    auto folded = decompressProfile(q.blob(1), &error);
    if (!folded)
        db.fail(what, error);
    return folded;
}

std::vector<Step> loadForRun(sqlite::Database& db, std::int64_t runId) {
    std::vector<Step> steps;
    auto q = db.query(selectSql(), "load the steps of a run");
    q.bind(1, runId);
    while (q.step()) {
        Reader r(q);
        Step s;
        s.runId = r.int64();
        s.targetId = r.int64();
        s.scenario = r.text();
        s.requestedRps = r.real();
        s.repetition = r.int32();
        s.sequence = r.int32();
        const std::string status = r.text();
        s.statusMessage = r.text();
        s.startedMs = r.int64();
        s.finishedMs = r.int64();
        s.durationS = r.real();
        s.achievedRps = r.real();
        s.due = r.int64();
        s.sent = r.int64();
        s.completed = r.int64();
        s.ok = r.int64();
        s.waited = r.int64();
        s.peakInFlight = r.int64();
        s.errors.connect = r.int64();
        s.errors.read = r.int64();
        s.errors.timeout = r.int64();
        const std::string statusErrors = r.text();
        s.latenessP50Ms = r.real();
        s.latenessP99Ms = r.real();
        s.latenessMaxMs = r.real();
        s.server.cpuPercent = r.real();
        s.server.peakRssBytes = r.int64();
        s.server.threads = r.int32();
        s.server.voluntaryContextSwitches = r.int64();
        s.server.involuntaryContextSwitches = r.int64();
        s.generatorCpuPercent = r.real();
        s.flags.generatorLimited = r.flag();
        s.flags.connectionLimited = r.flag();
        s.flags.sloViolated = r.flag();
        s.flags.serverRestarted = r.flag();
        s.flags.reason = r.text();
        s.latency = readSummary(r);
        s.serviceTime = readSummary(r);
        const std::string_view timeline = r.blob();
        s.serverLogTail = r.text();
        s.generatorLogTail = r.text();
        s.targetName = r.text();
        s.id = r.int64();
        if (!q.isNull(r.read())) {
            StepProfile profile;
            profile.profiler = r.text();
            profile.sampleRateHz = r.real();
            s.profile = std::move(profile);
        }

        const std::string what = "load step " + std::to_string(s.id);
        const auto stepStatus = stepStatusFromString(status);
        if (!stepStatus)
            db.fail(what, "unknown step status '" + status + "'");
        s.status = *stepStatus;
        s.errors.status = parseStatusErrors(db, s.id, statusErrors);
        std::string error;
        auto points = decodeTimeline(timeline, &error);
        if (!points)
            db.fail(what, "its timeline is damaged: " + error);
        s.timeline = std::move(*points);
        steps.push_back(std::move(s));
    }
    return steps;
}

std::pair<std::optional<LatencyHistogram>, std::optional<LatencyHistogram>> loadHistograms(sqlite::Database& db,
                                                                                           std::int64_t stepId) {
    auto q = db.query("SELECT s.id, h.latency, h.service_time FROM steps s "
                      "LEFT JOIN step_histograms h ON h.step_id = s.id WHERE s.id = ?1",
                      "load a step's histograms");
    q.bind(1, stepId);
    if (!q.step())
        db.fail("load the histograms of step " + std::to_string(stepId), "there is no such step");
    auto column = [&](int index, const char* name) -> std::optional<LatencyHistogram> {
        if (q.isNull(index))
            return std::nullopt;
        std::string error;
        auto histogram = LatencyHistogram::deserialize(q.blob(index), &error);
        if (!histogram)
            db.fail("load the histograms of step " + std::to_string(stepId),
                    std::string("its ") + name + " histogram is damaged: " + error);
        return histogram;
    };
    return {column(1, "latency"), column(2, "service time")};
}

} // namespace loadscope::step_rows
