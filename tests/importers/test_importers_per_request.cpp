// vegeta, k6 and phout files of many requests, generated here: the imported histogram gives exactly the percentiles
// computed from the per-request values (within LatencyHistogram's 0.1 %, and equal to recording them directly), and
// the counts and timeline add up even when lines arrive out of order.
#include "format_registry.h"
#include "importer_test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <sstream>

using namespace loadscope;
using namespace loadscope::importers;
using loadscope::importers::test::exactPercentile;
using loadscope::importers::test::TempDir;

namespace {

struct Request {
    std::int64_t startUs;
    std::int64_t latencyUs;
    int status; // 0: no response (timeout)
};

// 50,000 requests at 1000 req/s, log-normal latencies around 2 ms with a tail, 1 % 503s, 0.2 % timeouts; lines
// jittered so that some arrive a few seconds late.
std::vector<Request> makeRequests() {
    std::mt19937_64 random(42);
    std::lognormal_distribution<double> latency(std::log(2000.0), 0.6);
    std::uniform_real_distribution<double> unit(0, 1);
    std::vector<Request> requests;
    const std::int64_t t0 = 1'700'000'000'000'000;
    for (int i = 0; i < 50'000; ++i) {
        Request r{t0 + i * 1000, static_cast<std::int64_t>(latency(random)), 200};
        const double u = unit(random);
        if (u < 0.002)
            r.status = 0;
        else if (u < 0.012)
            r.status = 503;
        if (unit(random) < 0.001)
            r.latencyUs *= 200; // the tail
        requests.push_back(r);
    }
    // Out of order: swap a few lines up to 9 seconds apart.
    for (int i = 0; i < 200; ++i) {
        const auto a = static_cast<std::size_t>(unit(random) * (requests.size() - 9000));
        std::swap(requests[a], requests[a + static_cast<std::size_t>(unit(random) * 9000)]);
    }
    return requests;
}

std::string vegetaCsv(const std::vector<Request>& requests) {
    std::string out;
    char line[256];
    for (const auto& r : requests) {
        std::snprintf(line, sizeof line, "%lld,%d,%lld,0,13,%s,SGVsbG8=,,0,GET,http://127.0.0.1:8080/,\n",
                      static_cast<long long>(r.startUs * 1000), r.status, static_cast<long long>(r.latencyUs * 1000),
                      r.status == 0 ? "\"Get \"\"http://127.0.0.1:8080/\"\": context deadline exceeded\"" : "");
        out += line;
    }
    return out;
}

std::string vegetaJson(const std::vector<Request>& requests) {
    std::string out;
    char line[512];
    for (const auto& r : requests) {
        const std::time_t seconds = r.startUs / 1'000'000;
        std::tm tm{};
        gmtime_r(&seconds, &tm);
        char date[32];
        std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
        std::snprintf(line, sizeof line,
                      "{\"attack\":\"\",\"seq\":0,\"code\":%d,\"timestamp\":\"%s.%06lldZ\",\"latency\":%lld,"
                      "\"bytes_out\":0,\"bytes_in\":13,\"error\":\"%s\",\"body\":null,\"method\":\"GET\","
                      "\"url\":\"http://127.0.0.1:8080/\",\"headers\":null}\n",
                      r.status, date, static_cast<long long>(r.startUs % 1'000'000),
                      static_cast<long long>(r.latencyUs * 1000), r.status == 0 ? "request timeout" : "");
        out += line;
    }
    return out;
}

std::string phout(const std::vector<Request>& requests) {
    std::string out;
    char line[256];
    for (const auto& r : requests) {
        // phout keeps milliseconds of the start time: the test's starts are whole milliseconds.
        std::snprintf(line, sizeof line, "%lld.%03lld\t#0\t%lld\t10\t5\t%lld\t5\t%lld\t100\t200\t%d\t%d\n",
                      static_cast<long long>(r.startUs / 1'000'000),
                      static_cast<long long>(r.startUs % 1'000'000 / 1000), static_cast<long long>(r.latencyUs),
                      static_cast<long long>(r.latencyUs / 2), static_cast<long long>(r.latencyUs),
                      r.status == 0 ? 110 : 0, r.status);
        out += line;
    }
    return out;
}

std::string k6Csv(const std::vector<Request>& requests) {
    std::string out = "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,"
                      "proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata\n";
    char line[512];
    for (const auto& r : requests) {
        std::snprintf(line, sizeof line,
                      "http_reqs,%lld,1.000000,,,,true,,GET,u,HTTP/1.1,default,,%d,,,http://127.0.0.1:8080/,,\n"
                      "http_req_duration,%lld,%lld.%03lld,,%s,%s,true,,GET,u,HTTP/1.1,default,,%d,,,"
                      "http://127.0.0.1:8080/,,\n",
                      static_cast<long long>(r.startUs / 1'000'000), r.status,
                      static_cast<long long>(r.startUs / 1'000'000), static_cast<long long>(r.latencyUs / 1000),
                      static_cast<long long>(r.latencyUs % 1000), r.status == 0 ? "request timeout" : "",
                      r.status == 0 ? "1050" : "", r.status);
        out += line;
    }
    return out;
}

void expectExact(const Step& step, const std::vector<Request>& requests) {
    std::vector<std::int64_t> latencies;
    LatencyHistogram direct;
    std::int64_t ok = 0, failed503 = 0, timeouts = 0;
    for (const auto& r : requests) {
        if (r.status == 0) {
            ++timeouts;
            continue;
        }
        latencies.push_back(r.latencyUs);
        direct.record(r.latencyUs);
        (r.status == 503 ? failed503 : ok) += 1;
    }
    std::sort(latencies.begin(), latencies.end());
    ASSERT_TRUE(step.latencyHistogram);
    const auto& h = *step.latencyHistogram;
    EXPECT_EQ(h, direct);
    EXPECT_EQ(h.count(), static_cast<std::int64_t>(latencies.size()));
    EXPECT_EQ(h.min(), latencies.front());
    EXPECT_EQ(h.max(), latencies.back());
    for (double p : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99}) {
        const auto exact = exactPercentile(latencies, p);
        EXPECT_NEAR(static_cast<double>(h.valueAtPercentile(p)), static_cast<double>(exact),
                    static_cast<double>(exact) * 0.001 + 1)
            << "p" << p;
    }
    EXPECT_EQ(step.sent, static_cast<std::int64_t>(requests.size()));
    EXPECT_EQ(step.ok, ok);
    EXPECT_EQ(step.errors.status.at(503), failed503);
    EXPECT_EQ(step.errors.timeout, timeouts);
    std::int64_t timelineSent = 0, timelineErrors = 0;
    for (const auto& point : step.timeline) {
        timelineSent += point.sent;
        timelineErrors += point.errors;
    }
    EXPECT_EQ(timelineSent, step.sent);
    EXPECT_EQ(timelineErrors, failed503 + timeouts);
    EXPECT_EQ(step.timeline.size(), 50u);
    EXPECT_EQ(step.timeline.front().second, 0);
    EXPECT_EQ(step.timeline.back().second, 49);
}

