// loadscope-ui-fixture-db FILE [RUNS]: fills FILE with a realistic seed-like comparison (6 targets x 11 rates x 3
// repetitions, 20 s steps) and, with RUNS > 1, that many smaller runs besides (for History benchmarks).
#include "ui_fixture.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace loadscope;
using namespace loadscope::test;

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: loadscope-ui-fixture-db FILE [RUNS]\n");
        return 2;
    }
    const int runs = argc == 3 ? std::atoi(argv[2]) : 1;
    if (runs < 1) {
        std::fprintf(stderr, "RUNS: expected a positive number\n");
        return 2;
    }
    try {
        RunStore store = RunStore::open(argv[1]);
        const auto start = std::chrono::steady_clock::now();
        for (int i = 1; i < runs; ++i) {
            FixtureRunSpec small;
            small.name = "history filler " + std::to_string(i);
            small.targets = {{i % 2 ? "aiohttp" : "tornado-gen", 1500.0 + i % 900}, {"refserver", 9000}};
            small.rates = {500, 1000, 1500};
            small.repetitions = 1;
            small.stepSeconds = 1;
            small.maxSamplesPerStep = 200;
            small.seed = static_cast<unsigned>(i);
            small.createdMs = 1'650'000'000'000 + static_cast<std::int64_t>(i) * 600'000;
            small.tags = {i % 3 ? "nightly" : "manual"};
            small.status = i % 17 == 0 ? RunStatus::CompletedWithFailures : RunStatus::Completed;
            addFixtureRun(store, small);
        }
        FixtureRunSpec seed;
        seed.name = "seed-simple (synthetic)";
        seed.targets = {{"aiohttp-uvloop", 2700},       {"aiohttp", 2000},
                        {"tornado-async-uvloop", 1750}, {"tornado-async", 1400},
                        {"tornado-gen-uvloop", 1600},   {"tornado-gen", 1250}};
        seed.rates = {500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500, 2750, 3000};
        seed.stepSeconds = 20;
        seed.stopRule = true;
        seed.createdMs = 1'700'000'000'000;
        seed.tags = {"seed", "synthetic"};
        const std::int64_t id = addFixtureRun(store, seed);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("%s: %d run(s), the seed-like run is %lld (%.1f s)\n", argv[1], runs, static_cast<long long>(id),
                    seconds);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
