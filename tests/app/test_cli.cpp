// The `loadscope` executable driven as a user would: real processes, real servers (loadscope-refserver as user
// targets in a temporary XDG_CONFIG_HOME), the real load generator, a temporary database. Checks exit codes, the
// messages of usage errors, the summary table, list/show/compare/export/import/delete, and what Ctrl+C and SIGKILL
// leave behind.
#include "cli_home.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

using namespace loadscope;
using namespace std::chrono_literals;

using namespace loadscope::cli_test;

TEST(Cli, HelpListsEveryCommandAndEachCommandHasItsOwn) {
    CliHome home;
    const auto help = home.run({"--help"});
    EXPECT_EQ(exitCode(help), 0);
    for (const char* command : {"run", "list", "show", "compare", "check", "export", "import", "delete", "targets"}) {
        EXPECT_TRUE(contains(help.out, std::string("  ") + command + " ")) << command << "\n" << help.out;
        const auto own = home.run({command, "--help"});
        EXPECT_EQ(exitCode(own), 0) << command;
        EXPECT_TRUE(contains(own.out, std::string("loadscope ") + command)) << own.out;
    }
    EXPECT_TRUE(contains(help.out, "Exit codes"));
    // Charts as images are a flag of export, not a command of their own: the top-level help says where they are.
    EXPECT_TRUE(contains(help.out, "export RUN --chart")) << help.out;
    EXPECT_TRUE(contains(home.run({"export", "--help"}).out, "--chart KIND"));
    const auto version = home.run({"--version"});
    EXPECT_EQ(exitCode(version), 0);
    EXPECT_TRUE(contains(version.out, "loadscope 0.")) << version.out;
}

TEST(Cli, UsageErrorsExitWith2AndNameTheOptionAndWhatIsExpected) {
    CliHome home;
    home.writeRefserverTarget("ref");
    home.writeTarget("ref-zero", {{"name", "ref-zero"},
                                  {"argv", {"{bin}/loadscope-refserver", "--port", "{port}"}},
                                  {"scenarios", {{"simple", {{"path", "/simple"}, {"ideal_ms", 0}}}}}});
    std::ofstream(home.dir() / "bad-plan.json") << R"({"targets": ["ref"], "rates": [100, "fast"]})";
    std::ofstream(home.dir() / "typo-plan.json") << R"({"targets": ["ref"], "rate": [100]})";
    const std::string db = home.db();
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"frobnicate"}, "unknown command 'frobnicate'"},
        {{"run", "--db", db, "--targets", "ref", "--rates", "abc"}, "--rates: 'abc' is not a rate"},
        {{"run", "--db", db, "--targets", "ref", "--rates", "500:100:50"}, "--rates: range '500:100:50'"},
        {{"run", "--db", db, "--targets", "ref", "--rates", ""}, "--rates: empty"},
        {{"run", "--db", db, "--targets", "ref", "--rates", "1e9"}, "expected at most 10,000,000 requests per second"},
        {{"run", "--db", db, "--targets", ""}, "--targets: empty"},
        {{"run", "--db", db, "--targets", "ref-zero"}, "has an ideal of 0 ms: give an absolute limit"},
        {{"run", "--db", db, "--targets", "ref", "--duration", "5 parsecs"}, "--duration: unknown unit 'parsecs'"},
        {{"run", "--db", db, "--targets", "nope"}, "targets[0] (--targets): unknown target 'nope'"},
        {{"run", "--db", db, "--targets", "ref", "--scenario", "huge"},
         "scenario (--scenario): target 'ref' has no "
         "scenario 'huge'"},
        {{"run", "--db", db, "--targets", "ref", "--order", "random"}, "--order: expected interleaved or sequential"},
        {{"run", "--db", db, "--targets", "ref", "--repeat", "x"}, "--repeat"},
        {{"run", "--db", db, "--targets", "ref", "--repeat", "0"}, "repetitions (--repeat): expected 1 or more"},
        {{"run", "--db", db, "--targets", "ref", "--connections", "many"}, "--connections: expected a number"},
        {{"run", "--db", db, "--targets", "ref", "--slo", "p50<3ms"}, "--slo: 'p50<3ms': unknown metric 'p50'"},
        {{"run", "--db", db, "--targets", "ref", "--pin", "0"}, "--pin: expected SERVER_CORE,GENERATOR_CORE"},
        {{"run", "--db", db, "--preset", "slow"}, "--preset: unknown preset 'slow'"},
        {{"run", "--db", db, "--plan", (home.dir() / "missing.json").string()}, "--plan: cannot read"},
        {{"run", "--db", db, "--plan", (home.dir() / "bad-plan.json").string()},
         "bad-plan.json: rates[1]: expected a "
         "number"},
        {{"run", "--db", db, "--plan", (home.dir() / "typo-plan.json").string()}, "typo-plan.json: rate: unknown key"},
        {{"run", "--db", db, "--bogus"}, "--bogus"},
        {{"list", "--db", db, "--status", "bogus"}, "--status: expected one of"},
        {{"list", "--db", db, "--limit", "-1"}, "--limit"},
        {{"show", "--db", db, "1"}, "--db: no database at"},
        {{"compare", "--db", db}, "RUN"},
        {{"export", "--db", db, "1", "--format", "xml"}, "--format: expected json, csv or hlog"},
        {{"import", "--db", db, (home.dir() / "missing.json").string()}, "missing.json: cannot read"},
    };
    for (const auto& [args, message] : cases) {
        const auto r = home.run(args);
        std::string joined;
        for (const auto& a : args)
            joined += a + " ";
        EXPECT_EQ(exitCode(r), 2) << joined << "\n" << r.err;
        EXPECT_TRUE(contains(r.err, message)) << joined << "\nexpected: " << message << "\ngot: " << r.err;
    }
    EXPECT_FALSE(std::filesystem::exists(db)) << "a usage error never creates or touches the database";
}

