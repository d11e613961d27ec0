#include "benchmark_plan.h"

#include "plan_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace loadscope {

using nlohmann::json;

std::string_view toString(StepOrder order) {
    return order == StepOrder::Interleaved ? "interleaved" : "sequential";
}

std::string_view toString(PlanMode mode) {
    return mode == PlanMode::Sweep ? "sweep" : "search";
}

std::optional<PlanMode> planModeFromString(std::string_view text) {
    if (text == "sweep")
        return PlanMode::Sweep;
    if (text == "search")
        return PlanMode::Search;
    return std::nullopt;
}

double SearchSettings::probeDuration(double stepDurationS) const {
    if (probeDurationS)
        return std::min(*probeDurationS, stepDurationS);
    return std::min(stepDurationS, std::max(2.0, stepDurationS / 3.0));
}

std::optional<StepOrder> stepOrderFromString(std::string_view text) {
    if (text == "interleaved")
        return StepOrder::Interleaved;
    if (text == "sequential")
        return StepOrder::Sequential;
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------------------
// JSON form (docs/plan.md). Keys are snake_case; durations are seconds as numbers, or strings like "20s".

std::string planToJson(const BenchmarkPlan& plan) {
    json slo = {{"p99_factor_of_ideal", plan.slo.p99FactorOfIdeal}, {"max_error_rate", plan.slo.maxErrorRate}};
    slo["p99_max_ms"] = plan.slo.p99MaxMs ? json(*plan.slo.p99MaxMs) : json(nullptr);
    json doc = {
        {"name", plan.name},
        {"preset", plan.preset},
        {"targets", plan.targets},
        {"scenario", plan.scenario},
        {"rates", plan.rates},
        {"step_duration", plan.stepDurationS},
        {"warmup", plan.warmupS},
        {"cooldown", plan.cooldownS},
        {"repetitions", plan.repetitions},
        {"connections", plan.connections ? json(*plan.connections) : json("auto")},
        {"request_timeout", plan.requestTimeoutS},
        {"order", std::string(toString(plan.order))},
        {"stop_rule", plan.stopRule},
        {"slo", slo},
        {"pinning",
         {{"enabled", plan.pinning.enabled},
          {"server_core", plan.pinning.serverCore},
          {"generator_core", plan.pinning.generatorCore}}},
        {"arrivals", plan.arrivals},
        {"mode", std::string(toString(plan.mode))},
    };
    // Written only when used, so plans (and stored runs) without hosts read exactly as before.
    if (!plan.serverHost.empty())
        doc["server_host"] = plan.serverHost;
    if (!plan.generatorHosts.empty())
        doc["generators"] = plan.generatorHosts;
    if (plan.mode == PlanMode::Search) {
        const auto& search = plan.search;
        doc["search"] = {{"start_rps", search.startRps ? json(*search.startRps) : json("auto")},
                         {"growth", search.growth},
                         {"resolution", search.resolution},
                         {"probe_duration", search.probeDurationS ? json(*search.probeDurationS) : json("auto")},
                         {"max_probes_per_rate", search.maxProbesPerRate},
                         {"max_time", search.maxTimeS ? json(*search.maxTimeS) : json(nullptr)},
                         {"max_rps", search.maxRps}};
    }
    if (plan.profile.enabled)
        doc["profile"] = profileSettingsJson(plan.profile);
    return doc.dump(2);
}

namespace {

class PlanReader {
public:
    explicit PlanReader(std::string sourceName)
        : source_(std::move(sourceName)) {}

    template <typename F> auto rethrowing(const std::string& field, F&& f) const {
        try {
            return f();
        } catch (const PlanError& e) {
            // parse helpers name their own field already when given one; keep the source in front.
            const std::string what = e.what();
            if (what.rfind(field + ":", 0) == 0)
                throw PlanError(source_ + ": " + what);
            throw PlanError(source_ + ": " + field + ": " + what);
        }
    }
    [[noreturn]] void fail(const std::string& field, const std::string& message) const {
        throw PlanError(source_ + ": " + field + ": " + message);
    }
    const std::string& source() const { return source_; }

    std::string string(const json& value, const std::string& field) const {
        if (!value.is_string())
            fail(field, "expected a string, got " + describe(value));
        return value.get<std::string>();
    }
    bool boolean(const json& value, const std::string& field) const {
        if (!value.is_boolean())
            fail(field, "expected true or false, got " + describe(value));
        return value.get<bool>();
    }
    double number(const json& value, const std::string& field) const {
        if (!value.is_number())
            fail(field, "expected a number, got " + describe(value));
        return value.get<double>();
    }
    int integer(const json& value, const std::string& field) const {
        if (!value.is_number_integer() && !(value.is_number_float() && isWhole(value.get<double>())))
            fail(field, "expected a whole number, got " + describe(value));
        const double v = value.get<double>();
        if (v < -1e9 || v > 1e9)
            fail(field, "expected a whole number between -1e9 and 1e9, got " + describe(value));
        return static_cast<int>(v);
    }
    double duration(const json& value, const std::string& field) const {
        if (value.is_number()) {
            const double s = value.get<double>();
            if (!std::isfinite(s) || s < 0)
                fail(field, "expected a duration of 0 s or more, got " + describe(value));
            return s;
        }
        if (value.is_string())
            return rethrowing(field, [&] { return parseDurationS(value.get<std::string>(), field); });
        fail(field, "expected a duration: seconds as a number or a string like \"500ms\", \"20s\", \"2m\"; got " +
                        describe(value));
    }
    std::vector<std::string> stringList(const json& value, const std::string& field) const {
        std::vector<std::string> out;
        if (value.is_string()) {
            for (auto& item : splitList(value.get<std::string>(), ','))
                out.push_back(item);
            return out;
        }
        if (!value.is_array())
            fail(field, "expected an array of names or a comma-separated string, got " + describe(value));
        for (std::size_t i = 0; i < value.size(); ++i)
            out.push_back(string(value[i], field + "[" + std::to_string(i) + "]"));
        return out;
    }
    std::vector<double> rates(const json& value, const std::string& field) const {
        if (value.is_string())
            return rethrowing(field, [&] { return parseRates(value.get<std::string>()); });
        if (!value.is_array())
            fail(field,
                 "expected an array of requests per second or a string like \"500:3000:500\", got " + describe(value));
        std::vector<double> out;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const auto name = field + "[" + std::to_string(i) + "]";
            const double r = number(value[i], name);
            if (!std::isfinite(r) || r <= 0)
                fail(name, "expected a rate above 0 requests per second, got " + describe(value[i]));
            out.push_back(r);
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }
    static std::string describe(const json& value) {
        std::string text = value.dump();
        if (text.size() > 60)
            text = text.substr(0, 57) + "...";
        return std::string(value.type_name()) + " " + text;
    }
    static bool isWhole(double v) { return std::isfinite(v) && std::floor(v) == v; }

private:
    std::string source_;
};

void readSlo(const PlanReader& r, const json& value, ServiceLevelObjective& slo) {
    if (value.is_string()) {
        slo = r.rethrowing("slo", [&] { return parseSlo(value.get<std::string>()); });
        return;
    }
    if (!value.is_object())
        r.fail("slo", "expected an object {\"p99_max_ms\", \"p99_factor_of_ideal\", \"max_error_rate\"} or a "
                      "string like \"p99<75ms,errors<0.1%\", got " +
                          PlanReader::describe(value));
    for (const auto& [key, v] : value.items()) {
        const std::string field = "slo." + key;
        if (key == "p99_max_ms") {
            if (v.is_null()) {
                slo.p99MaxMs.reset();
                continue;
            }
            const double ms = r.number(v, field);
            if (!(ms > 0))
                r.fail(field, "expected a latency above 0 ms (or null for a factor of the ideal latency)");
            slo.p99MaxMs = ms;
        } else if (key == "p99_factor_of_ideal") {
            const double f = r.number(v, field);
            if (!(f >= 1))
                r.fail(field, "expected a factor of 1 or more (1.5 means p99 <= 1.5 x the ideal latency)");
            slo.p99FactorOfIdeal = f;
        } else if (key == "max_error_rate") {
            const double e = r.number(v, field);
            if (!(e >= 0 && e < 1))
                r.fail(field, "expected a fraction from 0 to below 1 (0.001 means 0.1 %)");
            slo.maxErrorRate = e;
        } else {
            r.fail(field, "unknown key (expected p99_max_ms, p99_factor_of_ideal or max_error_rate)");
        }
    }
}

void readPinning(const PlanReader& r, const json& value, CpuPinning& pinning) {
    if (value.is_boolean()) {
        pinning.enabled = value.get<bool>();
        return;
    }
    if (!value.is_object())
        r.fail("pinning", "expected true, false or an object {\"enabled\", \"server_core\", \"generator_core\"}, got " +
                              PlanReader::describe(value));
    for (const auto& [key, v] : value.items()) {
        const std::string field = "pinning." + key;
        if (key == "enabled")
            pinning.enabled = r.boolean(v, field);
        else if (key == "server_core") {
            pinning.serverCore = r.integer(v, field);
            if (pinning.serverCore < 0)
                r.fail(field, "expected a core number of 0 or more");
        } else if (key == "generator_core") {
            pinning.generatorCore = r.integer(v, field);
            if (pinning.generatorCore < -1)
                r.fail(field, "expected a core number of 0 or more, or -1 for the last core");
        } else
            r.fail(field, "unknown key (expected enabled, server_core or generator_core)");
    }
}

void readSearch(const PlanReader& r, const json& value, SearchSettings& search) {
    if (!value.is_object())
        r.fail("search", "expected an object {\"start_rps\", \"growth\", \"resolution\", \"probe_duration\", "
                         "\"max_probes_per_rate\", \"max_time\", \"max_rps\"}, got " +
                             PlanReader::describe(value));
    auto isAuto = [](const json& v) { return v.is_null() || (v.is_string() && v.get<std::string>() == "auto"); };
    for (const auto& [key, v] : value.items()) {
        const std::string field = "search." + key;
        if (key == "start_rps") {
            search.startRps = isAuto(v) ? std::nullopt : std::optional<double>(r.number(v, field));
            if (search.startRps && !(*search.startRps > 0))
                r.fail(field, "expected a rate above 0 requests per second, or \"auto\"");
        } else if (key == "growth") {
            search.growth = r.number(v, field);
            if (!(search.growth > 1.0) || search.growth > 10)
                r.fail(field, "expected a factor above 1 and at most 10 (1.5 raises the rate by half each probe)");
        } else if (key == "resolution") {
            search.resolution = r.number(v, field);
            if (!(search.resolution >= 0.01) || search.resolution > 0.5)
                r.fail(field, "expected a fraction from 0.01 to 0.5 (0.05: the knee within 5 %)");
        } else if (key == "probe_duration") {
            search.probeDurationS = isAuto(v) ? std::nullopt : std::optional<double>(r.duration(v, field));
            if (search.probeDurationS && *search.probeDurationS < 1)
                r.fail(field, "expected at least 1 s, or \"auto\"");
        } else if (key == "max_probes_per_rate") {
            search.maxProbesPerRate = r.integer(v, field);
            if (search.maxProbesPerRate < 2 || search.maxProbesPerRate > 20)
                r.fail(field, "expected 2 to 20 (a break is confirmed by a second probe)");
        } else if (key == "max_time") {
            search.maxTimeS = v.is_null() ? std::nullopt : std::optional<double>(r.duration(v, field));
            if (search.maxTimeS && !(*search.maxTimeS > 0))
                r.fail(field, "expected a duration above 0 s, or null for no budget");
        } else if (key == "max_rps") {
            search.maxRps = r.number(v, field);
            if (!(search.maxRps > 0) || search.maxRps > 10'000'000)
                r.fail(field, "expected a rate above 0 and at most 10,000,000 requests per second");
        } else
            r.fail(field, "unknown key (expected start_rps, growth, resolution, probe_duration, max_probes_per_rate, "
                          "max_time or max_rps)");
    }
}

// The closest known key to a misspelt one ("duration" -> "step_duration"), or "" when none is close.
std::string closestKey(const std::string& key, const std::vector<std::string>& known) {
    auto distance = [](const std::string& a, const std::string& b) {
        std::vector<std::size_t> row(b.size() + 1);
        for (std::size_t j = 0; j <= b.size(); ++j)
            row[j] = j;
        for (std::size_t i = 1; i <= a.size(); ++i) {
            std::size_t diagonal = row[0];
            row[0] = i;
            for (std::size_t j = 1; j <= b.size(); ++j) {
                const std::size_t above = row[j];
                row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
                diagonal = above;
            }
        }
        return row[b.size()];
    };
    std::string best;
    std::size_t bestDistance = 3; // at most two edits away
    for (const auto& candidate : known) {
        const bool contains = key.size() >= 4 && (candidate.find(key) != std::string::npos);
        const std::size_t d = contains ? 1 : distance(key, candidate);
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best;
}

void readPlanKey(const PlanReader& r, const std::string& key, const json& v, BenchmarkPlan& plan) {
    if (key == "name")
        plan.name = r.string(v, key);
    else if (key == "targets")
        plan.targets = r.stringList(v, key);
    else if (key == "scenario")
        plan.scenario = r.string(v, key);
    else if (key == "rates")
        plan.rates = r.rates(v, key);
    else if (key == "step_duration")
        plan.stepDurationS = r.duration(v, key);
    else if (key == "warmup")
        plan.warmupS = r.duration(v, key);
    else if (key == "cooldown")
        plan.cooldownS = r.duration(v, key);
    else if (key == "repetitions")
        plan.repetitions = r.integer(v, key);
    else if (key == "connections") {
        if (v.is_null() || (v.is_string() && v.get<std::string>() == "auto"))
            plan.connections.reset();
        else if (v.is_number())
            plan.connections = r.integer(v, key);
        else
            r.fail(key, "expected a number of connections or \"auto\", got " + PlanReader::describe(v));
    } else if (key == "request_timeout")
        plan.requestTimeoutS = r.duration(v, key);
    else if (key == "order") {
        const auto order = stepOrderFromString(r.string(v, key));
        if (!order)
            r.fail(key, "expected \"interleaved\" or \"sequential\", got " + PlanReader::describe(v));
        plan.order = *order;
    } else if (key == "stop_rule")
        plan.stopRule = r.boolean(v, key);
    else if (key == "slo")
        readSlo(r, v, plan.slo);
    else if (key == "pinning")
        readPinning(r, v, plan.pinning);
    else if (key == "arrivals") {
        plan.arrivals = r.string(v, key);
        if (plan.arrivals != "uniform" && plan.arrivals != "poisson")
            r.fail(key, "expected \"uniform\" or \"poisson\", got " + PlanReader::describe(v));
    } else if (key == "mode") {
        const auto mode = planModeFromString(r.string(v, key));
        if (!mode)
            r.fail(key, "expected \"sweep\" or \"search\", got " + PlanReader::describe(v));
        plan.mode = *mode;
    } else if (key == "search")
        readSearch(r, v, plan.search);
    else if (key == "server_host") {
        plan.serverHost = r.string(v, key);
        if (plan.serverHost == "local")
            plan.serverHost.clear();
    } else if (key == "generators")
        plan.generatorHosts = r.stringList(v, key);
    else if (key == "profile")
        plan.profile = profileSettingsFromJson(v, r.source());
    else {
        static const std::vector<std::string> known{
            "name",     "preset",      "targets",     "scenario",        "rates",       "step_duration", "warmup",
            "cooldown", "repetitions", "connections", "request_timeout", "order",       "stop_rule",     "slo",
            "pinning",  "arrivals",    "mode",        "search",          "server_host", "generators",    "profile"};
        const auto suggestion = closestKey(key, known);
        r.fail(key, "unknown key" + (suggestion.empty() ? std::string() : " (did you mean '" + suggestion + "'?)") +
                        " (expected one of: " + joinList(known, ", ") + ")");
    }
}

} // namespace

BenchmarkPlan planFromJson(const std::string& text, const std::string& sourceName) {
    const PlanReader r(sourceName);
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw PlanError(sourceName + ": not valid JSON: " + e.what());
    }
    if (!doc.is_object())
        r.fail("(document)",
               "expected a JSON object with the plan's fields (see docs/plan.md), got " + PlanReader::describe(doc));

    BenchmarkPlan plan;
    // A plan may start from a preset and override some of its fields.
    if (auto it = doc.find("preset"); it != doc.end() && !(it->is_string() && it->get<std::string>().empty())) {
        const auto name = r.string(*it, "preset");
        auto preset = presetPlan(name);
        if (!preset)
            r.fail("preset", "unknown preset '" + name + "' (expected one of: " + joinList(presetNames(), ", ") + ")");
        plan = *preset;
    }

    // Every problem of the file at once (one per key), not one per attempt.
    std::vector<std::string> problems;
    for (const auto& [key, v] : doc.items()) {
        if (key == "preset")
            continue;
        try {
            readPlanKey(r, key, v, plan);
        } catch (const PlanError& e) {
            problems.push_back(e.what());
        }
    }
    // Field-level checks that need no catalog; validatePlan() repeats them for plans built in code. Only for fields
    // that read well: a bad value already said what is wrong with it.
    auto check = [&](const std::string& field, bool ok, const std::string& message) {
        const std::string prefix = sourceName + ": " + field + ":";
        const bool alreadyReported = std::any_of(problems.begin(), problems.end(),
                                                 [&](const std::string& p) { return p.rfind(prefix, 0) == 0; });
        if (!ok && !alreadyReported)
            problems.push_back(sourceName + ": " + field + ": " + message);
    };
    check("repetitions", plan.repetitions >= 1, "expected 1 or more, got " + std::to_string(plan.repetitions));
    check("connections", !plan.connections || *plan.connections >= 1,
          "expected 1 or more (or \"auto\"), got " + std::to_string(plan.connections.value_or(0)));
    check("step_duration", plan.stepDurationS > 0, "expected a duration above 0 s");
    check("request_timeout", plan.requestTimeoutS > 0, "expected a duration above 0 s");
    if (!problems.empty()) {
        std::string all = problems.front();
        for (std::size_t i = 1; i < problems.size(); ++i)
            all += "\n" + problems[i];
        throw PlanError(all);
    }
    return plan;
}

// ---------------------------------------------------------------------------------------------------------------
// Presets. The seed variants are the founding benchmark's servers: aiohttp and Tornado (native coroutines and
// gen.coroutine), each with and without uvloop.

namespace {
const std::vector<std::string> kSeedTargets{"aiohttp",     "aiohttp-uvloop",    "tornado-async", "tornado-async-uvloop",
                                            "tornado-gen", "tornado-gen-uvloop"};
}

std::vector<std::string> presetNames() {
    return {"quick", "seed-simple", "seed-complex"};
}

std::optional<BenchmarkPlan> presetPlan(std::string_view name, bool faithful) {
    BenchmarkPlan plan;
    plan.preset = std::string(name);
    if (name == "quick") {
        // A knee search: a sweep of a few fixed rates either stops below every knee (nothing separates) or costs
        // many minutes; the search brackets each target's capacity in a few short probes.
        plan.targets = {"aiohttp", "tornado-async", "tornado-gen"};
        plan.scenario = "simple";
        plan.mode = PlanMode::Search;
        // A Python server a little over its capacity needs seconds to show it: 2 s probes held rates that broke at
        // 5 s (docs/benchmarks.md), so the probes are 3 s and the knee is confirmed at 6 s.
        plan.stepDurationS = 6;
        plan.warmupS = 1;
        plan.cooldownS = 0.5;
        plan.repetitions = 3;
        plan.search.probeDurationS = 3;
        plan.search.resolution = 0.1;
        plan.search.maxTimeS = 240;
        return plan; // `faithful` only applies to the seed presets
    }
    if (name == "seed-simple" || name == "seed-complex") {
        plan.targets = kSeedTargets;
        plan.scenario = name == "seed-simple" ? "simple" : "complex";
        plan.rates = parseRates("500:3000:250");
        plan.stepDurationS = 20;
        plan.warmupS = 1;
        plan.cooldownS = 2;
        plan.repetitions = 3;
        if (faithful) {
            // The founding benchmark: 300 s per load, 1 s warm-up, 5 repetitions.
            plan.stepDurationS = 300;
            plan.repetitions = 5;
            plan.preset += " (faithful)";
        }
        return plan;
    }
    return std::nullopt;
}

std::string describeSearch(const BenchmarkPlan& plan) {
    const auto& search = plan.search;
    const std::string start = search.startRps      ? formatNumber(*search.startRps, 1) + " req/s"
                              : plan.rates.empty() ? std::string("an automatic rate")
                                                   : formatNumber(plan.rates.front(), 1) + " req/s";
    std::string text = "knee search from " + start + " (x" + formatNumber(search.growth, 2) + ", then bisect to " +
                       formatNumber(search.resolution * 100, 1) + " %), " +
                       formatDuration(search.probeDuration(plan.stepDurationS)) + " probes, up to " +
                       std::to_string(search.maxProbesPerRate) + " per rate, the knee confirmed at " +
                       formatDuration(plan.stepDurationS);
    if (search.maxTimeS)
        text += ", budget " + formatDuration(*search.maxTimeS);
    return text;
}

std::string defaultRunName(const BenchmarkPlan& plan) {
    std::string prefix = plan.preset.empty() ? plan.scenario : plan.preset;
    return prefix + ": " + joinList(plan.targets, " vs ");
}

// ---------------------------------------------------------------------------------------------------------------

namespace {
// A search's length is not known in advance: on this project's machine a search took 8-14 probes per target.
constexpr int kEstimatedProbesPerTarget = 12;
} // namespace

int plannedStepCount(const BenchmarkPlan& plan) {
    if (plan.mode == PlanMode::Search)
        return static_cast<int>(plan.targets.size()) * kEstimatedProbesPerTarget;
    return static_cast<int>(plan.targets.size() * plan.rates.size()) * std::max(plan.repetitions, 0);
}

double estimatedSeconds(const BenchmarkPlan& plan) {
    // Measured on this project's 2-core reference machine: a Python server is ready in about 1 s, and each step
    // costs about 0.3 s beyond its planned time (generator start, result parsing, the database transaction).
    constexpr double kServerStartS = 1.0;
    constexpr double kStepOverheadS = 0.3;
    const int steps = plannedStepCount(plan);
    if (plan.mode == PlanMode::Search) {
        const double targets = static_cast<double>(plan.targets.size());
        const double probe =
            plan.warmupS + plan.search.probeDuration(plan.stepDurationS) + plan.cooldownS + kStepOverheadS;
        const double confirm = plan.warmupS + plan.stepDurationS + plan.cooldownS + kStepOverheadS;
        const double estimate = (steps - targets) * probe + targets * (confirm + kServerStartS);
        return plan.search.maxTimeS ? std::min(estimate, *plan.search.maxTimeS + confirm) : estimate;
    }
    const double perStep = plan.warmupS + plan.stepDurationS + plan.cooldownS + kStepOverheadS;
    const double serverStarts = static_cast<double>(plan.targets.size()) * std::max(plan.repetitions, 0);
    return steps * perStep + serverStarts * kServerStartS;
}

} // namespace loadscope
