#include "store_test_support.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace loadscope::test {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "loadscope-db-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("cannot create a temporary folder");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

Run sampleRun(const std::string& name) {
    Run run;
    run.name = name;
    run.createdMs = 1'700'000'000'123;
    run.planJson = R"({"scenario":"hello","rates":[100,200],"duration_s":10})";
    run.environmentJson = R"({"host":"bench-1","cpus":2})";
    run.notes = "first line\nsecond line with ünïcödé";
    run.tags = {"baseline", "uvloop"};
    TargetSnapshot a;
    a.name = "aiohttp";
    a.displayName = "aiohttp 3.8 (uvloop)";
    a.argv = {"/usr/bin/python3", "-m", "aiohttp_server", "--port", "8080"};
    a.env = {{"PYTHONUNBUFFERED", "1"}, {"LOOP", "uvloop"}};
    a.versions = "aiohttp 3.8.4 / Python 3.11.2";
    a.tags = {"asyncio"};
    a.kneeRps = 4200.5;
    TargetSnapshot b;
    b.name = "tornado";
    b.displayName = "Tornado 6.2";
    b.argv = {"/usr/bin/python3", "tornado_server.py"};
    b.versions = "tornado 6.2";
    run.targets = {a, b};
    return run;
}

Step sampleStep(const Run& run, const std::string& targetName, double rate, int repetition, int seed) {
    std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
    std::lognormal_distribution<double> latency(std::log(20'000.0), 0.5);
    Step s;
    s.runId = run.id;
    s.targetName = targetName;
    s.scenario = "hello";
    s.requestedRps = rate;
    s.repetition = repetition;
    s.sequence = seed;
    s.status = seed % 3 == 0 ? StepStatus::Failed : StepStatus::Ok;
    s.statusMessage = seed % 3 == 0 ? "server exited with code 1" : "";
    s.startedMs = run.createdMs + seed * 11'000;
    s.finishedMs = s.startedMs + 10'500;
    s.durationS = 10.0 + seed * 0.001;
    s.achievedRps = rate * 0.987 + seed;
    s.due = 1000 + seed;
    s.sent = 990 + seed;
    s.completed = 980 + seed;
    s.ok = 970 + seed;
    s.waited = 3 + seed;
    s.peakInFlight = 17 + seed;
    s.errors.connect = 1 + seed;
    s.errors.read = 2 + seed;
    s.errors.timeout = 3 + seed;
    s.errors.status = {{404, 4 + seed}, {503, 5 + seed}};
    s.latenessP50Ms = 0.125 + seed;
    s.latenessP99Ms = 1.5 + seed;
    s.latenessMaxMs = 7.25 + seed;
    s.server = {55.5 + seed, 123'456'789 + seed, 4 + seed, 1000 + seed, 20 + seed};
    s.generatorCpuPercent = 12.75 + seed;
    s.flags.generatorLimited = seed % 2 == 0;
    s.flags.connectionLimited = seed % 2 == 1;
    s.flags.sloViolated = true;
    s.flags.serverRestarted = seed % 4 == 0;
    s.flags.reason = "p99 14.2 ms > SLO 10 ms";
    LatencyHistogram corrected;
    LatencyHistogram service;
    for (int i = 0; i < 2000; ++i) {
        const auto value = static_cast<std::int64_t>(latency(rng));
        service.record(value);
        corrected.record(value + 150);
    }
    s.latencyHistogram = corrected;
    s.serviceTimeHistogram = service;
    s.latency = summarize(corrected);
    s.serviceTime = summarize(service);
    for (int second = 0; second < 10; ++second)
        s.timeline.push_back({second, 100 + second, 99 + second, second % 2, 20.123 + second, 48.5 + second / 3.0});
    s.serverLogTail = "INFO started\nERROR boom " + std::to_string(seed) + "\n";
    s.generatorLogTail = "loadgen: " + std::to_string(rate) + " rps\n";
    return s;
}

Step distinctStep(const Run& run, const std::string& targetName) {
    Step s;
    s.runId = run.id;
    s.targetName = targetName;
    s.scenario = "distinct-scenario";
    s.requestedRps = 101.5;
    s.repetition = 2;
    s.sequence = 3;
    s.status = StepStatus::Failed;
    s.statusMessage = "distinct status message";
    s.startedMs = 1'700'000'004'000;
    s.finishedMs = 1'700'000'005'000;
    s.durationS = 6.25;
    s.achievedRps = 7.5;
    s.due = 8;
    s.sent = 9;
    s.completed = 10;
    s.ok = 11;
    s.waited = 12;
    s.peakInFlight = 13;
    s.errors.connect = 14;
    s.errors.read = 15;
    s.errors.timeout = 16;
    s.errors.status = {{404, 17}, {503, 18}};
    s.latenessP50Ms = 19.25;
    s.latenessP99Ms = 20.25;
    s.latenessMaxMs = 21.25;
    s.server = {22.5, 23'000'000, 24, 25, 26};
    s.generatorCpuPercent = 27.5;
    s.flags = {true, false, true, false, "distinct flag reason"};
    LatencyHistogram corrected;
    LatencyHistogram service;
    for (std::int64_t us = 1000; us <= 50'000; us += 7) {
        corrected.record(us + 2'000);
        service.record(us);
    }
    s.latencyHistogram = corrected;
    s.serviceTimeHistogram = service;
    s.latency = {28, 29.5, 30.5, 31.5, 32.5, 33.5, 34.5, 35.5, 36.5, 37.5, 38.5};
    s.serviceTime = {39, 40.5, 41.5, 42.5, 43.5, 44.5, 45.5, 46.5, 47.5, 48.5, 49.5};
    s.timeline = {{0, 50, 51, 52, 53.5, 54.5}, {1, 55, 56, 57, 58.5, 59.5}, {2, 60, 61, 62, 63.5, 64.5}};
    s.serverLogTail = "distinct server log\n";
    s.generatorLogTail = "distinct generator log\n";
    s.profile = StepProfile{"perf", 65.5, "main;work 66\n"};
    return s;
}

StoreWithRun::StoreWithRun(const std::string& name)
    : store(RunStore::open(dir.file("runs.sqlite")))
    , run(sampleRun(name)) {
    store.createRun(run);
}

std::string paddingText(std::size_t bytes, int seed) {
    std::string text;
    text.reserve(bytes);
    for (int line = 0; text.size() < bytes; ++line)
        text += "worker " + std::to_string(seed) + " handled request " + std::to_string(line) + " in 3 ms\n";
    text.resize(bytes);
    return text;
}

namespace {

class Differences {
public:
    template <typename T> void check(const char* field, const T& expected, const T& actual) {
        if (first_.empty() && !(expected == actual)) {
            std::ostringstream out;
            out << field << " differs";
            if constexpr (requires(std::ostream & o, const T& v) { o << v; })
                out << ": expected " << expected << ", got " << actual;
            first_ = out.str();
        }
    }
    std::string result() const { return first_; }

private:
    std::string first_;
};

bool sameSummary(const LatencySummary& a, const LatencySummary& b) {
    return a.count == b.count && a.p50Ms == b.p50Ms && a.p75Ms == b.p75Ms && a.p90Ms == b.p90Ms && a.p95Ms == b.p95Ms &&
           a.p99Ms == b.p99Ms && a.p999Ms == b.p999Ms && a.p9999Ms == b.p9999Ms && a.maxMs == b.maxMs &&
           a.meanMs == b.meanMs && a.minMs == b.minMs;
}

} // namespace

std::string differenceBetween(const Step& e, const Step& a) {
    Differences d;
    d.check("targetName", e.targetName, a.targetName);
    d.check("scenario", e.scenario, a.scenario);
    d.check("requestedRps", e.requestedRps, a.requestedRps);
    d.check("repetition", e.repetition, a.repetition);
    d.check("sequence", e.sequence, a.sequence);
    d.check("status", toString(e.status), toString(a.status));
    d.check("statusMessage", e.statusMessage, a.statusMessage);
    d.check("startedMs", e.startedMs, a.startedMs);
    d.check("finishedMs", e.finishedMs, a.finishedMs);
    d.check("durationS", e.durationS, a.durationS);
    d.check("achievedRps", e.achievedRps, a.achievedRps);
    d.check("due", e.due, a.due);
    d.check("sent", e.sent, a.sent);
    d.check("completed", e.completed, a.completed);
    d.check("ok", e.ok, a.ok);
    d.check("waited", e.waited, a.waited);
    d.check("peakInFlight", e.peakInFlight, a.peakInFlight);
    d.check("errors.connect", e.errors.connect, a.errors.connect);
    d.check("errors.read", e.errors.read, a.errors.read);
    d.check("errors.timeout", e.errors.timeout, a.errors.timeout);
    d.check("errors.status", e.errors.status == a.errors.status, true);
    d.check("latenessP50Ms", e.latenessP50Ms, a.latenessP50Ms);
    d.check("latenessP99Ms", e.latenessP99Ms, a.latenessP99Ms);
    d.check("latenessMaxMs", e.latenessMaxMs, a.latenessMaxMs);
    d.check("server.cpuPercent", e.server.cpuPercent, a.server.cpuPercent);
    d.check("server.peakRssBytes", e.server.peakRssBytes, a.server.peakRssBytes);
    d.check("server.threads", e.server.threads, a.server.threads);
    d.check("server.voluntaryContextSwitches", e.server.voluntaryContextSwitches, a.server.voluntaryContextSwitches);
    d.check("server.involuntaryContextSwitches", e.server.involuntaryContextSwitches,
            a.server.involuntaryContextSwitches);
    d.check("generatorCpuPercent", e.generatorCpuPercent, a.generatorCpuPercent);
    d.check("flags.generatorLimited", e.flags.generatorLimited, a.flags.generatorLimited);
    d.check("flags.connectionLimited", e.flags.connectionLimited, a.flags.connectionLimited);
    d.check("flags.sloViolated", e.flags.sloViolated, a.flags.sloViolated);
    d.check("flags.serverRestarted", e.flags.serverRestarted, a.flags.serverRestarted);
    d.check("flags.reason", e.flags.reason, a.flags.reason);
    d.check("latency (summary)", sameSummary(e.latency, a.latency), true);
    d.check("serviceTime (summary)", sameSummary(e.serviceTime, a.serviceTime), true);
    d.check("timeline", e.timeline == a.timeline, true);
    d.check("serverLogTail", e.serverLogTail, a.serverLogTail);
    d.check("generatorLogTail", e.generatorLogTail, a.generatorLogTail);
    d.check("latencyHistogram", e.latencyHistogram == a.latencyHistogram, true);
    d.check("serviceTimeHistogram", e.serviceTimeHistogram == a.serviceTimeHistogram, true);
    return d.result();
}

std::string differenceBetween(const Run& e, const Run& a) {
    Differences d;
    d.check("name", e.name, a.name);
    d.check("createdMs", e.createdMs, a.createdMs);
    d.check("finishedMs", e.finishedMs, a.finishedMs);
    d.check("status", toString(e.status), toString(a.status));
    d.check("planJson", e.planJson, a.planJson);
    d.check("environmentJson", e.environmentJson, a.environmentJson);
    d.check("notes", e.notes, a.notes);
    d.check("tags", e.tags == a.tags, true);
    d.check("targets.size", e.targets.size(), a.targets.size());
    for (std::size_t i = 0; i < std::min(e.targets.size(), a.targets.size()); ++i) {
        const auto& x = e.targets[i];
        const auto& y = a.targets[i];
        d.check("target.name", x.name, y.name);
        d.check("target.displayName", x.displayName, y.displayName);
        d.check("target.argv", x.argv == y.argv, true);
        d.check("target.env", x.env == y.env, true);
        d.check("target.versions", x.versions, y.versions);
        d.check("target.tags", x.tags == y.tags, true);
        d.check("target.kneeRps", x.kneeRps == y.kneeRps, true);
    }
    d.check("steps.size", e.steps.size(), a.steps.size());
    std::string result = d.result();
    for (std::size_t i = 0; result.empty() && i < std::min(e.steps.size(), a.steps.size()); ++i) {
        const std::string step = differenceBetween(e.steps[i], a.steps[i]);
        if (!step.empty())
            result = "steps[" + std::to_string(i) + "]." + step;
    }
    return result;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

void writeFile(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

} // namespace loadscope::test
