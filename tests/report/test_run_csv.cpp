// The CSV export (report/run_csv.cpp over db/step_fields.h): the header is the documented one (docs/cli.md), and each
// value of a step whose fields all differ sits under its own header.
#include "run_csv.h"
#include "step_fields.h"
#include "store_test_support.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

using namespace loadscope;

namespace {

std::vector<std::string> splitCsvLine(const std::string& line) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"')
            cells.back() += line[++i];
        else if (c == '"')
            quoted = !quoted;
        else if (c == ',' && !quoted)
            cells.emplace_back();
        else
            cells.back() += c;
    }
    return cells;
}

} // namespace

TEST(RunCsv, TheHeaderIsTheDocumentedOneAndComesFromTheTable) {
    const std::string documented =
        "run_id,run_name,sequence,target,scenario,requested_rps,repetition,status,status_message,started,duration_s,"
        "achieved_rps,due,sent,completed,ok,waited,peak_in_flight,errors_total,errors_connect,errors_read,"
        "errors_timeout,errors_status,p50_ms,p75_ms,p90_ms,p95_ms,p99_ms,p999_ms,p9999_ms,max_ms,mean_ms,"
        "service_p50_ms,service_p99_ms,service_max_ms,lateness_p50_ms,lateness_p99_ms,lateness_max_ms,"
        "server_cpu_percent,server_peak_rss_bytes,server_threads,server_voluntary_ctx,server_involuntary_ctx,"
        "generator_cpu_percent,flags,flag_reason";
    std::string fromTable;
    for (const auto& column : stepCsvColumns()) {
        fromTable += (fromTable.empty() ? "" : ",") + std::string(column.header);
        if (column.source == StepCsvSource::Field) {
            EXPECT_NE(stepFieldByJson(column.field), nullptr) << column.header << " shows " << column.field;
        }
    }
    EXPECT_EQ(fromTable, documented);
    EXPECT_EQ(runToCsv(test::sampleRun()), documented + "\n");
}

TEST(RunCsv, EachValueOfADistinctStepIsUnderItsOwnHeader) {
    loadscope::Run run = test::sampleRun("csv, \"quoted\" run");
    run.id = 42;
    run.steps.push_back(test::distinctStep(run, "tornado"));
    std::istringstream lines(runToCsv(run));
    std::string header, row, extra;
    ASSERT_TRUE(std::getline(lines, header));
    ASSERT_TRUE(std::getline(lines, row));
    EXPECT_FALSE(std::getline(lines, extra));
    const auto names = splitCsvLine(header);
    const auto cells = splitCsvLine(row);
    ASSERT_EQ(names.size(), cells.size());
    std::map<std::string, std::string> byName;
    for (std::size_t i = 0; i < names.size(); ++i)
        byName[names[i]] = cells[i];
    const std::map<std::string, std::string> expected{
        {"run_id", "42"},
        {"run_name", "csv, \"quoted\" run"},
        {"sequence", "3"},
        {"target", "tornado"},
        {"scenario", "distinct-scenario"},
        {"requested_rps", "101.5"},
        {"repetition", "2"},
        {"status", "failed"},
        {"status_message", "distinct status message"},
        {"started", "2023-11-14T22:13:24Z"},
        {"duration_s", "6.25"},
        {"achieved_rps", "7.5"},
        {"due", "8"},
        {"sent", "9"},
        {"completed", "10"},
        {"ok", "11"},
        {"waited", "12"},
        {"peak_in_flight", "13"},
        {"errors_total", "80"},
        {"errors_connect", "14"},
        {"errors_read", "15"},
        {"errors_timeout", "16"},
        {"errors_status", "404:17;503:18"},
        {"p50_ms", "29.5"},
        {"p75_ms", "30.5"},
        {"p90_ms", "31.5"},
        {"p95_ms", "32.5"},
        {"p99_ms", "33.5"},
        {"p999_ms", "34.5"},
        {"p9999_ms", "35.5"},
        {"max_ms", "36.5"},
        {"mean_ms", "37.5"},
        {"service_p50_ms", "40.5"},
        {"service_p99_ms", "44.5"},
        {"service_max_ms", "47.5"},
        {"lateness_p50_ms", "19.25"},
        {"lateness_p99_ms", "20.25"},
        {"lateness_max_ms", "21.25"},
        {"server_cpu_percent", "22.5"},
        {"server_peak_rss_bytes", "23000000"},
        {"server_threads", "24"},
        {"server_voluntary_ctx", "25"},
        {"server_involuntary_ctx", "26"},
        {"generator_cpu_percent", "27.5"},
        {"flags", "SLO broken, generator-limited"},
        {"flag_reason", "distinct flag reason"},
    };
    EXPECT_EQ(byName, expected);
}