TEST(Cli, PreflightFailureExitsWith3AndSaysHowToFixIt) {
    CliHome home;
    home.writeTarget("needs-module",
                     {{"name", "needs-module"},
                      {"argv", {"{python}", "-m", "no_such_module_xyz", "--port", "{port}"}},
                      {"scenarios", {{"simple", {{"path", "/simple"}, {"ideal_ms", 5}}}}},
                      {"requirements", {{"python_modules", {{"no_such_module_xyz", "python3-nosuch"}}}}}});
    const auto r = home.run({"run", "--db", home.db(), "--targets", "needs-module", "--rates", "100"});
    EXPECT_EQ(exitCode(r), 3) << r.err;
    EXPECT_TRUE(contains(r.err, "preflight failed")) << r.err;
    EXPECT_TRUE(contains(r.err, "python3-nosuch")) << r.err;
    home.writeRefserverTarget("ref");
    const auto noGenerator = home.run({"run", "--db", home.db(), "--targets", "ref", "--rates", "100", "--loadgen",
                                       (home.dir() / "no-loadgen").string()});
    EXPECT_EQ(exitCode(noGenerator), 3) << noGenerator.err;
    EXPECT_TRUE(contains(noGenerator.err, "no-loadgen is missing")) << noGenerator.err;
    EXPECT_FALSE(std::filesystem::exists(home.db())) << "nothing ran";
}

TEST(Cli, DryRunPrintsThePlanAndItsEstimate) {
    CliHome home;
    home.writeRefserverTarget("ref");
    const auto r = home.run({"run", "--dry-run", "--db", home.db(), "--targets", "ref", "--rates", "100:300:100",
                             "--duration", "2s", "--slo", "p99<20ms"});
    ASSERT_EQ(exitCode(r), 0) << r.err;
    const auto json = r.out.substr(0, r.out.rfind('}') + 1);
    const auto plan = nlohmann::json::parse(json);
    EXPECT_EQ(plan["rates"], nlohmann::json({100.0, 200.0, 300.0}));
    EXPECT_EQ(plan["step_duration"], 2.0);
    EXPECT_EQ(plan["slo"]["p99_max_ms"], 20.0);
    EXPECT_EQ(plan["name"], "quick: ref");
    EXPECT_TRUE(contains(r.out, "9 steps (3 rates, 1 target, 3 repetitions), about")) << r.out;
    EXPECT_FALSE(std::filesystem::exists(home.db()));
}

