// Import speed of per-request result files (docs/benchmarks.md, "Import"): writes a phout or vegeta CSV file of N
// requests (10,000 req/s, log-normal latencies) unless --file is given, imports it with the importers library as
// `loadscope import` does (detection, parsing, SHA-256, histogram and timeline), and prints requests per second of
// CPU time and the peak resident memory, which must not grow with N.
//   build/release/bin/import_bench --format phout --requests 10000000
#include "format_registry.h"

#include <CLI/CLI.hpp>

#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

using namespace loadscope::importers;

namespace {

double cpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double wallSeconds() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

long peakRssKb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

void writeFile(const std::string& format, long long requests, const std::string& path) {
    std::FILE* out = std::fopen(path.c_str(), "w");
    if (!out)
        throw std::runtime_error("cannot write " + path);
    std::mt19937_64 random(1);
    std::lognormal_distribution<double> latency(std::log(2000.0), 0.6);
    std::vector<long long> latencies(4096);
    for (auto& l : latencies)
        l = static_cast<long long>(latency(random));
    const long long t0 = 1'700'000'000'000'000;
    for (long long i = 0; i < requests; ++i) {
        const long long start = t0 + i * 100;
        const long long l = latencies[static_cast<std::size_t>(i & 4095)];
        if (format == "phout")
            std::fprintf(out, "%lld.%03lld\t#0\t%lld\t10\t5\t%lld\t5\t%lld\t100\t200\t0\t200\n", start / 1'000'000,
                         start / 1000 % 1000, l, l / 2, l);
        else
            std::fprintf(out, "%lld,200,%lld,0,13,,,,%lld,GET,http://127.0.0.1:8080/,\n", start * 1000, l * 1000, i);
    }
    std::fclose(out);
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"Import speed of per-request result files"};
    std::string format = "phout", file;
    long long requests = 10'000'000;
    app.add_option("--format", format, "phout or vegeta (CSV)")->check(CLI::IsMember({"phout", "vegeta"}));
    app.add_option("--requests", requests, "Requests in the generated file")->check(CLI::Range(1LL, 1'000'000'000LL));
    app.add_option("--file", file, "Import this file instead of generating one (kept)");
    CLI11_PARSE(app, argc, argv);

    bool generated = false;
    if (file.empty()) {
        file = (std::filesystem::temp_directory_path() / ("import_bench." + format)).string();
        std::fprintf(stderr, "writing %lld requests to %s...\n", requests, file.c_str());
        writeFile(format, requests, file);
        generated = true;
    }
    const long rssBefore = peakRssKb();
    const double cpu0 = cpuSeconds(), wall0 = wallSeconds();
    const auto steps = importFile(file, detectFormat(file));
    const double cpu = cpuSeconds() - cpu0, wall = wallSeconds() - wall0;
    const auto bytes = std::filesystem::file_size(file);
    const auto sent = steps.at(0).step.sent;
    std::printf("%s: %lld requests, %.0f MB in %.2f s CPU (%.2f s wall): %.2f M requests/s of CPU, %.0f MB/s; "
                "p99 %.3f ms; peak RSS %ld MB (%ld MB before the import)\n",
                format.c_str(), static_cast<long long>(sent), static_cast<double>(bytes) / 1e6, cpu, wall,
                static_cast<double>(sent) / cpu / 1e6, static_cast<double>(bytes) / 1e6 / cpu,
                steps.at(0).step.latency.p99Ms, peakRssKb() / 1024, rssBefore / 1024);
    if (generated)
        std::filesystem::remove(file);
    return 0;
}
