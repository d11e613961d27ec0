// The knee search's decisions against simulated targets whose capacity is known: it brackets the capacity within
// its resolution, in fewer probes than a sweep at that resolution, steps down from a start above the capacity,
// confirms the knee at the full duration, and stops on request keeping the bracket.
#include "knee_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace loadscope;

namespace {
// A target that holds every rate up to `capacity`: clearly below it with confidence, within 3 % either side not for
// sure, above it broken.
RateVerdict simulated(double rps, double capacity) {
    const bool met = rps <= capacity;
    Confidence confidence = Confidence::Uncertain;
    if (rps < capacity * 0.97)
        confidence = Confidence::Held;
    else if (rps > capacity * 1.03)
        confidence = Confidence::Broken;
    return {rps, met, confidence};
}

struct Outcome {
    KneeSearch search;
    int probes = 0;
    SearchProbe last;
};

Outcome runSearch(KneeSearchSettings settings, double capacity) {
    Outcome o{KneeSearch(settings), 0, {}};
    while (auto probe = o.search.next()) {
        ++o.probes;
        o.last = *probe;
        const auto v = simulated(probe->rps, capacity);
        o.search.record(*probe, v.met, v);
        if (o.probes > 200)
            break;
    }
    return o;
}
} // namespace

TEST(KneeSearch, BracketsTheCapacityWithinItsResolution) {
    for (double capacity : {180.0, 1234.0, 2000.0, 9000.0}) {
        KneeSearchSettings settings;
        settings.startRps = 100;
        const auto o = runSearch(settings, capacity);
        ASSERT_TRUE(o.search.done());
        ASSERT_TRUE(o.search.highestHeld()) << capacity;
        ASSERT_TRUE(o.search.lowestBroken()) << capacity;
        EXPECT_LE(*o.search.highestHeld(), capacity);
        EXPECT_GT(*o.search.lowestBroken(), capacity);
        EXPECT_GE(*o.search.highestHeld(), capacity * 0.9) << "within 10 % of the capacity";
        EXPECT_LE(*o.search.lowestBroken(), *o.search.highestHeld() * 1.05 + 1) << o.search.bracketText();
        // A sweep from the start to just past the capacity in 5 % steps takes log(capacity/100)/log(1.05) + 1 steps
        // (and would confirm nothing); the search costs a few probes more only when the capacity is near the start.
        const double sweepSteps = std::log(capacity / 100) / std::log(1.05) + 1;
        EXPECT_LT(o.probes, std::max(sweepSteps, 16.0)) << "capacity " << capacity;
        if (capacity >= 1000) {
            EXPECT_LT(o.probes, sweepSteps / 2) << "capacity " << capacity;
        }
        EXPECT_EQ(o.last.purpose, "confirm knee");
        EXPECT_EQ(o.last.durationS, settings.confirmDurationS);
        EXPECT_EQ(o.last.rps, *o.search.highestHeld());
    }
}

TEST(KneeSearch, ABreakIsConfirmedByARepetition) {
    KneeSearchSettings settings;
    settings.startRps = 1000;
    KneeSearch search(settings);
    auto probe = *search.next();
    EXPECT_EQ(probe.rps, 1000);
    search.record(probe, false, simulated(1000, 500));
    probe = *search.next();
    EXPECT_EQ(probe.rps, 1000) << "the first break is probed again";
    EXPECT_EQ(probe.purpose, "confirm break");
    search.record(probe, false, simulated(1000, 500));
    probe = *search.next();
    EXPECT_NEAR(probe.rps, 667, 1) << "a confirmed break at the start: step down";
    EXPECT_EQ(probe.purpose, "step down");
}

TEST(KneeSearch, AHiccupMergedWithAGoodRepeatIsNotAConfirmedBreak) {
    KneeSearchSettings settings;
    settings.startRps = 750;
    KneeSearch search(settings);
    search.record(*search.next(), false, {750, false, Confidence::Broken}); // p99 141 ms: the generator hiccuped
    // The repeat held on its own (51 ms), though the two merged still read as broken.
    search.record(*search.next(), true, {750, false, Confidence::Broken});
    auto probe = *search.next();
    EXPECT_EQ(probe.rps, 750) << "one break against one hold: a third probe decides";
    search.record(probe, true, {750, true, Confidence::Uncertain});
    EXPECT_EQ(search.highestHeld(), 750);
    EXPECT_EQ(search.next()->rps, 1125);
}

TEST(KneeSearch, StepsDownFromAStartAboveTheCapacity) {
    KneeSearchSettings settings;
    settings.startRps = 5000;
    const auto o = runSearch(settings, 700);
    EXPECT_LE(*o.search.highestHeld(), 700);
    EXPECT_GE(*o.search.highestHeld(), 630);
}

TEST(KneeSearch, AnUncertainRateIsProbedAtMostTheMaximum) {
    KneeSearchSettings settings;
    settings.startRps = 1000;
    settings.maxProbesPerRate = 3;
    KneeSearch search(settings);
    const RateVerdict unsure{1000, true, Confidence::Uncertain};
    for (int i = 0; i < 3; ++i) {
        const auto probe = *search.next();
        EXPECT_EQ(probe.rps, 1000);
        search.record(probe, true, unsure);
    }
    EXPECT_EQ(search.highestHeld(), 1000) << "after three probes the point verdict decides";
    EXPECT_EQ(search.next()->rps, 1500);
}

