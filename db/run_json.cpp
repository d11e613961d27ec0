#include "run_json.h"

#include "folded_profile.h"

#include "run_store.h"
#include "step_fields.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <set>
#include <type_traits>

namespace loadscope {
namespace {

// ordered_json keeps the key order of a plan or environment document, so embedding and extracting it is exact.
using Json = nlohmann::ordered_json;

// --- writing ---

// A JSON text stored as a string is embedded as JSON when that is exact (its compact dump is the same text), so the
// document is readable; anything else is kept verbatim as a string under "<key>_text".
void putEmbeddedJson(Json& object, const std::string& key, const std::string& text) {
    if (text.empty())
        return;
    const Json parsed = Json::parse(text, nullptr, false);
    if (!parsed.is_discarded() && parsed.dump() == text)
        object[key] = parsed;
    else
        object[key + "_text"] = text;
}

Json histogramJson(const std::optional<LatencyHistogram>& histogram) {
    return histogram ? Json(histogram->toBase64()) : Json(nullptr);
}

Json timelineJson(const std::vector<TimelinePoint>& points) {
    Json timeline = Json::array();
    for (const auto& p : points)
        timeline.push_back(Json{{"second", p.second},
                                {"sent", p.sent},
                                {"completed", p.completed},
                                {"errors", p.errors},
                                {"p50_ms", p.p50Ms},
                                {"p99_ms", p.p99Ms}});
    return timeline;
}

// Optional (documents from before profiles have no "profile"): the folded stacks as text, readable as they are.
Json profileJson(const std::optional<StepProfile>& profile) {
    if (!profile)
        return nullptr;
    return Json{
        {"profiler", profile->profiler}, {"sample_rate_hz", profile->sampleRateHz}, {"folded", profile->folded}};
}

Json fieldJson(const StepField& field, const Step& step) {
    return std::visit(
        [&](auto member) -> Json {
            const auto& value = fieldValue(member, step);
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, StepStatus>) {
                return std::string(toString(value));
            } else if constexpr (std::is_same_v<T, std::map<int, std::int64_t>>) {
                Json byStatus = Json::object();
                for (const auto& [code, count] : value)
                    byStatus[std::to_string(code)] = count;
                return byStatus;
            } else if constexpr (std::is_same_v<T, std::vector<TimelinePoint>>) {
                return timelineJson(value);
            } else if constexpr (std::is_same_v<T, std::optional<LatencyHistogram>>) {
                return histogramJson(value);
            } else if constexpr (std::is_same_v<T, std::optional<StepProfile>>) {
                return profileJson(value);
            } else {
                return value;
            }
        },
        field.member);
}

// "counts.due" -> {"counts": {"due": ...}}: the nested objects are made as the first of their fields is written, so
// the keys come out in stepFields() order.
Json stepJson(const Step& step) {
    Json j = Json::object();
    for (const auto& field : stepFields()) {
        if (field.json.empty())
            continue;
        Json* object = &j;
        std::string_view path = field.json;
        for (auto dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.')) {
            object = &(*object)[std::string(path.substr(0, dot))];
            path.remove_prefix(dot + 1);
        }
        (*object)[std::string(path)] = fieldJson(field, step);
    }
    return j;
}

// --- reading ---

const char* typeName(const Json& j) {
    switch (j.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::boolean:
        return "a boolean";
    case Json::value_t::string:
        return "a string";
    case Json::value_t::array:
        return "an array";
    case Json::value_t::object:
        return "an object";
    case Json::value_t::number_float:
        return "a fractional number";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
        return "an integer";
    default:
        return "something else";
    }
}

// One JSON object being read, with its path in the document for error messages.
class ObjectReader {
public:
    ObjectReader(const Json& object, std::string path, const std::string& source)
        : object_(object)
        , path_(std::move(path))
        , source_(source) {
        if (!object_.is_object())
            fail(path_, "expected an object", &object_);
    }

    [[noreturn]] void fail(const std::string& path, const std::string& expected, const Json* found = nullptr) const {
        std::string message = source_ + ": " + (path.empty() ? "document" : path) + ": " + expected;
        if (found)
            message += std::string(", found ") + typeName(*found);
        throw StoreError(message);
    }