TEST(Cli, RunThenListShowCompareExportImportDelete) {
    CliHome home;
    home.writeRefserverTarget("ref-fast", {"--delay-ms", "1"});
    home.writeRefserverTarget("ref-slow", {"--delay-ms", "8"});
    const auto run =
        home.run({"run", "--db", home.db(), "--targets", "ref-fast,ref-slow", "--rates", "100,200", "--duration", "1s",
                  "--warmup", "200ms", "--cooldown", "0", "--repeat", "1", "--slo", "p99<50ms", "--name", "cli flow"});
    ASSERT_EQ(exitCode(run), 0) << run.out << run.err;
    // The summary table: per target and rate, and each knee.
    for (const char* part : {"cli flow (run 1, completed)", "achieved", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms",
                             "errors", "CPU %", "ref-fast", "ref-slow", "Knee", "Stored as run 1"})
        EXPECT_TRUE(contains(run.out, part)) << part << "\n" << run.out;
    EXPECT_TRUE(contains(run.out, "ref-fast  200+") || contains(run.out, "ref-fast   200+")) << run.out;
    // The hints name this database, not the default one.
    EXPECT_TRUE(contains(run.out, " show 1 --db " + home.db())) << run.out;
    EXPECT_TRUE(contains(run.err, "[4/4]")) << "plain progress lines without a terminal\n" << run.err;

    const auto list = home.run({"list", "--db", home.db(), "--json"});
    ASSERT_EQ(exitCode(list), 0) << list.err;
    const auto runs = nlohmann::json::parse(list.out);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0]["id"], 1);
    EXPECT_EQ(runs[0]["name"], "cli flow");
    EXPECT_EQ(runs[0]["status"], "completed");
    EXPECT_TRUE(runs[0]["created"].get<std::string>().ends_with("Z"));
    EXPECT_EQ(runs[0]["steps"], 4);
    EXPECT_EQ(runs[0]["knee_rps"]["ref-fast"], 200.0);

    const auto table = home.run({"list", "--db", home.db(), "--filter", "flow"});
    EXPECT_TRUE(contains(table.out, "cli flow")) << table.out;
    EXPECT_TRUE(contains(home.run({"list", "--db", home.db(), "--filter", "nothing-like-it"}).out, "No runs match"));

    const auto show = home.run({"show", "--db", home.db(), "last"});
    ASSERT_EQ(exitCode(show), 0) << show.err;
    for (const char* part : {"Run #1 \"cli flow\"", "status:  completed", "plan:    scenario simple; rates 100, 200",
                             "machine:", "loadscope-refserver", "p99 ms", "Knee"})
        EXPECT_TRUE(contains(show.out, part)) << part << "\n" << show.out;
    const auto planOnly = home.run({"show", "--db", home.db(), "1", "--plan"});
    EXPECT_EQ(nlohmann::json::parse(planOnly.out)["targets"], nlohmann::json({"ref-fast", "ref-slow"}));

    const auto csvPath = home.dir() / "run.csv";
    const auto csv = home.run({"export", "--db", home.db(), "1", "--format", "csv", "--out", csvPath.string()});
    ASSERT_EQ(exitCode(csv), 0) << csv.err;
    std::istringstream csvLines(readFile(csvPath));
    std::string header, line;
    std::getline(csvLines, header);
    EXPECT_TRUE(header.starts_with("run_id,run_name,sequence,target,scenario,requested_rps")) << header;
    int rows = 0;
    while (std::getline(csvLines, line)) {
        ++rows;
        EXPECT_TRUE(line.starts_with("1,cli flow," + std::to_string(rows) + ",")) << line;
    }
    EXPECT_EQ(rows, 4);

    const auto jsonPath = home.dir() / "run.json";
    ASSERT_EQ(exitCode(home.run({"export", "--db", home.db(), "1", "--out", jsonPath.string()})), 0);
    const auto exported = nlohmann::json::parse(readFile(jsonPath));
    ASSERT_TRUE(exported.contains("steps"));
    EXPECT_EQ(exported["steps"].size(), 4u);
    const auto toStdout = home.run({"export", "--db", home.db(), "1", "--format", "json"});
    EXPECT_EQ(nlohmann::json::parse(toStdout.out)["steps"].size(), 4u);

    // Import into the same database: a new run with the same numbers.
    const auto imported = home.run({"import", "--db", home.db(), jsonPath.string()});
    ASSERT_EQ(exitCode(imported), 0) << imported.err;
    EXPECT_TRUE(contains(imported.out, "as run 2")) << imported.out;
    const auto compare = home.run({"compare", "--db", home.db(), "1", "2"});
    ASSERT_EQ(exitCode(compare), 0) << compare.err;
    EXPECT_TRUE(contains(compare.out, "#1 ref-fast")) << compare.out;
    EXPECT_TRUE(contains(compare.out, "#2 ref-slow")) << compare.out;
    std::istringstream compareLines(compare.out);
    int rateRows = 0;
    while (std::getline(compareLines, line))
        if (line.starts_with(" 100 ") || line.starts_with("100 ") || line.starts_with(" 200 ") ||
            line.starts_with("200 "))
            ++rateRows;
    EXPECT_EQ(rateRows, 2) << compare.out;
    // The imported run exports the same rows (but for its run id, the first column).
    auto withoutRunIds = [](const std::string& csvText) {
        std::istringstream in(csvText);
        std::string row, out;
        while (std::getline(in, row))
            out += row.substr(row.find(',')) + "\n";
        return out;
    };
    const auto exportedAgain = home.run({"export", "--db", home.db(), "2", "--format", "csv"});
    EXPECT_EQ(withoutRunIds(exportedAgain.out), withoutRunIds(readFile(csvPath)));

    // A broken import changes nothing.
    std::ofstream(home.dir() / "broken.json") << R"({"run": {"name": 5}})";
    const auto broken = home.run({"import", "--db", home.db(), (home.dir() / "broken.json").string()});
    EXPECT_EQ(exitCode(broken), 2) << broken.err;
    EXPECT_EQ(nlohmann::json::parse(home.run({"list", "--db", home.db(), "--json"}).out).size(), 2u);

    const auto deleted = home.run({"delete", "--db", home.db(), "2"});
    ASSERT_EQ(exitCode(deleted), 0) << deleted.err;
    EXPECT_TRUE(contains(deleted.out, "Deleted run 2")) << deleted.out;
    const auto after = nlohmann::json::parse(home.run({"list", "--db", home.db(), "--json"}).out);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0]["id"], 1);
    EXPECT_EQ(exitCode(home.run({"delete", "--db", home.db(), "2"})), 2) << "already gone";
}

