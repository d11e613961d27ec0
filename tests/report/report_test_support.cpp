#include "report_test_support.h"

#include <algorithm>

namespace loadscope::report::test {

namespace {

// A deterministic latency distribution: `count` values spread from base to base * (1 + spread), with 2.5 % of them
// `tail` times slower (no random numbers: the snapshot must not depend on the standard library's distributions).
LatencyHistogram histogram(std::int64_t baseUs, double spread, double tail, int count) {
    LatencyHistogram h;
    for (int i = 0; i < count; ++i) {
        const double position = static_cast<double>((i * 7919) % 1000) / 1000.0;
        auto value = static_cast<std::int64_t>(static_cast<double>(baseUs) * (1.0 + spread * position * position));
        if (i % 40 == 39)
            value = static_cast<std::int64_t>(static_cast<double>(value) * tail);
        h.record(value);
    }
    return h;
}

Step step(const std::string& target, double rps, int repetition, int sequence, std::int64_t baseUs, double tail,
          std::int64_t runStartMs) {
    const std::int64_t startMs = runStartMs + sequence * 12'000;
    Step s;
    s.targetName = target;
    s.scenario = "simple";
    s.requestedRps = rps;
    s.repetition = repetition;
    s.sequence = sequence;
    s.status = StepStatus::Ok;
    s.startedMs = startMs;
    s.durationS = 10;
    s.finishedMs = startMs + 10'000;
    const int count = static_cast<int>(rps * 10);
    s.due = s.sent = s.completed = s.ok = count;
    s.achievedRps = rps * (tail > 4 ? 0.93 : 0.999);
    s.latencyHistogram = histogram(baseUs, 1.5, tail, count);
    s.serviceTimeHistogram = s.latencyHistogram;
    s.latency = s.serviceTime = summarize(*s.latencyHistogram);
    for (int second = 0; second < 10; ++second) {
        TimelinePoint p;
        p.second = second;
        p.sent = p.completed = static_cast<std::int64_t>(rps);
        p.p50Ms = static_cast<double>(baseUs) / 1000.0 * 1.3;
        p.p99Ms = s.latency.p99Ms * (0.8 + 0.04 * second);
        s.timeline.push_back(p);
    }
    return s;
}

Run run(std::int64_t id, const std::string& name, std::int64_t createdMs) {
    Run r;
    r.id = id;
    r.name = name;
    r.createdMs = createdMs;
    r.finishedMs = createdMs + 600'000;
    r.status = RunStatus::Completed;
    r.planJson = R"({"scenario": "simple", "mode": "sweep", "rates": [500, 1000, 1500, 2000], "step_duration": 10,)"
                 R"( "repetitions": 3, "slo": {"p99_max_ms": 20, "max_error_rate": 0.001}})";
    r.environmentJson = R"({"host": "bench-vm", "cpu": "2 x AMD EPYC", "kernel": "6.1.0", "loadscope": "0.1.0"})";
    for (const char* target : {"aiohttp", "tornado"}) {
        TargetSnapshot t;
        t.name = t.displayName = target;
        r.targets.push_back(t);
    }
    return r;
}

} // namespace

std::vector<Run> sampleRuns() {
    Run first = run(1, "aiohttp vs tornado", 1'764'000'000'000);
    int sequence = 0;
    const std::vector<double> rates{500, 1000, 1500, 2000};
    for (int repetition = 1; repetition <= 3; ++repetition)
        for (double rate : rates) {
            // aiohttp: 2-4 ms; its tail grows at 2000. tornado: breaks from 1500 (p99 far above 20 ms).
            const double aiohttpTail = rate >= 2000 ? 3.0 + repetition * 0.1 : 1.5;
            first.steps.push_back(
                step("aiohttp", rate, repetition, ++sequence, 2000 + 10 * repetition, aiohttpTail, first.createdMs));
            const double tornadoTail = rate >= 1500 ? 12.0 + repetition : 2.0;
            first.steps.push_back(
                step("tornado", rate, repetition, ++sequence, 3000 + 10 * repetition, tornadoTail, first.createdMs));
        }
    Run second = run(2, "aiohttp again", 1'764'100'000'000);
    second.targets.resize(1);
    sequence = 0;
    for (double rate : rates)
        second.steps.push_back(step("aiohttp", rate, 1, ++sequence, 2100, rate >= 2000 ? 8.0 : 1.5, second.createdMs));
    return {first, second};
}

} // namespace loadscope::report::test