std::vector<ImportedStep> import(const std::filesystem::path& path, FileFormat expected) {
    const auto format = detectFormat(path);
    EXPECT_EQ(format, expected);
    return importFile(path, format);
}

} // namespace

TEST(ImportPerRequest, VegetaCsvPercentilesAreExact) {
    const TempDir dir;
    const auto requests = makeRequests();
    const auto steps = import(dir.file("results.csv", vegetaCsv(requests)), FileFormat::VegetaCsv);
    ASSERT_EQ(steps.size(), 1u);
    expectExact(steps[0].step, requests);
    ASSERT_TRUE(steps[0].measuredRps);
    EXPECT_NEAR(*steps[0].measuredRps, 1000, 1);
}

TEST(ImportPerRequest, VegetaJsonPercentilesAreExact) {
    const TempDir dir;
    const auto requests = makeRequests();
    const auto steps = import(dir.file("results.json", vegetaJson(requests)), FileFormat::VegetaJson);
    ASSERT_EQ(steps.size(), 1u);
    expectExact(steps[0].step, requests);
}

TEST(ImportPerRequest, PhoutPercentilesAreExact) {
    const TempDir dir;
    const auto requests = makeRequests();
    const auto steps = import(dir.file("phout.log", phout(requests)), FileFormat::Phout);
    ASSERT_EQ(steps.size(), 1u);
    expectExact(steps[0].step, requests);
}

TEST(ImportPerRequest, K6CsvPercentilesAreExact) {
    const TempDir dir;
    const auto requests = makeRequests();
    const auto steps = import(dir.file("k6.csv", k6Csv(requests)), FileFormat::K6Csv);
    ASSERT_EQ(steps.size(), 1u);
    expectExact(steps[0].step, requests);
}
