// The generator's output against a real refserver: the JSON document against the schema documented in
// docs/loadgen.md, histograms that round-trip, schedules and warm-up, threads, --progress, signals, bodies.

#include "loadgen_test_support.h"

#include "latency_histogram.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <unistd.h>

using namespace loadscope::testing;
using loadscope::LatencyHistogram;

namespace {

struct DocumentedField {
    std::string path; // "requests.due"
    std::string type; // "int", "number", "string", "bool", "object", "array"
};

// The field table of the "Output: `--json`" section of docs/loadgen.md.
std::vector<DocumentedField> documentedFields() {
    std::ifstream in(std::string(LOADSCOPE_SOURCE_DIR) + "/docs/loadgen.md");
    std::string line;
    bool inSection = false;
    std::vector<DocumentedField> fields;
    const std::regex name("`([a-z_0-9.]+)`");
    while (std::getline(in, line)) {
        if (line.rfind("## ", 0) == 0)
            inSection = line.find("--json") != std::string::npos;
        if (!inSection || line.rfind("| `", 0) != 0)
            continue;
        std::vector<std::string> cells;
        std::stringstream row(line.substr(1));
        std::string cell;
        while (std::getline(row, cell, '|'))
            cells.push_back(cell);
        if (cells.size() < 3)
            continue;
        std::string type = cells[1];
        type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
        for (std::sregex_iterator it(cells[0].begin(), cells[0].end(), name), end; it != end; ++it)
            fields.push_back({(*it)[1], type});
    }
    return fields;
}

const nlohmann::json* lookup(const nlohmann::json& doc, const std::string& path) {
    const nlohmann::json* node = &doc;
    std::stringstream parts(path);
    std::string part;
    while (std::getline(parts, part, '.')) {
        if (!node->is_object() || !node->contains(part))
            return nullptr;
        node = &(*node)[part];
    }
    return node;
}

bool hasType(const nlohmann::json& value, const std::string& type) {
    if (type == "int")
        return value.is_number_integer();
    if (type == "number")
        return value.is_number();
    if (type == "string")
        return value.is_string();
    if (type == "bool")
        return value.is_boolean();
    if (type == "object")
        return value.is_object();
    if (type == "array")
        return value.is_array();
    return false;
}

const std::set<std::string> kPercentileKeys = {"p50", "p75", "p90", "p95", "p99", "p999", "p9999", "max", "mean"};

} // namespace

