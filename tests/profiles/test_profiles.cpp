// profiles/: folded stacks, call trees, top functions, differences, perf script folding, the flame layout and SVG,
// on fixtures in tests/profiles/data (a tornado-gen and a tornado-async profile shaped like real ones, a perf script
// excerpt of loadscope-refserver).
#include "flame_layout.h"
#include "flame_svg.h"
#include "folded_profile.h"
#include "frame_package.h"
#include "frame_tree.h"
#include "function_totals.h"
#include "perf_script_folding.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace loadscope;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(PROFILE_FIXTURES) + "/" + name);
    EXPECT_TRUE(in) << name;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

FoldedProfile parsedFixture(const std::string& name) {
    auto parsed = parseFolded(fixture(name));
    EXPECT_TRUE(parsed.ok()) << parsed.error;
    return parsed.profile;
}

const FunctionTotal* findTotal(const std::vector<FunctionTotal>& totals, const std::string& name) {
    for (const auto& t : totals)
        if (t.name == name)
            return &t;
    return nullptr;
}

} // namespace

TEST(FoldedProfile, ParsesCountsIdleAndSumsRepeatedStacks) {
    const auto parsed = parseFolded("a;b 3\n\na;b;[idle] 5\r\na;b 2\nc 1\n");
    ASSERT_TRUE(parsed.ok()) << parsed.error;
    EXPECT_EQ(parsed.profile.stacks.size(), 3u);
    EXPECT_EQ(parsed.profile.totalSamples(), 11u);
    EXPECT_EQ(parsed.profile.idleSamples(), 5u);
    EXPECT_EQ(parsed.profile.busySamples(), 6u);
    EXPECT_EQ(parsed.profile.stacks[0].count, 5u); // "a;b" summed
    EXPECT_DOUBLE_EQ(parsed.profile.idleShare(), 5.0 / 11.0);
}

TEST(FoldedProfile, FramesMayHoldSpacesAsPerfSymbolsDo) {
    const auto parsed = parseFolded("main;operator new(unsigned long) 4\n");
    ASSERT_TRUE(parsed.ok());
    ASSERT_EQ(parsed.profile.stacks[0].frames.size(), 2u);
    EXPECT_EQ(parsed.profile.stacks[0].frames[1], "operator new(unsigned long)");
}

TEST(FoldedProfile, BadLinesNameTheLineAndTheProblem) {
    EXPECT_EQ(parseFolded("a;b 1\nno-count\n").error, "line 2: expected 'frame;frame count', got 'no-count'");
    EXPECT_EQ(parseFolded("a;b x1\n").error, "line 1: the sample count 'x1' is not a whole number");
    EXPECT_EQ(parseFolded("a;;b 1\n").error, "line 1: an empty frame (two ';' in a row, or one at an end)");
}

TEST(FoldedProfile, FormatRoundTrips) {
    const auto profile = parsedFixture("tornado_gen.folded");
    const auto again = parseFolded(formatFolded(profile));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(formatFolded(again.profile), formatFolded(profile));
    EXPECT_EQ(again.profile.totalSamples(), 100u);
}

TEST(FrameTree, TotalsAndSelfFollowTheStacks) {
    const auto tree = FrameTree::build(parsedFixture("tornado_gen.folded"), false);
    EXPECT_EQ(tree.rootTotal(), 60u); // idle left out
    int runner = -1;
    for (int i = 0; i < tree.size(); ++i)
        if (tree.node(i).name == "tornado.gen:Runner.run")
            runner = i;
    ASSERT_GE(runner, 0);
    EXPECT_EQ(tree.node(runner).total, 30u);
    EXPECT_EQ(tree.node(runner).self, 0u);
    EXPECT_DOUBLE_EQ(tree.share(runner), 0.5);
    EXPECT_EQ(tree.pathText(runner).substr(0, 22), "tornado_server:<module");
    // Children sorted by name, so two trees of the same code line up.
    const auto& handle = tree.node(tree.node(runner).parent);
    EXPECT_EQ(tree.node(handle.children[0]).name, "tornado.gen:Runner.run");
    EXPECT_EQ(tree.node(handle.children[1]).name, "tornado.iostream:BaseIOStream._handle_events");
    EXPECT_EQ(FrameTree::build(parsedFixture("tornado_gen.folded"), true).rootTotal(), 100u);
}