TEST(Cli, SigintMidRunCancelsKeepsFinishedStepsAndLeavesNoChild) {
    CliHome home;
    home.writeRefserverTarget("ref");
    auto options = home.options({"run", "--db", home.db(), "--targets", "ref", "--rates", "100,200,300", "--duration",
                                 "3s", "--warmup", "0", "--cooldown", "0", "--repeat", "1", "--verbose"});
    OutputLines lines;
    options.onLine = lines.collector();
    ChildProcess loadscope(options);
    // Into the second step: it has started (the verbose "[2/3] ... ..." line) and its generator runs.
    ASSERT_TRUE(lines.waitFor("[2/3]", 30s)) << loadscope.stderrTail();
    ASSERT_TRUE(waitUntil([&] { return home.generatorRunning(); }, 10s)) << loadscope.stdoutTail();
    const auto interruptedAt = std::chrono::steady_clock::now();
    loadscope.signalGroup(SIGINT); // what Ctrl+C does: the terminal signals loadscope's process group
    const auto status = loadscope.waitFor(10s);
    ASSERT_TRUE(status) << "loadscope did not stop";
    EXPECT_LT(std::chrono::steady_clock::now() - interruptedAt, 4s) << "the step stops within 1 s, then storing";
    EXPECT_TRUE(status->exited);
    EXPECT_EQ(status->code, 130) << loadscope.stderrTail();
    EXPECT_TRUE(contains(loadscope.stdoutTail(), "cancelled")) << loadscope.stdoutTail();
    EXPECT_TRUE(home.markedProcesses().empty()) << "a server or the generator outlived loadscope";

    const auto runs = nlohmann::json::parse(home.run({"list", "--db", home.db(), "--json"}).out);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0]["status"], "cancelled");
    const auto exported = nlohmann::json::parse(home.run({"export", "--db", home.db(), "1"}).out);
    ASSERT_EQ(exported["steps"].size(), 2u) << "the finished step, and the cut one marked cancelled";
    EXPECT_EQ(exported["steps"][0]["status"], "ok");
    EXPECT_EQ(exported["steps"][1]["status"], "cancelled");
}

