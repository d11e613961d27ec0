// The schedule grammar and the arrival sequences built on it (no processes). Durations: tests/text.

#include "arrival_sequence.h"
#include "load_schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

using namespace loadscope;
using namespace loadscope::loadgen;
using namespace std::chrono_literals;

TEST(LoadSchedule, ParsesThePhaseGrammar) {
    const auto s = LoadSchedule::parse("line(100,3000,60s) const(3000,30s) step(500,3000,500,10s)");
    // line + const + 6 step levels (500, 1000, ..., 3000)
    ASSERT_EQ(s.segments().size(), 8u);
    EXPECT_EQ(s.segments()[0].startRps, 100);
    EXPECT_EQ(s.segments()[0].endRps, 3000);
    EXPECT_EQ(s.segments()[0].duration, Nanos(60s));
    EXPECT_EQ(s.segments()[1].startRps, 3000);
    EXPECT_EQ(s.segments()[1].endRps, 3000);
    EXPECT_EQ(s.segments()[2].startRps, 500);
    EXPECT_EQ(s.segments()[7].startRps, 3000);
    EXPECT_EQ(s.totalDuration(), Nanos(60s + 30s + 6 * 10s));
    // line: (100+3000)/2*60 = 93000; const: 90000; steps: (500+...+3000)*10 = 105000
    EXPECT_DOUBLE_EQ(s.totalExpectedCount(), 93000 + 90000 + 105000);
    EXPECT_EQ(s.description(), "line(100,3000,1m) const(3000,30s) step(500,3000,500,10s)");
    EXPECT_FALSE(s.isConstant());
    EXPECT_EQ(s.initialRps(), 100);
}

TEST(LoadSchedule, AcceptsSpacingDecimalsAndDownwardSteps) {
    const auto s = LoadSchedule::parse("  const( 1500.5 , 2m )  ;  step(30, 10, 10, 500ms)");
    ASSERT_EQ(s.segments().size(), 4u);
    EXPECT_EQ(s.segments()[0].startRps, 1500.5);
    EXPECT_EQ(s.segments()[1].startRps, 30);
    EXPECT_EQ(s.segments()[2].startRps, 20);
    EXPECT_EQ(s.segments()[3].startRps, 10);
    // An increment that does not divide the range still ends on the named rate.
    const auto uneven = LoadSchedule::parse("step(500,1200,500,1s)");
    ASSERT_EQ(uneven.segments().size(), 3u);
    EXPECT_EQ(uneven.segments()[2].startRps, 1200);
}

namespace {
// The message of the ScheduleError for `text`, and where it points.
struct Rejection {
    std::string message;
    std::string pointedAt;
    std::string what;
};
Rejection rejection(const std::string& text) {
    try {
        LoadSchedule::parse(text);
    } catch (const ScheduleError& e) {
        return {e.message(), text.substr(e.position(), e.length()), e.what()};
    }
    ADD_FAILURE() << "accepted: " << text;
    return {};
}
} // namespace

