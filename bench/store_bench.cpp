// store_bench: fills a results database the size of years of use and times what the GUI and CLI do with it.
//
//   build/release/bin/store_bench [--runs 10000] [--steps 20] [--db PATH] [--keep]
//
// Each step carries both histograms (recorded from 20,000 lognormal latencies around 50 ms), a 60-second timeline
// and short log tails, written through RunStore::insertStep (one transaction per step, as a run writes them).
// Reports the file size, the insert rate, the bytes the histograms take per step, and the times to list and filter
// every run and to load one run with its steps. Goals: list + filter < 50 ms, load a run < 20 ms, <= 4 KiB per step
// for the two histograms. Results are recorded in docs/benchmarks.md.
#include "run_store.h"

#include <CLI/CLI.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <iostream>
#include <random>
#include <unistd.h>

using namespace loadscope;
using Clock = std::chrono::steady_clock;

namespace {

const std::vector<std::string> kTargets{"aiohttp", "aiohttp-uvloop", "tornado", "tornado-uvloop", "starlette"};
const std::vector<std::string> kTags{"baseline", "nightly", "uvloop", "regression", "laptop", "ci"};
const std::vector<std::string> kScenarios{"hello", "json", "upload"};

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double cpuMs() {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Medians of `repeats` runs of `work`: wall-clock and CPU milliseconds. On a shared machine the CPU time is what the
// work itself costs; the wall time adds waiting for a core.
struct Timing {
    double wallMs = 0;
    double cpuMs = 0;
};
Timing median(int repeats, const std::function<void()>& work) {
    std::vector<double> wall;
    std::vector<double> cpu;
    for (int i = 0; i < repeats; ++i) {
        const auto start = Clock::now();
        const double cpuStart = cpuMs();
        work();
        cpu.push_back(cpuMs() - cpuStart);
        wall.push_back(msSince(start));
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

// What a real run stores as its environment: host, CPU, kernel, governor, every version (about 1.5 KB).
std::string environmentJson(int run) {
    std::string json = R"({"host":"bench-)" + std::to_string(run % 3) +
                       R"(","cpu_model":"AMD EPYC 7B13 64-Core Processor","cpus":2,"memory_bytes":8336236544,)"
                       R"("kernel":"Linux 6.1.0-18-cloud-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1","governor":)"
                       R"("performance","python":"3.11.2 (main, Mar 13 2023, 12:18:29) [GCC 12.2.0]","packages":{)";
    const char* packages[] = {
        "aiohttp",    "tornado",   "uvloop",        "starlette",          "uvicorn", "multidict", "yarl",
        "frozenlist", "aiosignal", "async-timeout", "charset-normalizer", "h11",     "anyio"};
    for (const char* package : packages)
        json += std::string("\"") + package + R"(":{"version":"3.8.4","path":"/usr/lib/python3/dist-packages/)" +
                package + "\"},";
    json.back() = '}';
    return json + R"js(,"loadgen":"loadscope-loadgen 0.1.0 (abc1234)","sqlite":"3.40.1"})js";
}

// A step as a load generator would produce it: `samples` latencies, lognormal around 50 ms.
Step makeStepTemplate(std::mt19937_64& rng, int samples) {
    const double sigma = std::uniform_real_distribution<double>(0.2, 0.6)(rng);
    std::lognormal_distribution<double> service(std::log(45'000.0), sigma);
    std::exponential_distribution<double> queueing(1.0 / 5'000.0);
    LatencyHistogram serviceTime;
    LatencyHistogram latency;
    for (int i = 0; i < samples; ++i) {
        const double s = service(rng);
        serviceTime.record(static_cast<std::int64_t>(s));
        latency.record(static_cast<std::int64_t>(s + queueing(rng)));
    }
    Step step;
    step.latency = summarize(latency);
    step.serviceTime = summarize(serviceTime);
    step.latencyHistogram = std::move(latency);
    step.serviceTimeHistogram = std::move(serviceTime);
    std::uniform_int_distribution<int> jitter(-20, 20);
    for (int second = 0; second < 60; ++second) {
        const std::int64_t sent = samples / 60 + jitter(rng);
        step.timeline.push_back({second, sent, sent - 1, second % 17 == 0 ? 1 : 0,
                                 static_cast<double>(45'000 + jitter(rng) * 100) / 1000.0,
                                 static_cast<double>(95'000 + jitter(rng) * 700) / 1000.0});
    }
    step.serverLogTail = "INFO: 127.0.0.1 - \"GET /hello HTTP/1.1\" 200\n"
                         "INFO: 127.0.0.1 - \"GET /hello HTTP/1.1\" 200\n"
                         "WARNING: slow request (212 ms)\n";
    step.generatorLogTail = "loadscope-loadgen: 333 rps for 60 s, 64 connections\n";
    return step;
}

std::uintmax_t fileSize(const std::filesystem::path& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    return ec ? 0 : size;
}

// Averages over the stored blobs, read with plain SQLite (the store has no API for sizes).
void reportBlobSizes(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    auto scalar = [&](const char* sql) {
        sqlite3_stmt* statement = nullptr;
        double value = 0;
        if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
            value = sqlite3_column_double(statement, 0);
        sqlite3_finalize(statement);
        return value;
    };
    std::printf("  histograms per step:   %.0f bytes (latency %.0f + service time %.0f; max %.0f)\n",
                scalar("SELECT avg(length(latency) + length(service_time)) FROM step_histograms"),
                scalar("SELECT avg(length(latency)) FROM step_histograms"),
                scalar("SELECT avg(length(service_time)) FROM step_histograms"),
                scalar("SELECT max(length(latency) + length(service_time)) FROM step_histograms"));
    std::printf("  timeline per step:     %.0f bytes (60 points)\n", scalar("SELECT avg(length(timeline)) FROM steps"));
    sqlite3_close(db);
}

constexpr std::int64_t kDay0 = 1'650'000'000'000;

// Stores `runs` runs of `stepsPerRun` steps the way the runner does (createRun, insertStep per step, updateTarget
// for the knees, finishRun); returns the number of steps.
std::int64_t fillDatabase(const std::filesystem::path& path, int runs, int stepsPerRun, const std::vector<Step>& pool) {
    const auto templates = static_cast<std::int64_t>(pool.size());
    std::int64_t insertedSteps = 0;
    const auto insertStart = Clock::now();
    {
        auto store = RunStore::open(path);
        for (int r = 0; r < runs; ++r) {
            loadscope::Run run;
            run.name = "run " + std::to_string(r) + " " + kTargets[r % kTargets.size()] + " vs " +
                       kTargets[(r + 2) % kTargets.size()];
            run.createdMs = kDay0 + r * 3'600'000LL;
            run.planJson = R"({"scenario":"hello","rates":[100,200,400,800,1600],"duration_s":60})";
            run.environmentJson = environmentJson(r);
            run.notes = r % 7 == 0 ? "after the kernel update" : "";
            run.tags = {kTags[r % kTags.size()]};
            if (r % 3 == 0)
                run.tags.push_back(kTags[(r + 1) % kTags.size()]);
            const int targetCount = 2 + r % 2;
            for (int t = 0; t < targetCount; ++t) {
                TargetSnapshot target;
                target.name = kTargets[(r + 2 * t) % kTargets.size()];
                target.argv = {"/usr/bin/python3", "-m", "server", "--port", "8080"};
                target.versions = "Python 3.11.2";
                run.targets.push_back(target);
            }
            store.createRun(run);
            const std::string& scenario = kScenarios[r % kScenarios.size()];
            for (int s = 0; s < stepsPerRun; ++s) {
                Step step = pool[static_cast<std::size_t>(insertedSteps % templates)];
                step.runId = run.id;
                step.targetId = run.targets[static_cast<std::size_t>(s % targetCount)].id;
                step.scenario = scenario;
                step.requestedRps = 100.0 * (1 << (s / targetCount % 5));
                step.repetition = 1 + s / (targetCount * 5);
                step.sequence = s;
                step.startedMs = run.createdMs + s * 65'000LL;
                step.finishedMs = step.startedMs + 62'000;
                step.durationS = 60;
                step.achievedRps = step.requestedRps * 0.99;
                step.due = step.sent = static_cast<std::int64_t>(step.requestedRps * 60);
                step.completed = step.ok = step.sent - 3;
                step.errors.status = {{503, 3}};
                step.server = {48.5, 80 << 20, 3, 1200, 45};
                step.generatorCpuPercent = 12;
                store.insertStep(step);
                ++insertedSteps;
            }
            for (auto& target : run.targets) {
                target.kneeRps = 800;
                store.updateTarget(target);
            }
            store.finishRun(run.id, r % 11 == 0 ? RunStatus::Failed : RunStatus::Completed,
                            run.createdMs + stepsPerRun * 65'000LL);
            if ((r + 1) % 1000 == 0) {
                std::printf("  %d runs stored, %.0f steps/s\n", r + 1,
                            static_cast<double>(insertedSteps) / (msSince(insertStart) / 1000.0));
                std::fflush(stdout);
            }
        }
    }
    return insertedSteps;
}

// Times what History and `loadscope list/show` do, on a fresh read-only connection.
void timeReads(const std::filesystem::path& path, std::mt19937_64& rng) {
    // Reading, as the GUI does: a read-only connection opened fresh.
    auto reader = RunStore::open(path, RunStore::OpenMode::ReadOnly);
    std::printf("read (medians of 7 or 21 tries, read-only connection):\n");
    std::printf("  %-44s %9s %9s\n", "", "wall", "cpu");
    auto report = [](const char* what, Timing t, const std::string& extra) {
        std::printf("  %-44s %6.2f ms %6.2f ms  %s\n", what, t.wallMs, t.cpuMs, extra.c_str());
    };
    auto timeList = [&](const char* what, const RunFilter& filter) {
        std::size_t rows = 0;
        const Timing t = median(7, [&] { rows = reader.listRuns(filter).size(); });
        report(what, t, "(" + std::to_string(rows) + " runs)");
    };
    timeList("list all runs, newest first", {});
    RunFilter byText;
    byText.text = "uvloop";
    timeList("filter text \"uvloop\"", byText);
    RunFilter byTwoWords;
    byTwoWords.text = "tornado kernel";
    timeList("filter text \"tornado kernel\"", byTwoWords);
    RunFilter byStatus;
    byStatus.status = RunStatus::Failed;
    timeList("filter status failed", byStatus);
    RunFilter byTarget;
    byTarget.target = "starlette";
    timeList("filter target starlette", byTarget);
    RunFilter byTag;
    byTag.tag = "nightly";
    timeList("filter tag nightly", byTag);
    RunFilter byDate;
    byDate.createdFromMs = kDay0 + 1000 * 3'600'000LL;
    byDate.createdToMs = kDay0 + 1720 * 3'600'000LL;
    timeList("filter one month", byDate);
    RunFilter byName;
    byName.sortBy = RunFilter::SortBy::Name;
    byName.descending = false;
    timeList("list all runs sorted by name", byName);
    RunFilter page;
    page.text = "aiohttp";
    page.limit = 50;
    page.offset = 100;
    // (Each timing is taken before the text that reports its count is built.)
    int counted = 0;
    const Timing pageTiming = median(7, [&] {
        reader.listRuns(page);
        counted = reader.countRuns(page);
    });
    report("page of 50 + count, text \"aiohttp\"", pageTiming, "(" + std::to_string(counted) + " matching)");

    std::uniform_int_distribution<std::int64_t> pick(1, reader.countRuns());
    std::size_t stepCount = 0;
    const Timing loadTiming = median(21, [&] { stepCount = reader.loadRun(pick(rng))->steps.size(); });
    report("load a run with its steps", loadTiming, "(" + std::to_string(stepCount) + " steps)");
    report("load a run, steps and all histograms",
           median(21,
                  [&] {
                      auto run = reader.loadRun(pick(rng));
                      reader.loadHistograms(run->steps);
                  }),
           "");
    report("load a run and merge one rate's repetitions",
           median(21,
                  [&] {
                      const auto run = reader.loadRun(pick(rng));
                      std::vector<std::int64_t> ids;
                      for (const auto& step : run->steps)
                          if (step.requestedRps == run->steps.front().requestedRps)
                              ids.push_back(step.id);
                      reader.mergedHistograms(ids);
                  }),
           "");
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Fill a Loadscope results database and time listing, filtering and loading runs"};
    int runs = 10'000;
    int stepsPerRun = 20;
    int samples = 20'000;
    int templates = 64;
    std::string dbPath;
    bool keep = false;
    bool readOnly = false;
    app.add_option("--runs", runs, "runs to store")->check(CLI::PositiveNumber);
    app.add_option("--steps", stepsPerRun, "steps per run")->check(CLI::PositiveNumber);
    app.add_option("--samples", samples, "latencies recorded into each step's histograms")->check(CLI::PositiveNumber);
    app.add_option("--templates", templates, "distinct histogram pairs to cycle through")->check(CLI::PositiveNumber);
    app.add_option("--db", dbPath, "database file to create (default: a temporary file, deleted afterwards)");
    app.add_flag("--keep", keep, "keep the database file");
    app.add_flag("--read-only", readOnly, "only time the reads, on the existing --db filled by an earlier --keep run");
    CLI11_PARSE(app, argc, argv);

    const std::filesystem::path path = dbPath.empty()
                                           ? std::filesystem::temp_directory_path() /
                                                 ("loadscope-store-bench-" + std::to_string(::getpid()) + ".sqlite")
                                           : std::filesystem::path(dbPath);
    if (readOnly && dbPath.empty()) {
        std::cerr << "store_bench: --read-only needs --db\n";
        return 2;
    }
    if (!readOnly && std::filesystem::exists(path)) {
        std::cerr << "store_bench: " << path << " exists; give a new file with --db (or add --read-only)\n";
        return 2;
    }
    try {
        std::mt19937_64 rng(2024);
        if (!readOnly) {
            std::printf("store_bench: %d runs x %d steps, %d latencies per histogram, into %s\n", runs, stepsPerRun,
                        samples, path.c_str());
            // Recording 2 x 20,000 values for each of 200,000 steps would take longer than storing them: a pool of
            // distinct steps is cycled (the store's cost depends on the sizes, which the pool has realistically).
            std::vector<Step> pool;
            for (int i = 0; i < templates; ++i)
                pool.push_back(makeStepTemplate(rng, samples));
            const auto insertStart = Clock::now();
            const std::int64_t insertedSteps = fillDatabase(path, runs, stepsPerRun, pool);
            const double insertS = msSince(insertStart) / 1000.0;
            std::filesystem::path wal = path;
            wal += "-wal";
            std::printf("insert: %lld steps in %.1f s = %.0f steps/s (one transaction per step)\n",
                        static_cast<long long>(insertedSteps), insertS, static_cast<double>(insertedSteps) / insertS);
            std::printf("file:   %.1f MiB (%.1f KiB per step; -wal %.1f MiB)\n",
                        static_cast<double>(fileSize(path)) / 1048576.0,
                        static_cast<double>(fileSize(path)) / 1024.0 / static_cast<double>(insertedSteps),
                        static_cast<double>(fileSize(wal)) / 1048576.0);
            reportBlobSizes(path);
        } else {
            std::printf("store_bench: timing reads of %s (%.1f MiB)\n", path.c_str(),
                        static_cast<double>(fileSize(path)) / 1048576.0);
        }
        timeReads(path, rng);
    } catch (const std::exception& e) {
        std::cerr << "store_bench: " << e.what() << "\n";
        return 1;
    }
    if (!readOnly && !keep) { // only what this run created; an existing database (--read-only) is never removed
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path.string() + suffix, ec);
    }
    return 0;
}
