// Durations: one grammar for the generator's --duration and --schedule, the plan's step_duration, the CLI's
// --warmup/--max-time and what the CLI and the GUI print; format -> read gives back the same duration.

#include "duration_text.h"

#include <gtest/gtest.h>

#include <random>

using namespace loadscope;
using namespace std::chrono_literals;

TEST(DurationText, ReadsUnitsCompositesAndBareSeconds) {
    EXPECT_EQ(parseDuration("500ms"), Nanos(500ms));
    EXPECT_EQ(parseDuration("20s"), Nanos(20s));
    EXPECT_EQ(parseDuration("2m"), Nanos(2min));
    EXPECT_EQ(parseDuration("2min"), Nanos(2min));
    EXPECT_EQ(parseDuration("1h"), Nanos(1h));
    EXPECT_EQ(parseDuration("1m30s"), Nanos(90s));
    EXPECT_EQ(parseDuration("1m 30s"), Nanos(90s));
    EXPECT_EQ(parseDuration("2m30s"), Nanos(150s)); // what the runner used to print and refuse
    EXPECT_EQ(parseDuration("1.5s"), Nanos(1500ms));
    EXPECT_EQ(parseDuration(".5s"), Nanos(500ms));
    EXPECT_EQ(parseDuration("250us"), Nanos(250us));
    EXPECT_EQ(parseDuration("10"), Nanos(10s));
    EXPECT_EQ(parseDuration(" 3 s "), Nanos(3s));
    EXPECT_EQ(parseDuration("0s"), Nanos(0));
}

TEST(DurationText, RefusesAnythingElseAndSaysWhy) {
    for (const char* bad : {"", " ", "s", "1m30", "ms", "1.2.3s", "1e3s", "9999999h", "fast", "1 2"})
        EXPECT_FALSE(parseDuration(bad).has_value()) << bad;
    EXPECT_EQ(readDuration("20x").problem, DurationProblem::UnknownUnit);
    EXPECT_EQ(readDuration("5 parsecs").unit, "parsecs");
    EXPECT_EQ(readDuration("-1s").problem, DurationProblem::Negative);
    EXPECT_EQ(readDuration("400d").problem, DurationProblem::UnknownUnit);
    EXPECT_EQ(readDuration("9999999h").problem, DurationProblem::TooLong);
    EXPECT_EQ(readDuration("1m30").problem, DurationProblem::Malformed);
}

TEST(DurationText, FormatsTheShortestExactSpelling) {
    EXPECT_EQ(formatDuration(Nanos(0)), "0s");
    EXPECT_EQ(formatDuration(Nanos(2min)), "2m");
    EXPECT_EQ(formatDuration(Nanos(90s)), "1m30s");
    EXPECT_EQ(formatDuration(Nanos(150s)), "2m30s");
    EXPECT_EQ(formatDuration(Nanos(1h)), "1h");
    EXPECT_EQ(formatDuration(Nanos(3723s)), "1h2m3s");
    EXPECT_EQ(formatDuration(Nanos(500ms)), "500ms");
    EXPECT_EQ(formatDuration(Nanos(1500ms)), "1.5s");
    EXPECT_EQ(formatDuration(Nanos(61500ms)), "1m1.5s");
    EXPECT_EQ(formatDuration(Nanos(250us)), "250us");
    EXPECT_EQ(formatDuration(Nanos(1234567)), "1.234567ms");
    EXPECT_EQ(formatDuration(Nanos(1500)), "1.5us");
}

TEST(DurationText, FormatThenReadGivesTheSameDuration) {
    for (auto d : {Nanos(500ms), Nanos(20s), Nanos(2min), Nanos(90s), Nanos(1500ms), Nanos(250us), Nanos(1234567),
                   Nanos(1), Nanos(59999999999), Nanos(3600s + 1ns)}) {
        const auto text = formatDuration(d);
        EXPECT_EQ(parseDuration(text), d) << text;
    }
    std::mt19937_64 random(42);
    std::uniform_int_distribution<std::int64_t> anyDuration(0, std::int64_t{30} * 24 * 3600 * 1'000'000'000);
    for (int i = 0; i < 10000; ++i) {
        const Nanos d(anyDuration(random));
        const auto text = formatDuration(d);
        ASSERT_EQ(parseDuration(text), d) << text;
    }
}