    std::string pathOf(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }
    bool has(const char* key) const { return object_.contains(key); }

    const Json& member(const char* key, const char* expected) const {
        const auto it = object_.find(key);
        if (it == object_.end())
            fail(pathOf(key), std::string("missing (expected ") + expected + ")");
        return *it;
    }
    std::string string(const char* key) const {
        const Json& j = member(key, "a string");
        if (!j.is_string())
            fail(pathOf(key), "expected a string", &j);
        return j.get<std::string>();
    }
    std::int64_t integer(const char* key) const { return integerValue(member(key, "an integer"), pathOf(key)); }
    int integer32(const char* key) const {
        const std::int64_t v = integer(key);
        if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
            fail(pathOf(key), "expected an integer in the 32-bit range");
        return static_cast<int>(v);
    }
    double number(const char* key) const { return numberValue(member(key, "a number"), pathOf(key)); }
    std::optional<double> optionalNumber(const char* key) const {
        const Json& j = member(key, "a number or null");
        if (j.is_null())
            return std::nullopt;
        if (!j.is_number())
            fail(pathOf(key), "expected a number or null", &j);
        return j.get<double>();
    }
    bool boolean(const char* key) const {
        const Json& j = member(key, "true or false");
        if (!j.is_boolean())
            fail(pathOf(key), "expected true or false", &j);
        return j.get<bool>();
    }
    ObjectReader object(const char* key) const { return ObjectReader(member(key, "an object"), pathOf(key), source_); }
    const Json& array(const char* key) const {
        const Json& j = member(key, "an array");
        if (!j.is_array())
            fail(pathOf(key), "expected an array", &j);
        return j;
    }
    std::vector<std::string> strings(const char* key) const {
        std::vector<std::string> items;
        const Json& j = array(key);
        for (std::size_t i = 0; i < j.size(); ++i) {
            if (!j[i].is_string())
                fail(pathOf(key) + "[" + std::to_string(i) + "]", "expected a string", &j[i]);
            items.push_back(j[i].get<std::string>());
        }
        return items;
    }
    std::map<std::string, std::string> stringMap(const char* key) const {
        std::map<std::string, std::string> items;
        const Json& j = member(key, "an object of strings");
        if (!j.is_object())
            fail(pathOf(key), "expected an object of strings", &j);
        for (const auto& [name, value] : j.items()) {
            if (!value.is_string())
                fail(pathOf(key) + "." + name, "expected a string", &value);
            items[name] = value.get<std::string>();
        }
        return items;
    }
    std::optional<LatencyHistogram> histogram(const char* key) const {
        const Json& j = member(key, "a base64 Loadscope histogram or null");
        if (j.is_null())
            return std::nullopt;
        if (!j.is_string())
            fail(pathOf(key), "expected a base64 Loadscope histogram or null", &j);
        std::string error;
        auto histogram = LatencyHistogram::fromBase64(j.get<std::string>(), &error);
        if (!histogram)
            fail(pathOf(key), "expected a base64 Loadscope histogram (" + error + ")");
        return histogram;
    }
    // A JSON text embedded under `key` (any JSON value) or kept verbatim under `key`_text; empty when neither.
    std::string embeddedJson(const char* key) const {
        const std::string textKey = std::string(key) + "_text";
        if (has(key))
            return object_.at(key).dump();
        if (has(textKey.c_str()))
            return string(textKey.c_str());
        return {};
    }