TEST(Cli, SigkillLeavesNoChildAliveAndTheNextListSaysInterrupted) {
    CliHome home;
    home.writeRefserverTarget("ref");
    auto options = home.options({"run", "--db", home.db(), "--targets", "ref", "--rates", "100,200", "--duration", "5s",
                                 "--warmup", "0", "--repeat", "1", "--verbose"});
    OutputLines lines;
    options.onLine = lines.collector();
    ChildProcess loadscope(options);
    ASSERT_TRUE(lines.waitFor("started ref on port", 30s)) << loadscope.stderrTail();
    // The server and the generator run now.
    ASSERT_TRUE(waitUntil([&] { return home.generatorRunning(); }, 10s)) << loadscope.stdoutTail();
    EXPECT_GE(home.markedProcesses().size(), 3u) << "loadscope, its server and its generator";
    loadscope.signalGroup(SIGKILL);
    const auto status = loadscope.waitFor(5s);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->signal, SIGKILL);
    // PR_SET_PDEATHSIG: the kernel kills them at once; they are gone once reaped by init.
    EXPECT_TRUE(waitUntil([&] { return home.markedProcesses().empty(); }, 5s))
        << "children outlived a killed loadscope";

    const auto runs = nlohmann::json::parse(home.run({"list", "--db", home.db(), "--json"}).out);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0]["status"], "interrupted");
}

TEST(Cli, CheckFlagsASlowedServerAndPassesARerun) {
    // The same plan three times: a baseline, a rerun, and a run whose server burns three times the CPU per request.
    // With three repetitions the rank test cannot reach p < 0.05 at any rate, so only the knees decide: 800+ against
    // at most 200 is a regression; 800+ against 800+ is not.
    CliHome home;
    home.writeRefserverTarget("ref", {"--delay-ms", "0", "--cpu-us", "1000"});
    auto runPlan = [&](const std::string& tag) {
        const auto r =
            home.run({"run",        "--db",   home.db(),  "--targets", "ref",        "--rates", "200,400,800",
                      "--duration", "1500ms", "--warmup", "300ms",     "--cooldown", "100ms",   "--repeat",
                      "3",          "--slo",  "p99<20ms", "--tag",     tag,          "-q"},
                     120s);
        EXPECT_EQ(exitCode(r), 0) << r.out << r.err;
        return r;
    };
    runPlan("baseline");
    const auto rerun = runPlan("rerun");
    EXPECT_TRUE(contains(rerun.out, "p99 ms [95 % interval]")) << rerun.out;
    home.writeRefserverTarget("ref", {"--delay-ms", "0", "--cpu-us", "3000"});
    runPlan("slowed");

    const auto same = home.run({"check", "tag:rerun", "--baseline", "tag:baseline", "--db", home.db()});
    EXPECT_EQ(exitCode(same), 0) << same.out << same.err;
    EXPECT_TRUE(contains(same.out, "No regression beyond noise")) << same.out;
    EXPECT_TRUE(contains(same.out, "cannot show p < 0.05; use 4+")) << same.out;

    const auto slowed = home.run({"check", "3", "--baseline", "tag:baseline", "--db", home.db()});
    EXPECT_EQ(exitCode(slowed), 1) << slowed.out << slowed.err;
    EXPECT_TRUE(contains(slowed.out, "REGRESSED")) << slowed.out;
    EXPECT_TRUE(contains(slowed.out, "do not overlap")) << slowed.out;

    const auto json = home.run({"check", "3", "--baseline", "1", "--format", "json", "--db", home.db()});
    EXPECT_EQ(exitCode(json), 1);
    const auto doc = nlohmann::json::parse(json.out);
    EXPECT_EQ(doc["regressed"], true);
    EXPECT_EQ(doc["targets"][0]["knee_verdict"], "<");
    const auto markdown = home.run({"check", "2", "--baseline", "1", "--format", "markdown", "--db", home.db()});
    EXPECT_EQ(exitCode(markdown), 0);
    EXPECT_TRUE(contains(markdown.out, "| target | knee |")) << markdown.out;

    const auto usage = home.run({"check", "2", "--baseline", "tag:nope", "--db", home.db()});
    EXPECT_EQ(exitCode(usage), 2);
    EXPECT_TRUE(contains(usage.err, "no run in")) << usage.err;
    EXPECT_EQ(exitCode(home.run({"check", "2", "--baseline", "2", "--db", home.db()})), 2);
    EXPECT_EQ(exitCode(home.run({"check", "2", "--baseline", "1", "--format", "xml", "--db", home.db()})), 2);

    // compare says the same in words.
    const auto compare = home.run({"compare", "1", "3", "--db", home.db()});
    EXPECT_EQ(exitCode(compare), 0) << compare.err;
    EXPECT_TRUE(contains(compare.out, "Is the difference real?")) << compare.out;
    EXPECT_TRUE(contains(compare.out, "knee       >")) << compare.out;
}