TEST(LoadSchedule, RejectsMalformedSchedulesPointingAtTheBadPart) {
    auto r = rejection("line(100,3000,60x) const(3000,30s)");
    EXPECT_NE(r.message.find("bad duration \"60x\""), std::string::npos) << r.message;
    EXPECT_EQ(r.pointedAt, "60x");
    EXPECT_NE(r.what.find("  line(100,3000,60x) const(3000,30s)\n                ^^^"), std::string::npos) << r.what;

    r = rejection("const(3000,30s) ramp(1,2,3s)");
    EXPECT_NE(r.message.find("unknown phase \"ramp\""), std::string::npos) << r.message;
    EXPECT_EQ(r.pointedAt, "ramp");

    r = rejection("line(100,3000)");
    EXPECT_NE(r.message.find("line takes 3 arguments"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("got 2"), std::string::npos) << r.message;

    r = rejection("const(abc,10s)");
    EXPECT_NE(r.message.find("bad rate \"abc\""), std::string::npos) << r.message;
    EXPECT_EQ(r.pointedAt, "abc");

    r = rejection("const(-5,10s)");
    EXPECT_NE(r.message.find("rate -5 is out of range"), std::string::npos) << r.message;
    EXPECT_EQ(r.pointedAt, "-5");

    r = rejection("const(20000000,10s)");
    EXPECT_NE(r.message.find("out of range"), std::string::npos) << r.message;

    r = rejection("const(100,0s)");
    EXPECT_NE(r.message.find("longer than 0"), std::string::npos) << r.message;

    r = rejection("const(100,10s");
    EXPECT_NE(r.message.find("missing ')'"), std::string::npos) << r.message;

    r = rejection("const 100,10s)");
    EXPECT_NE(r.message.find("expected '('"), std::string::npos) << r.message;

    r = rejection("step(1,100,0,1s)");
    EXPECT_NE(r.message.find("increment"), std::string::npos) << r.message;
    EXPECT_EQ(r.pointedAt, "0");

    r = rejection("const(1,,1s)");
    EXPECT_NE(r.message.find("takes 2 arguments"), std::string::npos) << r.message;

    r = rejection("   ");
    EXPECT_NE(r.message.find("empty"), std::string::npos) << r.message;
}

TEST(LoadSchedule, CountAndTimeAreInverse) {
    const auto s = LoadSchedule::parse("line(0,1000,2s) const(1000,1s) const(0,1s) line(1000,200,2s)");
    std::size_t hint = 0;
    double previous = -1;
    for (double count = 0; count < s.totalExpectedCount(); count += 7.3) {
        const auto t = s.timeOfCount(count, hint);
        ASSERT_TRUE(t.has_value()) << count;
        EXPECT_NEAR(s.expectedCount(*t), count, 1e-3) << count;
        EXPECT_GE(toSeconds(*t), previous);
        previous = toSeconds(*t);
        // Nothing is due during the pause at rate 0.
        EXPECT_FALSE(*t > Nanos(3s) && *t < Nanos(4s)) << toSeconds(*t);
    }
    EXPECT_FALSE(s.timeOfCount(s.totalExpectedCount(), hint).has_value());
    EXPECT_DOUBLE_EQ(s.rateAt(Nanos(1s)), 500);
    EXPECT_DOUBLE_EQ(s.rateAt(Nanos(5s)), 600);
}

TEST(LoadSchedule, WarmupRunsAtTheFirstRate) {
    const auto s = LoadSchedule::parse("line(200,400,1s)").withWarmup(Nanos(2s));
    ASSERT_EQ(s.segments().size(), 2u);
    EXPECT_EQ(s.segments()[0].startRps, 200);
    EXPECT_EQ(s.segments()[0].endRps, 200);
    EXPECT_EQ(s.totalDuration(), Nanos(3s));
    EXPECT_DOUBLE_EQ(s.totalExpectedCount(), 400 + 300);
}

TEST(ArrivalSequence, UniformIsEvenlySpacedFromTimeZero) {
    const auto s = LoadSchedule::constant(1000, Nanos(1s));
    ArrivalSequence arrivals(s, ArrivalMode::Uniform, 0, 1, 1);
    int n = 0;
    for (auto t = arrivals.peek(); t; arrivals.advance(), t = arrivals.peek(), ++n)
        EXPECT_NEAR(static_cast<double>(t->count()), n * 1e6, 1.0) << n;
    EXPECT_EQ(n, 1000);
}

TEST(ArrivalSequence, WorkersShareOneScheduleBetweenThem) {
    const auto s = LoadSchedule::constant(900, Nanos(1s));
    std::vector<std::int64_t> all;
    for (int worker = 0; worker < 3; ++worker) {
        ArrivalSequence arrivals(s, ArrivalMode::Uniform, worker, 3, 1);
        for (auto t = arrivals.peek(); t; arrivals.advance(), t = arrivals.peek())
            all.push_back(t->count());
    }
    std::sort(all.begin(), all.end());
    ASSERT_EQ(all.size(), 900u);
    for (std::size_t i = 0; i < all.size(); ++i)
        EXPECT_NEAR(static_cast<double>(all[i]), static_cast<double>(i) * 1e9 / 900, 1.0);
}

TEST(ArrivalSequence, PoissonHasTheMeanRateAndExponentialGaps) {
    const auto s = LoadSchedule::constant(10000, Nanos(10s));
    ArrivalSequence arrivals(s, ArrivalMode::Poisson, 0, 1, 42);
    std::vector<double> gaps;
    double last = 0;
    for (auto t = arrivals.peek(); t; arrivals.advance(), t = arrivals.peek()) {
        gaps.push_back(toSeconds(*t) - last);
        last = toSeconds(*t);
    }
    EXPECT_NEAR(static_cast<double>(gaps.size()), 100000, 1500); // 4.7 sigma
    const double mean = std::accumulate(gaps.begin(), gaps.end(), 0.0) / static_cast<double>(gaps.size());
    double variance = 0;
    for (double g : gaps)
        variance += (g - mean) * (g - mean);
    variance /= static_cast<double>(gaps.size());
    EXPECT_NEAR(mean, 1e-4, 2e-6);
    // Exponential: the standard deviation equals the mean (uniform spacing would give 0).
    EXPECT_NEAR(std::sqrt(variance) / mean, 1.0, 0.03);
    // The same seed gives the same arrivals.
    ArrivalSequence a(s, ArrivalMode::Poisson, 0, 1, 7), b(s, ArrivalMode::Poisson, 0, 1, 7);
    for (int i = 0; i < 100; ++i, a.advance(), b.advance())
        ASSERT_EQ(a.peek(), b.peek());
}