TEST(FunctionTotals, SelfAndTotalSharesOfBusySamples) {
    const auto totals = functionTotals(parsedFixture("tornado_gen.folded"));
    const auto* runner = findTotal(totals, "tornado.gen:Runner.run");
    ASSERT_NE(runner, nullptr);
    EXPECT_EQ(runner->totalSamples, 30u);
    EXPECT_DOUBLE_EQ(runner->totalShare, 0.5);
    const auto* yield = findTotal(totals, "tornado.gen:Runner.handle_yield");
    ASSERT_NE(yield, nullptr);
    EXPECT_EQ(yield->selfSamples, 20u);
    EXPECT_NEAR(yield->selfShare, 20.0 / 60.0, 1e-12);
    EXPECT_EQ(findTotal(totals, "[idle]"), nullptr);
    EXPECT_EQ(totals.front().totalSamples, 60u); // the root frame holds every busy sample
}

TEST(FunctionTotals, RecursionCountsOncePerSample) {
    const auto totals = functionTotals(parseFolded("main;f;f;f 4\nmain;g 4\n").profile);
    const auto* f = findTotal(totals, "f");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->totalSamples, 4u);
    EXPECT_DOUBLE_EQ(f->totalShare, 0.5);
}

TEST(FunctionDifferences, RankTheLargestChangeInNormalisedShareFirst) {
    const auto diff = functionDifferences(parsedFixture("tornado_async.folded"), parsedFixture("tornado_gen.folded"));
    ASSERT_FALSE(diff.empty());
    // Busy samples: async 100 (60 reading, 30 writing, 10 work), gen 60 (30 in Runner.run, 20 reading, 10 writing).
    EXPECT_EQ(diff[0].name, "tornado.gen:Runner.run");
    EXPECT_NEAR(diff[0].totalDelta(), 0.5, 1e-12);
    EXPECT_EQ(pointsText(diff[0].totalDelta()), "+50.0");
    EXPECT_EQ(diff[1].name, "tornado.iostream:BaseIOStream._handle_events");
    EXPECT_NEAR(diff[1].totalDelta(), 0.5 - 0.9, 1e-12);
    EXPECT_EQ(pointsText(-0.032), "-3.2");
}

TEST(FrameTree, DifferentialTreeCarriesTheBaseOnTheSamePaths) {
    const auto tree =
        FrameTree::buildDifferential(parsedFixture("tornado_async.folded"), parsedFixture("tornado_gen.folded"), false);
    EXPECT_EQ(tree.rootTotal(), 60u);
    EXPECT_EQ(tree.baseRootTotal(), 100u);
    bool sawNewSchool = false;
    for (int i = 0; i < tree.size(); ++i) {
        if (tree.node(i).name == "tornado_server:new_school_work") { // only in the base: width 0, base share 10 %
            sawNewSchool = true;
            EXPECT_EQ(tree.node(i).total, 0u);
            EXPECT_DOUBLE_EQ(tree.baseShare(i), 0.1);
        }
    }
    EXPECT_TRUE(sawNewSchool);
}

