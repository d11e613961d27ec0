// loadscope profile RUN --step N [--diff RUN:STEP] --format folded|svg|png|top [--out FILE] [--search TEXT]
#include "cli_profile.h"

#include "cli_command.h"
#include "cli_files.h"
#include "flame_svg.h"
#include "folded_profile.h"
#include "frame_tree.h"
#include "function_totals.h"
#include "plan_text.h"
#include "run_store.h"

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

namespace loadscope::cli {

namespace {

SvgRasterizer& rasterizer() {
    static SvgRasterizer instance;
    return instance;
}

struct ProfileOptions {
    std::string db;
    std::string run;
    int step = 0;
    std::string diff;
    std::string format;
    std::string out;
    std::string search;
    int top = 30;
};

struct StepProfileData {
    std::string label; // "run 12 step 3: tornado-gen @ 1500 req/s (rep 1)"
    FoldedProfile profile;
};

// "  3  tornado-gen @ 1500 req/s, repetition 1 (python)" for each profiled step of the run.
std::string profiledStepList(const Run& run) {
    std::string list;
    for (const auto& s : run.steps)
        if (s.profiled())
            list += "  " + std::to_string(s.sequence) + "  " + s.targetName + " @ " + formatNumber(s.requestedRps, 1) +
                    " req/s, repetition " + std::to_string(s.repetition) + " (" + s.profile->profiler + ")\n";
    return list.empty() ? "  (none: profile a run with `loadscope run ... --profile`)\n" : list;
}

StepProfileData loadStepProfile(const RunStore& store, const std::string& runText, int sequence,
                                const std::string& what) {
    const auto runId = resolveRunId(store, runText, what);
    const auto run = store.loadRun(runId);
    const Step* step = nullptr;
    for (const auto& s : run->steps)
        if (s.sequence == sequence)
            step = &s;
    if (!step)
        throw UsageError(what + ": run " + std::to_string(runId) + " has no step " + std::to_string(sequence) +
                         ". Its profiled steps:\n" + profiledStepList(*run));
    if (!step->profiled())
        throw UsageError(what + ": step " + std::to_string(sequence) + " of run " + std::to_string(runId) + " (" +
                         step->targetName + " @ " + formatNumber(step->requestedRps, 1) +
                         " req/s) was not profiled. Its profiled steps:\n" + profiledStepList(*run));
    const auto parsed = parseFolded(store.loadProfile(step->id).value_or(""));
    if (!parsed.ok())
        throw std::runtime_error("the stored profile of step " + std::to_string(sequence) +
                                 " does not parse: " + parsed.error);
    return {"run " + std::to_string(runId) + " step " + std::to_string(sequence) + ": " + step->targetName + " @ " +
                formatNumber(step->requestedRps, 1) + " req/s (repetition " + std::to_string(step->repetition) + ", " +
                step->profile->profiler + ")",
            parsed.profile};
}

std::string percent(double share) {
    char text[16];
    std::snprintf(text, sizeof text, "%5.1f %%", 100.0 * share);
    return text;
}

std::string topTable(const StepProfileData& data, int limit) {
    std::ostringstream out;
    out << data.label << "\n"
        << data.profile.busySamples() << " busy samples; idle " << percent(data.profile.idleShare())
        << " of all (left out below)\n\n   self    total  function\n";
    int shown = 0;
    for (const auto& t : functionTotals(data.profile)) {
        if (shown++ >= limit)
            break;
        out << percent(t.selfShare) << "  " << percent(t.totalShare) << "  " << t.name << "\n";
    }
    return out.str();
}

std::string differenceTable(const StepProfileData& base, const StepProfileData& data, int limit) {
    std::ostringstream out;
    out << "base: " << base.label << " (idle " << percent(base.profile.idleShare()) << ")\nthis: " << data.label
        << " (idle " << percent(data.profile.idleShare())
        << ")\nShares of busy samples; the change in points, largest first.\n\n   base     this   change  function\n";
    int shown = 0;
    for (const auto& d : functionDifferences(base.profile, data.profile)) {
        if (shown++ >= limit)
            break;
        char change[16];
        std::snprintf(change, sizeof change, "%6s", pointsText(d.totalDelta()).c_str());
        out << percent(d.baseTotalShare) << "  " << percent(d.totalShare) << "  " << change << "  " << d.name << "\n";
    }
    return out.str();
}

// FlameGraph's difffolded format: "stack base_count this_count".
std::string differentialFolded(const FoldedProfile& base, const FoldedProfile& profile) {
    std::map<std::vector<std::string>, std::pair<std::uint64_t, std::uint64_t>> counts;
    for (const auto& s : base.stacks)
        counts[s.frames].first += s.count;
    for (const auto& s : profile.stacks)
        counts[s.frames].second += s.count;
    std::string out;
    for (const auto& [frames, c] : counts) {
        for (std::size_t i = 0; i < frames.size(); ++i)
            out += (i ? ";" : "") + frames[i];
        out += " " + std::to_string(c.first) + " " + std::to_string(c.second) + "\n";
    }
    return out;
}

std::string flameSvg(const StepProfileData& data, const StepProfileData* base, const std::string& search) {
    FlameSvgOptions options;
    options.search = search;
    char idle[64];
    std::snprintf(idle, sizeof idle, "idle %.1f %% (not drawn)", 100.0 * data.profile.idleShare());
    if (base) {
        options.differential = true;
        options.title = data.label + " vs " + base->label;
        options.subtitle = "Widths: this step's busy samples; colour: change of each frame's share from the base. " +
                           std::string(idle);
        return renderFlameSvg(FrameTree::buildDifferential(base->profile, data.profile, false), options);
    }
    options.title = data.label;
    options.subtitle = std::to_string(data.profile.busySamples()) + " busy samples; " + idle;
    return renderFlameSvg(FrameTree::build(data.profile, false), options);
}

// "RUN:STEP" -> (run text, step number).
std::pair<std::string, int> parseRunStep(const std::string& text) {
    const auto colon = text.rfind(':');
    try {
        if (colon == std::string::npos || colon == 0)
            throw std::invalid_argument("no colon");
        std::size_t used = 0;
        const int step = std::stoi(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1 || step < 1)
            throw std::invalid_argument("bad step");
        return {text.substr(0, colon), step};
    } catch (const std::exception&) {
        throw UsageError("--diff: expected RUN:STEP, e.g. 12:3 or last:2; got '" + text + "'");
    }
}

int profileCommand(const ProfileOptions& o) {
    if (o.step == 0) { // no --step: say which steps can be shown
        auto store = RunStore::open(existingDatabase(o.db), RunStore::OpenMode::ReadOnly);
        const auto runId = resolveRunId(store, o.run);
        std::cout << "Profiled steps of run " << runId << " (show one with --step N):\n"
                  << profiledStepList(*store.loadRun(runId));
        return kExitOk;
    }
    const std::string format =
        outputFormat(o.format, o.out, {{".svg", "svg"}, {".png", "png"}, {".txt", "top"}}, "folded");
    if (format == "png" && (o.out.empty() || o.out == "-"))
        throw UsageError("--format png needs --out FILE.png");
    if (format == "png" && !rasterizer())
        throw UsageError("--format png needs the desktop build of loadscope (this one has no GUI); use --format svg");
    auto store = RunStore::open(existingDatabase(o.db), RunStore::OpenMode::ReadOnly);
    const auto data = loadStepProfile(store, o.run, o.step, "RUN --step");
    std::optional<StepProfileData> base;
    if (!o.diff.empty()) {
        const auto [runText, step] = parseRunStep(o.diff);
        base = loadStepProfile(store, runText, step, "--diff");
    }
    std::string content;
    if (format == "folded")
        content = base ? differentialFolded(base->profile, data.profile) : formatFolded(data.profile);
    else if (format == "top")
        content = base ? differenceTable(*base, data, o.top) : topTable(data, o.top);
    else
        content = flameSvg(data, base ? &*base : nullptr, o.search);
    if (format == "png") {
        if (const auto error = rasterizer()(content, o.out); !error.empty())
            throw std::runtime_error("writing " + o.out + " failed: " + error);
    } else if (!writeOutput(o.out, content)) {
        return kExitOk;
    }
    std::cerr << "Wrote the " << (base ? "difference " : "profile ") << "as " << format << " to " << o.out << "\n";
    return kExitOk;
}

} // namespace

void setSvgRasterizer(SvgRasterizer r) {
    rasterizer() = std::move(r);
}

Command addProfileCommand(CLI::App& root) {
    auto options = std::make_shared<ProfileOptions>();
    auto* app = addStoredRunsCommand(root, "profile",
                                     "A profiled step's flame graph or top functions, or the difference between two "
                                     "steps (runs made with `loadscope run --profile`)",
                                     options->db);
    addRunArgument(*app, options->run);
    app->add_option("--step", options->step,
                    "The step's number in the run (its order of execution; without --step, the profiled steps "
                    "are listed)")
        ->type_name("N");
    app->add_option("--diff", options->diff,
                    "Compare with this step (the base): colours and the table show how each function's share "
                    "changed from it")
        ->type_name("RUN:STEP");
    addOutputOptions(*app, options->out, options->format, {"folded", "svg", "png", "top"},
                     "Write to FILE instead of standard output",
                     "folded (FlameGraph, speedscope), svg, png or top (default: from --out's extension, else folded)");
    app->add_option("--search", options->search, "Highlight frames containing TEXT (svg, png) with their share")
        ->type_name("TEXT");
    app->add_option("--top", options->top, "Rows of the top table (default 30)")->type_name("N");
    return {app, [options] { return profileCommand(*options); }};
}

} // namespace loadscope::cli