    std::int64_t integerValue(const Json& j, const std::string& path) const {
        if (j.is_number_unsigned() && j.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
            fail(path, "expected an integer that fits 64 bits");
        if (!j.is_number_integer())
            fail(path, "expected an integer", &j);
        return j.get<std::int64_t>();
    }
    double numberValue(const Json& j, const std::string& path) const {
        if (!j.is_number())
            fail(path, "expected a number", &j);
        return j.get<double>();
    }
    const std::string& source() const { return source_; }

private:
    const Json& object_;
    std::string path_;
    const std::string& source_;
};

std::map<int, std::int64_t> readStatusCounts(const ObjectReader& errors, const std::string& key) {
    std::map<int, std::int64_t> counts;
    const ObjectReader byStatus = errors.object(key.c_str());
    for (const auto& [code, count] : errors.member(key.c_str(), "an object").items()) {
        const std::string path = byStatus.pathOf(code);
        int status = 0;
        std::size_t used = 0;
        try {
            status = std::stoi(code, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != code.size() || code.empty() || status < 100 || status > 999)
            errors.fail(path, "expected an HTTP status code (100..999) as the key");
        counts[status] = byStatus.integerValue(count, path);
    }
    return counts;
}

std::vector<TimelinePoint> readTimeline(const ObjectReader& r, const std::string& key) {
    std::vector<TimelinePoint> points;
    const Json& timeline = r.array(key.c_str());
    for (std::size_t i = 0; i < timeline.size(); ++i) {
        const ObjectReader point(timeline[i], r.pathOf(key) + "[" + std::to_string(i) + "]", r.source());
        TimelinePoint p;
        p.second = point.integer32("second");
        p.sent = point.integer("sent");
        p.completed = point.integer("completed");
        p.errors = point.integer("errors");
        p.p50Ms = point.number("p50_ms");
        p.p99Ms = point.number("p99_ms");
        points.push_back(p);
    }
    return points;
}

// Missing or null: not profiled (documents from before profiles have no "profile").
std::optional<StepProfile> readProfile(const ObjectReader& r, const std::string& key) {
    if (!r.has(key.c_str()) || r.member(key.c_str(), "an object or null").is_null())
        return std::nullopt;
    const ObjectReader profile = r.object(key.c_str());
    StepProfile p;
    p.profiler = profile.string("profiler");
    if (p.profiler != "python" && p.profiler != "perf")
        r.fail(profile.pathOf("profiler"), "expected \"python\" or \"perf\"");
    p.sampleRateHz = profile.number("sample_rate_hz");
    p.folded = profile.string("folded");
    if (const auto parsed = parseFolded(p.folded); !parsed.ok())
        r.fail(profile.pathOf("folded"), "expected folded stacks ('frame;frame count' lines): " + parsed.error);
    return p;
}

StepStatus readStatus(const ObjectReader& r, const std::string& key) {
    const std::string status = r.string(key.c_str());
    const auto stepStatus = stepStatusFromString(status);
    if (!stepStatus)
        r.fail(r.pathOf(key), "expected one of ok, failed, skipped, cancelled, found '" + status + "'");
    return *stepStatus;
}

// Reads the field at `key` of `r` (the object that holds it) into `step`, checked as its type requires.
void readJsonField(const ObjectReader& r, const std::string& key, const StepField& field, Step& step) {
    std::visit(
        [&](auto member) {
            auto& value = member(step);
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::int64_t>)
                value = r.integer(key.c_str());
            else if constexpr (std::is_same_v<T, int>)
                value = r.integer32(key.c_str());
            else if constexpr (std::is_same_v<T, double>)
                value = r.number(key.c_str());
            else if constexpr (std::is_same_v<T, bool>)
                value = r.boolean(key.c_str());
            else if constexpr (std::is_same_v<T, std::string>)
                value = r.string(key.c_str());
            else if constexpr (std::is_same_v<T, StepStatus>)
                value = readStatus(r, key);
            else if constexpr (std::is_same_v<T, std::map<int, std::int64_t>>)
                value = readStatusCounts(r, key);
            else if constexpr (std::is_same_v<T, std::vector<TimelinePoint>>)
                value = readTimeline(r, key);
            else if constexpr (std::is_same_v<T, std::optional<LatencyHistogram>>)
                value = r.histogram(key.c_str());
            else
                value = readProfile(r, key);
        },
        field.member);
}

// The reader of the object that holds the last part of `path`: "counts.due" -> r.object("counts"), key "due".
ObjectReader holderOf(const ObjectReader& r, std::string_view path, std::string& key) {
    const auto dot = path.find('.');
    if (dot == std::string_view::npos) {
        key = std::string(path);
        return r;
    }
    return holderOf(r.object(std::string(path.substr(0, dot)).c_str()), path.substr(dot + 1), key);
}

Step readStep(const ObjectReader& r, const std::set<std::string>& targetNames) {
    Step s;
    for (const auto& field : stepFields()) {
        if (field.json.empty())
            continue;
        std::string key;
        readJsonField(holderOf(r, field.json, key), key, field, s);
    }
    if (!targetNames.count(s.targetName))
        r.fail(r.pathOf("target"), "expected the name of one of the document's targets, found '" + s.targetName + "'");
    return s;
}

} // namespace

std::string runToJson(const Run& run) {
    Json runObject;
    runObject["name"] = run.name;
    runObject["created_ms"] = run.createdMs;
    runObject["finished_ms"] = run.finishedMs;
    runObject["status"] = std::string(toString(run.status));
    putEmbeddedJson(runObject, "plan", run.planJson);
    putEmbeddedJson(runObject, "environment", run.environmentJson);
    runObject["notes"] = run.notes;
    runObject["tags"] = run.tags;

    Json targets = Json::array();
    for (const auto& t : run.targets) {
        Json env = Json::object();
        for (const auto& [name, value] : t.env)
            env[name] = value;
        targets.push_back(Json{{"name", t.name},
                               {"display_name", t.displayName},
                               {"argv", t.argv},
                               {"env", env},
                               {"versions", t.versions},
                               {"tags", t.tags},
                               {"knee_rps", t.kneeRps ? Json(*t.kneeRps) : Json(nullptr)}});
    }
    Json steps = Json::array();
    for (const auto& s : run.steps)
        steps.push_back(stepJson(s));

    Json document;
    document["format"] = kRunJsonFormat;
    document["format_version"] = kRunJsonFormatVersion;
    document["run"] = std::move(runObject);
    document["targets"] = std::move(targets);
    document["steps"] = std::move(steps);
    // Invalid UTF-8 in a log tail must not make the export fail: it is replaced, the rest stays exact.
    return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Run runFromJson(std::string_view text, const std::string& sourceName) {
    Json document;
    try {
        document = Json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw StoreError(sourceName + ": not valid JSON (" + e.what() + ")");
    }
    const ObjectReader root(document, "", sourceName);
    if (root.string("format") != kRunJsonFormat)
        root.fail("format", "expected \"loadscope-run\" (this is not a Loadscope run export)");
    const std::int64_t version = root.integer("format_version");
    if (version < 1 || version > kRunJsonFormatVersion)
        root.fail("format_version", "expected 1; this document was written by a newer Loadscope (format_version " +
                                        std::to_string(version) + ")");

    Run run;
    const ObjectReader r = root.object("run");
    run.name = r.string("name");
    run.createdMs = r.integer("created_ms");
    run.finishedMs = r.integer("finished_ms");
    const std::string status = r.string("status");
    const auto runStatus = runStatusFromString(status);
    if (!runStatus)
        r.fail(r.pathOf("status"), "expected one of running, completed, completed-with-failures, failed, "
                                   "cancelled, interrupted, found '" +
                                       status + "'");
    run.status = *runStatus;
    run.planJson = r.embeddedJson("plan");
    run.environmentJson = r.embeddedJson("environment");
    run.notes = r.string("notes");
    run.tags = r.strings("tags");

    std::set<std::string> targetNames;
    const Json& targets = root.array("targets");
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const ObjectReader t(targets[i], "targets[" + std::to_string(i) + "]", sourceName);
        TargetSnapshot target;
        target.name = t.string("name");
        if (target.name.empty())
            t.fail(t.pathOf("name"), "expected a non-empty target name");
        if (!targetNames.insert(target.name).second)
            t.fail(t.pathOf("name"),
                   "expected a name no other target of the run has, found '" + target.name + "' twice");
        target.displayName = t.string("display_name");
        target.argv = t.strings("argv");
        target.env = t.stringMap("env");
        target.versions = t.string("versions");
        target.tags = t.strings("tags");
        target.kneeRps = t.optionalNumber("knee_rps");
        run.targets.push_back(std::move(target));
    }
    const Json& steps = root.array("steps");
    for (std::size_t i = 0; i < steps.size(); ++i)
        run.steps.push_back(
            readStep(ObjectReader(steps[i], "steps[" + std::to_string(i) + "]", sourceName), targetNames));
    return run;
}

} // namespace loadscope