TEST(LoadgenOutput, JsonFollowsTheDocumentedSchema) {
    const auto fields = documentedFields();
    ASSERT_GT(fields.size(), 30u) << "the field table of docs/loadgen.md was not found";
    auto server = startRefServer({"--delay-ms", "2"});
    const auto run = runLoadgen({"--url", server.url(), "--rate", "500", "--duration", "2s", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto& doc = run.json;
    ASSERT_TRUE(doc.is_object()) << run.out;

    std::set<std::string> documented;
    for (const auto& field : fields) {
        documented.insert(field.path);
        if (field.path == "error")
            continue; // only present with exit code 3 (checked in the error tests)
        const auto* value = lookup(doc, field.path);
        ASSERT_NE(value, nullptr) << "documented field missing from the output: " << field.path;
        EXPECT_TRUE(hasType(*value, field.type)) << field.path << " should be " << field.type << ": " << *value;
    }
    // And nothing undocumented: every key of the document and of its objects is in the table.
    auto isDocumented = [&](const std::string& key) {
        const auto next = documented.lower_bound(key);
        return next != documented.end() && (*next == key || next->rfind(key + ".", 0) == 0);
    };
    for (const auto& [key, value] : doc.items()) {
        EXPECT_TRUE(isDocumented(key)) << "undocumented field: " << key;
        if (key == "requests" || key == "errors" || key == "generator_cpu") {
            for (const auto& [inner, unused] : value.items())
                EXPECT_TRUE(documented.count(key + "." + inner) || documented.count(key))
                    << "undocumented field: " << key << "." << inner;
        }
    }
    for (const char* key : {"latency_ms", "service_time_ms"}) {
        std::set<std::string> keys;
        for (const auto& [k, v] : doc[key].items()) {
            keys.insert(k);
            EXPECT_TRUE(v.is_number()) << key << "." << k;
        }
        EXPECT_EQ(keys, kPercentileKeys) << key;
    }
    for (const char* key : {"p50", "p99", "max"})
        EXPECT_TRUE(doc["lateness_ms"][key].is_number()) << key;
    ASSERT_FALSE(doc["timeline"].empty());
    for (const auto& second : doc["timeline"]) {
        for (const char* key : {"t", "scheduled", "sent", "completed", "errors", "p50_ms", "p99_ms"})
            EXPECT_TRUE(second.contains(key) && second[key].is_number()) << key << " in " << second;
    }
    EXPECT_EQ(doc["schema"], "loadscope-loadgen/1");
    EXPECT_EQ(doc["schedule"], "const(500,2s)");
    EXPECT_EQ(doc["target_rps"], 500.0);
    EXPECT_EQ(doc["partial"], false);
    EXPECT_EQ(doc["realtime"], false);
    EXPECT_EQ(doc["busy_poll"], false);
    EXPECT_EQ(doc["batch_window_ms"], 0.1); // the default, 100us
}

TEST(LoadgenOutput, HistogramsRoundTripAndAgreeWithTheSummaries) {
    auto server = startRefServer({"--delay-ms", "5"});
    const auto run = runLoadgen({"--url", server.url(), "--rate", "400", "--duration", "2s", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto& doc = run.json;
    std::string error;
    const auto latency = LatencyHistogram::fromBase64(doc["histogram"].get<std::string>(), &error);
    ASSERT_TRUE(latency) << error;
    const auto service = LatencyHistogram::fromBase64(doc["service_histogram"].get<std::string>(), &error);
    ASSERT_TRUE(service) << error;
    EXPECT_EQ(latency->count(), doc["requests"]["completed"].get<std::int64_t>());
    EXPECT_EQ(service->count(), latency->count());
    EXPECT_EQ(latency->toBase64(), doc["histogram"].get<std::string>()); // lossless both ways
    const auto summary = loadscope::summarize(*latency);
    EXPECT_NEAR(doc["latency_ms"]["p50"].get<double>(), summary.p50Ms, 0.0005);
    EXPECT_NEAR(doc["latency_ms"]["p99"].get<double>(), summary.p99Ms, 0.0005);
    EXPECT_NEAR(doc["latency_ms"]["max"].get<double>(), summary.maxMs, 0.0005);
    EXPECT_NEAR(doc["latency_ms"]["mean"].get<double>(), summary.meanMs, 0.0005);
    EXPECT_NEAR(doc["service_time_ms"]["p50"].get<double>(), loadscope::summarize(*service).p50Ms, 0.0005);
    // The server waits 5 ms per request: nothing can be faster, from the due time or from the send.
    EXPECT_GE(latency->min(), 5000);
    EXPECT_GE(service->min(), 5000);
    // Corrected latency is never below the service time of the same run.
    EXPECT_GE(latency->mean(), service->mean());
}

TEST(LoadgenOutput, ScheduleAndWarmupAreFollowedAndWarmupIsLeftOut) {
    auto server = startRefServer({});
    TempDir dir;
    const auto run = runLoadgen(
        {"--url", server.url(), "--schedule", "const(200,1s) line(200,400,1s)", "--warmup", "500ms", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto& doc = run.json;
    // Measured: 200 + (200+400)/2 = 500 requests; the 100 of the warm-up are not counted.
    EXPECT_EQ(doc["requests"]["due"], 500);
    EXPECT_EQ(doc["requests"]["completed"], 500);
    EXPECT_EQ(doc["duration_s"], 2.0);
    EXPECT_EQ(doc["warmup_s"], 0.5);
    EXPECT_EQ(doc["target_rps"], 250.0);
    EXPECT_EQ(doc["schedule"], "const(200,1s) line(200,400,1s)");
    ASSERT_GE(doc["timeline"].size(), 2u);
    EXPECT_EQ(doc["timeline"][0]["t"], 0);
    EXPECT_EQ(doc["timeline"][0]["scheduled"], 200.0);
    EXPECT_EQ(doc["timeline"][1]["scheduled"], 300.0);
    EXPECT_NEAR(doc["timeline"][0]["sent"].get<double>(), 200, 2);
    EXPECT_NEAR(doc["timeline"][1]["sent"].get<double>(), 300, 2);
}

TEST(LoadgenOutput, LowRatesAndPausesKeepEverySecondOfTheTimeline) {
    auto server = startRefServer({});
    auto run = runLoadgen({"--url", server.url(), "--schedule", "const(4,1s) const(0,1s) const(4,1s)", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(run.json["requests"]["due"], 8);
    EXPECT_EQ(run.json["requests"]["ok"], 8);
    ASSERT_EQ(run.json["timeline"].size(), 3u) << run.json["timeline"].dump();
    EXPECT_EQ(run.json["timeline"][1]["scheduled"], 0.0);
    EXPECT_EQ(run.json["timeline"][1]["sent"], 0);
    EXPECT_EQ(run.json["timeline"][2]["sent"], 4);
    // One request every 2 s: the run is over after the last answer, but the timeline covers all 4 seconds.
    run = runLoadgen({"--url", server.url(), "--rate", "0.5", "--duration", "4s", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(run.json["requests"]["due"], 2);
    EXPECT_EQ(run.json["achieved_rps"], 0.5);
    EXPECT_EQ(run.json["timeline"].size(), 4u) << run.json["timeline"].dump();
}

TEST(LoadgenOutput, ThreadsShareOneScheduleAndMergeTheirResults) {
    auto server = startRefServer({"--delay-ms", "1"});
    const auto run = runLoadgen({"--url", server.url(), "--rate", "1000", "--duration", "2s", "--threads", "3",
                                 "--connections", "30", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto& doc = run.json;
    EXPECT_EQ(doc["threads"], 3);
    EXPECT_EQ(doc["requests"]["due"], 2000);
    EXPECT_EQ(doc["requests"]["completed"], 2000);
    EXPECT_EQ(doc["errors"]["total"], 0);
    std::int64_t sent = 0;
    for (const auto& second : doc["timeline"])
        sent += second["sent"].get<std::int64_t>();
    EXPECT_EQ(sent, 2000);
    const auto latency = LatencyHistogram::fromBase64(doc["histogram"].get<std::string>());
    ASSERT_TRUE(latency);
    EXPECT_EQ(latency->count(), 2000);
}

TEST(LoadgenOutput, ProgressLinesComeEveryQuarterSecond) {
    auto server = startRefServer({});
    const auto run = runLoadgen(
        {"--url", server.url(), "--rate", "200", "--duration", "2s", "--warmup", "500ms", "--progress", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    std::vector<nlohmann::json> lines;
    std::stringstream err(run.err);
    std::string line;
    while (std::getline(err, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << "not a JSON line: " << line;
        lines.push_back(j);
    }
    // 2.5 s at 4 lines a second, plus the last one.
    EXPECT_GE(lines.size(), 8u);
    EXPECT_LE(lines.size(), 13u);
    bool sawWarmup = false, sawMeasure = false;
    double previous = -1e9;
    for (const auto& j : lines) {
        for (const char* key : {"elapsed_s", "sent", "completed", "errors", "p50_ms", "p99_ms"})
            EXPECT_TRUE(j.contains(key)) << key << " missing in " << j;
        EXPECT_GE(j["elapsed_s"].get<double>(), previous);
        previous = j["elapsed_s"].get<double>();
        sawWarmup |= j["phase"] == "warmup" && j["elapsed_s"].get<double>() < 0;
        sawMeasure |= j["phase"] == "measure";
    }
    EXPECT_TRUE(sawWarmup);
    EXPECT_TRUE(sawMeasure);
    EXPECT_EQ(lines.back()["completed"], 400);
    EXPECT_GT(lines.back()["p50_ms"].get<double>(), 0);
}

TEST(LoadgenOutput, SigintAndSigtermGiveThePartialResult) {
    auto server = startRefServer({});
    for (int signal : {SIGINT, SIGTERM}) {
        TestProcess generator({loadgenPath(), "--url", server.url(), "--rate", "200", "--duration", "20s", "--json"});
        usleep(1'200'000);
        generator.sendSignal(signal);
        const auto code = generator.waitForExit(std::chrono::seconds(5));
        ASSERT_TRUE(code.has_value()) << "did not stop on signal " << signal;
        EXPECT_EQ(*code, 0) << generator.stderrText();
        const auto doc = nlohmann::json::parse(generator.stdoutText(), nullptr, false);
        ASSERT_TRUE(doc.is_object()) << generator.stdoutText();
        EXPECT_EQ(doc["partial"], true);
        EXPECT_GT(doc["duration_s"].get<double>(), 0.8);
        EXPECT_LT(doc["duration_s"].get<double>(), 3.0);
        const auto due = doc["requests"]["due"].get<std::int64_t>();
        EXPECT_NEAR(static_cast<double>(due), 200 * doc["duration_s"].get<double>(), 5);
        EXPECT_EQ(doc["requests"]["completed"].get<std::int64_t>() + doc["requests"]["abandoned"].get<std::int64_t>(),
                  due);
    }
}

TEST(LoadgenOutput, ChunkedAndLargeBodiesAreReadCompletely) {
    for (const std::vector<std::string>& serverArgs :
         {std::vector<std::string>{"--chunked"}, std::vector<std::string>{"--chunked", "--body-bytes", "300000"},
          std::vector<std::string>{"--body-bytes", "1000000"}, std::vector<std::string>{"--body-bytes", "0"}}) {
        auto server = startRefServer(serverArgs);
        const auto run = runLoadgen({"--url", server.url(), "--rate", "100", "--duration", "1s", "--json"});
        ASSERT_EQ(run.exitCode, 0) << run.err;
        EXPECT_EQ(run.json["requests"]["ok"], 100) << serverArgs.back();
        EXPECT_EQ(run.json["errors"]["total"], 0) << serverArgs.back() << run.json["errors"].dump();
        // Keep-alive held: the few connections were reused.
        EXPECT_LT(run.json["requests"]["connections_opened"].get<int>(), 20) << serverArgs.back();
    }
}

TEST(LoadgenOutput, MethodsHeadersAndBodiesAreSent) {
    auto server = startRefServer({});
    TempDir dir;
    { std::ofstream(dir.file("body.json")) << "{\"hello\": \"world\"}"; }
    auto run = runLoadgen({"--url", server.url("/api?x=1"), "--method", "POST", "--header",
                           "Content-Type: application/json", "--header", "X-Run: 1", "--body-file",
                           dir.file("body.json"), "--rate", "100", "--duration", "500ms", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(run.json["method"], "POST");
    EXPECT_EQ(run.json["requests"]["ok"], 50);
    // HEAD: the response announces a body that never comes; the parser must not wait for it.
    run = runLoadgen({"--url", server.url(), "--method", "HEAD", "--rate", "100", "--duration", "500ms", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(run.json["requests"]["ok"], 50);
    EXPECT_EQ(run.json["errors"]["total"], 0);
}

TEST(LoadgenOutput, TextSummaryWithoutJson) {
    auto server = startRefServer({});
    const auto run = runLoadgen({"--url", server.url(), "--rate", "100", "--duration", "500ms"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    for (const char* expected : {"target 100.0 rps", "due 50, sent 50, completed 50", "latency", "service", "lateness"})
        EXPECT_NE(run.out.find(expected), std::string::npos) << expected << "\n" << run.out;
    EXPECT_TRUE(nlohmann::json::parse(run.out, nullptr, false).is_discarded());
}

TEST(RefServer, AnnouncesItsPortAnswersAnyPathAndStopsOnSignals) {
    for (int signal : {SIGTERM, SIGINT}) {
        auto server = startRefServer({"--status", "404", "--delay-ms", "1"});
        EXPECT_GT(server.port, 0);
        for (const char* path : {"/", "/simple", "/complex", "/any/thing?q=1"}) {
            const auto run = runLoadgen({"--url", server.url(path), "--rate", "20", "--duration", "100ms", "--json"});
            EXPECT_EQ(run.json["errors"]["status"]["404"], 2) << path;
        }
        server.process->sendSignal(signal);
        const auto code = server.process->waitForExit(std::chrono::seconds(5));
        ASSERT_TRUE(code.has_value());
        EXPECT_EQ(*code, 0);
    }
    // Bad options are refused with the option's name.
    TestProcess bad({refserverPath(), "--status", "42"});
    EXPECT_EQ(bad.waitForExit(std::chrono::seconds(5)), 2);
    EXPECT_NE(bad.stderrText().find("--status"), std::string::npos) << bad.stderrText();
}

TEST(LoadgenOutput, RealtimeIsUsedWhenAllowedAndOtherwiseAWarning) {
    auto server = startRefServer({});
    const auto run =
        runLoadgen({"--url", server.url(), "--rate", "200", "--duration", "500ms", "--realtime", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    if (run.json["realtime"] == true) {
        EXPECT_EQ(run.err.find("warning"), std::string::npos) << run.err;
    } else {
        // Not root and no CAP_SYS_NICE: measured at normal priority, and said so.
        EXPECT_NE(run.err.find("--realtime: cannot use SCHED_FIFO"), std::string::npos) << run.err;
    }
    EXPECT_EQ(run.json["requests"]["ok"], 100);
}

TEST(LoadgenOutput, AServerThatKeepsUpAchievesTheRequestedRateWithOrWithoutWarmup) {
    // A 50 ms handler: without a warm-up nothing can come back in the window's first 50 ms, which must not read as
    // a 2.5 % shortfall (390 of 400 rps); with one, the warm-up's answers fill that gap.
    auto server = startRefServer({"--delay-ms", "50"});
    for (const std::vector<std::string>& warmup :
         {std::vector<std::string>{}, std::vector<std::string>{"--warmup", "500ms"}}) {
        std::vector<std::string> args{"--url", server.url(), "--rate", "400", "--duration", "2s", "--json"};
        args.insert(args.end(), warmup.begin(), warmup.end());
        const auto run = runLoadgen(args);
        ASSERT_EQ(run.exitCode, 0) << run.err;
        EXPECT_EQ(run.json["requests"]["ok"], 800);
        EXPECT_NEAR(run.json["achieved_rps"].get<double>(), 400, 2) << (warmup.empty() ? "no warm-up" : "warm-up");
    }
}

TEST(LoadgenOutput, BusyPollKeepsTheLoopAwakeAndExcludesRealtime) {
    auto server = startRefServer({});
    const auto run = runLoadgen({"--url", server.url(), "--rate", "100", "--duration", "1s", "--busy-poll", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(run.json["busy_poll"], true);
    EXPECT_EQ(run.json["batch_window_ms"], 0.0); // a loop that never sleeps sends every request at its due time
    EXPECT_EQ(run.json["requests"]["ok"], 100);
    // 100 requests take well under 1 % of a core when the loop sleeps; polling, it is busy the whole second.
    const auto& cpu = run.json["generator_cpu"];
    EXPECT_GT(cpu["user_s"].get<double>() + cpu["system_s"].get<double>(), 0.5 * cpu["wall_s"].get<double>()) << cpu;

    const auto both =
        runLoadgen({"--url", server.url(), "--rate", "10", "--duration", "1s", "--busy-poll", "--realtime", "--json"});
    EXPECT_EQ(both.exitCode, 2);
    EXPECT_NE(both.err.find("--realtime"), std::string::npos) << both.err;
}