TEST(KneeSearch, AConfirmationThatBreaksMovesTheKneeDown) {
    KneeSearchSettings settings;
    settings.startRps = 1000;
    settings.resolution = 0.5; // the climb's first bracket is narrow enough: go straight to the confirmation
    KneeSearch search(settings);
    search.record(*search.next(), true, {1000, true, Confidence::Held});
    search.record(*search.next(), false, {1500, false, Confidence::Broken});
    search.record(*search.next(), false, {1500, false, Confidence::Broken});
    auto probe = *search.next();
    EXPECT_EQ(probe.purpose, "confirm knee");
    EXPECT_EQ(probe.rps, 1000);
    search.record(probe, false, {1000, false, Confidence::Broken}); // the long probe broke
    probe = *search.next();
    EXPECT_EQ(probe.purpose, "confirm break") << "one break against one hold: probed again, at the full duration";
    EXPECT_EQ(probe.durationS, settings.confirmDurationS);
    search.record(probe, false, {1000, false, Confidence::Broken}); // 1000 is not held after all
    EXPECT_FALSE(search.highestHeld());
    EXPECT_EQ(search.lowestBroken(), 1000);
    EXPECT_EQ(search.next()->purpose, "step down");
}

TEST(KneeSearch, StopKeepsTheBracketReached) {
    KneeSearchSettings settings;
    settings.startRps = 100;
    KneeSearch search(settings);
    search.record(*search.next(), true, simulated(100, 1000));
    search.record(*search.next(), true, simulated(150, 1000));
    search.stop("the time budget of 30s ran out");
    EXPECT_FALSE(search.next());
    EXPECT_EQ(search.highestHeld(), 150);
    EXPECT_EQ(search.bracketText(), "held 150, broke no rate");
    EXPECT_EQ(search.stopReason(), "the time budget of 30s ran out");
}

TEST(KneeSearch, DefaultStartFromIdealLatencyAndConnections) {
    EXPECT_EQ(defaultSearchStartRps(50, 256), 500);  // 256 / 0.05 s = 5120 req/s; a tenth, rounded down
    EXPECT_EQ(defaultSearchStartRps(125, 256), 200); // 2048 -> 204.8 -> 200
    EXPECT_EQ(defaultSearchStartRps(0, 256), 100);
}

TEST(KneeSearch, AnUnsureBreakIsFollowedByOneProbeHigherToCloseTheInterval) {
    // A target that is unsure at 1100 (the point verdict breaks, the bootstrap cannot tell) and broken with
    // confidence at 1400: after the bracket 1000-1100 and the knee's confirmation, the search tries once higher.
    KneeSearchSettings settings;
    settings.startRps = 1000;
    settings.growth = 1.1;
    settings.resolution = 0.1;
    settings.probeDurationS = 2;
    settings.confirmDurationS = 2;
    KneeSearch search(settings);
    std::vector<SearchProbe> probes;
    while (auto probe = search.next()) {
        probes.push_back(*probe);
        RateVerdict v{probe->rps, probe->rps <= 1000, Confidence::Held};
        if (probe->rps > 1000)
            v.confidence = probe->rps >= 1150 ? Confidence::Broken : Confidence::Uncertain;
        search.record(*probe, v.met, v);
        ASSERT_LT(probes.size(), 20u);
    }
    ASSERT_GE(probes.size(), 2u);
    const auto above = std::find_if(probes.begin(), probes.end(),
                                    [](const SearchProbe& p) { return p.purpose == "confirm break above"; });
    ASSERT_NE(above, probes.end()) << "the search tried above the unsure break";
    EXPECT_EQ(above->rps, std::round(1100 * std::sqrt(1.1)));
    EXPECT_EQ(probes.back().rps, above->rps) << "and repeated it to confirm the break there";
    EXPECT_EQ(search.highestHeld(), 1000);
    EXPECT_EQ(search.lowestBroken(), 1100);
    EXPECT_EQ(std::count_if(probes.begin(), probes.end(),
                            [](const SearchProbe& p) { return p.purpose == "confirm break above"; }),
              1)
        << "only once";
}

TEST(KneeSearch, TheStoredBracketReadsBack) {
    KneeSearchSettings settings;
    settings.startRps = 100;
    KneeSearch search(settings);
    search.record(*search.next(), true, simulated(100, 1000));
    search.record(*search.next(), true, simulated(150, 1000));
    search.stop("the time budget of 30s ran out");
    const auto open = parseBracketText(search.bracketText());
    ASSERT_TRUE(open);
    EXPECT_EQ(open->held, 150);
    EXPECT_FALSE(open->broken);
    const auto closed = parseBracketText("held 222.5, broke 272 (within 10 %)");
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->held, 222.5);
    EXPECT_EQ(closed->broken, 272);
    const auto none = parseBracketText("held no rate, broke 100");
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->held);
    EXPECT_EQ(none->broken, 100);
    EXPECT_FALSE(parseBracketText("cancelled"));
    EXPECT_FALSE(parseBracketText("held x, broke 3"));
}