TEST(PerfScriptFolding, FoldsSamplesLeafLastWithoutOffsets) {
    const auto profile = foldPerfScript(fixture("refserver.perf-script"));
    EXPECT_EQ(profile.totalSamples(), 4u);
    const auto text = formatFolded(profile);
    EXPECT_NE(text.find("__libc_start_call_main;loadscope::ReferenceServer::answer(int);loadscope::busyWork(std::"
                        "chrono::duration<long, std::ratio<1l, 1000000l> >) 2\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("answer(int);[libc.so.6];do_syscall_64_[k] 1\n"), std::string::npos) << text;
    EXPECT_EQ(text.rfind("[unknown] 1\n", 0), 0u) << text;
    EXPECT_TRUE(parseFolded(text).ok()); // what we fold, we read back
}

TEST(FramePackage, PythonModulesNativeAndKernel) {
    EXPECT_EQ(framePackage("tornado.gen:Runner.run"), FramePackage::Framework);
    EXPECT_EQ(framePackage("aiohttp.web_protocol:RequestHandler._handle_request"), FramePackage::Framework);
    EXPECT_EQ(framePackage("asyncio.events:Handle._run"), FramePackage::Asyncio);
    EXPECT_EQ(framePackage("selectors:EpollSelector.select"), FramePackage::Asyncio);
    EXPECT_EQ(framePackage("json.encoder:JSONEncoder.encode"), FramePackage::StandardLibrary);
    EXPECT_EQ(framePackage("tornado_server:old_school_work"), FramePackage::Application);
    EXPECT_EQ(framePackage("loadscope::ReferenceServer::answer(int)"), FramePackage::Native);
    EXPECT_EQ(framePackage("do_syscall_64_[k]"), FramePackage::Kernel);
    EXPECT_EQ(framePackage("[idle]"), FramePackage::Idle);
    EXPECT_EQ(framePackageName(FramePackage::StandardLibrary), "standard library");
}

TEST(FlameLayout, WidthsAreSharesAndZoomMakesAFrameFullWidth) {
    const auto tree = FrameTree::build(parsedFixture("tornado_gen.folded"), false);
    const auto rects = layoutFlame(tree);
    ASSERT_FALSE(rects.empty());
    EXPECT_EQ(rects[0].node, FrameTree::root());
    int runner = -1;
    for (const auto& r : rects)
        if (tree.node(r.node).name == "tornado.gen:Runner.run") {
            runner = r.node;
            EXPECT_NEAR(r.x1 - r.x0, 0.5, 1e-12);
            EXPECT_EQ(r.row, 5); // all, <module>, run_forever, _run_once, Handle._run, Runner.run
        }
    ASSERT_GE(runner, 0);
    const auto zoomed = layoutFlame(tree, {runner, 0.0005});
    for (const auto& r : zoomed) {
        if (r.node == runner) {
            EXPECT_DOUBLE_EQ(r.x1 - r.x0, 1.0);
        }
        if (tree.node(r.node).name == "tornado.gen:Runner.handle_yield") {
            EXPECT_NEAR(r.x1 - r.x0, 20.0 / 30.0, 1e-12);
        }
        EXPECT_NE(tree.node(r.node).name, "tornado.iostream:BaseIOStream.write"); // not under the zoomed frame
    }
}

TEST(FlameLayout, SearchShareCountsEachSampleOnce) {
    const auto tree = FrameTree::build(parsedFixture("tornado_gen.folded"), false);
    EXPECT_DOUBLE_EQ(searchShare(tree, "tornado.gen"), 0.5); // Runner.run and handle_yield below it: once
    EXPECT_DOUBLE_EQ(searchShare(tree, "IOSTREAM"), 0.5);
    EXPECT_DOUBLE_EQ(searchShare(tree, ""), 0.0);
    EXPECT_DOUBLE_EQ(searchShare(tree, "nothing-like-it"), 0.0);
}

TEST(FlameLayout, DifferenceColoursRedForGrowthBlueForShrinking) {
    const auto grew = differenceColor(0.2), shrank = differenceColor(-0.05), same = differenceColor(0.0);
    EXPECT_EQ(grew.r, 255);
    EXPECT_EQ(grew.g, 55);
    EXPECT_EQ(shrank.b, 255);
    EXPECT_GT(shrank.r, 55);
    EXPECT_EQ(same.r, 255);
    EXPECT_EQ(same.g, 255);
}

TEST(FlameSvg, DrawsEveryFrameWithATooltipLegendAndSearchShare) {
    const auto tree = FrameTree::build(parsedFixture("tornado_gen.folded"), false);
    const auto svg = renderFlameSvg(tree, {"tornado-gen <step 2>", "60 busy samples", "Runner", false, 1200, 17});
    EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
    EXPECT_NE(svg.find("tornado-gen &lt;step 2&gt;"), std::string::npos);
    EXPECT_NE(svg.find("<title>tornado.gen:Runner.run — 30 samples, 50.0 %</title>"), std::string::npos);
    EXPECT_NE(svg.find("&#39;Runner&#39; matches 50.0 % of samples"), std::string::npos);
    EXPECT_NE(svg.find(">standard library</text>"), std::string::npos);
    std::size_t groups = 0;
    for (auto at = svg.find("<g>"); at != std::string::npos; at = svg.find("<g>", at + 1))
        ++groups;
    EXPECT_EQ(groups, static_cast<std::size_t>(tree.size()));
    const auto diff = renderFlameSvg(
        FrameTree::buildDifferential(parsedFixture("tornado_async.folded"), parsedFixture("tornado_gen.folded"), false),
        {"gen vs async", "", "", true, 1200, 17});
    EXPECT_NE(diff.find("(base 0.0 %, +50.0 points)"), std::string::npos);
    EXPECT_NE(diff.find("share grew"), std::string::npos);
}
