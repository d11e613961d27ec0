// HdrHistogram interval logs (HistogramLogWriter, format version 1.2/1.3): comment lines "#[StartTime: S ...]",
// "#[BaseTime: S ...]", a legend line, then one interval per line:
//   [Tag=NAME,]start seconds,length seconds,max (value / max-value-unit ratio),V2 compressed histogram (base64)
// Intervals are merged per tag into one step each; each interval adds to the timeline at its start second.
// Values carry no unit: --hlog-unit says it, else the max column decides (the writer's default ratio turns the
// histogram's unit into milliseconds there: a ratio of 10^6 means nanoseconds, 10^3 microseconds), else nanoseconds.
#include "format_parsers.h"
#include "hdr_encoding.h"
#include "text_fields.h"

#include <cmath>
#include <map>

namespace loadscope::importers {

namespace {

std::optional<double> microsPerUnit(std::string_view unit) {
    if (unit == "ns")
        return 0.001;
    if (unit == "us")
        return 1.0;
    if (unit == "ms")
        return 1000.0;
    if (unit == "s")
        return 1e6;
    return std::nullopt;
}

struct TagState {
    std::optional<double> microsPerUnit; // decided at the tag's first non-empty interval (or by --hlog-unit)
    std::string unitNote;
    LatencyHistogram histogram;
    LatencyHistogram second; // the interval(s) of the timeline's current second
    std::int64_t currentSecond = -1;
    std::map<std::int64_t, TimelinePoint> timeline;
    double firstStart = 0, lastEnd = 0;
    std::int64_t intervals = 0;

    void closeSecond() {
        if (currentSecond < 0)
            return;
        auto& p = timeline[currentSecond];
        p.p50Ms = static_cast<double>(second.valueAtPercentile(50)) / 1000.0;
        p.p99Ms = static_cast<double>(second.valueAtPercentile(99)) / 1000.0;
        second.reset();
        currentSecond = -1;
    }
};

// "#[StartTime: 1441753532.570 (seconds since epoch), ...]" -> 1441753532.570
std::optional<double> headerSeconds(std::string_view line, std::string_view key) {
    auto rest = trim(line.substr(key.size()));
    const auto end = rest.find_first_of(" ]");
    return parseDouble(rest.substr(0, end));
}

// The unit --hlog-unit gives (none: decided per tag from the log).
struct HlogUnitChoice {
    std::optional<double> microsPerUnit;
    std::string note;
};

HlogUnitChoice hlogUnitOption(const ParseOptions& options) {
    HlogUnitChoice choice;
    if (options.hlogUnit.empty())
        return choice;
    choice.microsPerUnit = microsPerUnit(options.hlogUnit);
    if (!choice.microsPerUnit)
        throw ImportError("--hlog-unit: expected ns, us, ms or s, got '" + options.hlogUnit + "'");
    choice.note = "values in " + options.hlogUnit + " (--hlog-unit)";
    return choice;
}

// One interval line: "[Tag=NAME,]start,length,max,HISTF...".
struct HlogInterval {
    std::string tag;
    double start = 0, length = 0, maxColumn = 0;
    HdrHistogramData data;
};

HlogInterval readHlogInterval(InputFile& file, std::string_view line) {
    HlogInterval interval;
    if (startsWith(line, "Tag=")) {
        const auto comma = line.find(',');
        if (comma == std::string_view::npos)
            file.failAt(file.lineNumber(), "expected 'Tag=NAME,' before the interval's columns");
        interval.tag = std::string(line.substr(4, comma - 4));
        line.remove_prefix(comma + 1);
    }
    std::string_view f[4];
    if (splitFields(line, ',', f, 4) != 4)
        file.failAt(file.lineNumber(),
                    "expected an interval 'start,length,max,HISTF...' (4 columns), found " + excerpt(line));
    const auto start = parseDouble(f[0]);
    const auto length = parseDouble(f[1]);
    const auto maxColumn = parseDouble(f[2]);
    if (!start || !length || !maxColumn || *length < 0 || *maxColumn < 0)
        file.failAt(file.lineNumber(), "expected numbers for the interval's start, length and max, found " +
                                           excerpt(line.substr(0, line.find(",HIST"))));
    std::string error;
    auto data = decodeHdrHistogram(f[3], &error);
    if (!data)
        file.failAt(file.lineNumber(), "column 4 (histogram): " + error);
    interval.start = *start;
    interval.length = *length;
    interval.maxColumn = *maxColumn;
    interval.data = std::move(*data);
    return interval;
}

// The tag's unit, from the first interval with counts when --hlog-unit did not say: the max column is the
// histogram's highest value divided by the writer's ratio, which each writer picks (per interval even).
void decideHlogUnit(TagState& state, const HlogInterval& interval) {
    if (state.microsPerUnit || interval.data.counters.empty() || interval.maxColumn <= 0)
        return;
    const double ratio = static_cast<double>(interval.data.counters.back().highest) / interval.maxColumn;
    const int decade = static_cast<int>(std::lround(std::log10(ratio)));
    const char* unit = decade == 6 ? "ns" : decade == 3 ? "us" : decade == 0 ? "ms" : nullptr;
    state.microsPerUnit = microsPerUnit(unit ? unit : "ns");
    state.unitNote = unit ? std::string("values in ") + unit + " (from the max column, read as milliseconds)"
                          : "values read as nanoseconds (HdrHistogram's convention; --hlog-unit to change)";
}

// The interval added to its tag's histogram and to the timeline at its start second.
void addHlogInterval(TagState& state, const HlogInterval& interval) {
    const double factor = state.microsPerUnit ? *state.microsPerUnit : 0.001;
    const auto maxUs = static_cast<std::int64_t>(std::llround(interval.maxColumn * 1000.0)); // the column is in ms
    state.firstStart = std::min(state.firstStart, interval.start);
    state.lastEnd = std::max(state.lastEnd, interval.start + interval.length);
    ++state.intervals;
    LatencyHistogram histogram;
    addToLatencyHistogram(interval.data, factor, std::optional<std::int64_t>(maxUs), histogram);
    state.histogram.merge(histogram);
    const auto second = static_cast<std::int64_t>(std::floor(interval.start));
    if (second != state.currentSecond) {
        state.closeSecond();
        state.currentSecond = second;
    }
    state.second.merge(histogram);
    auto& point = state.timeline[second];
    point.sent += histogram.count();
    point.completed += histogram.count();
}

// One tag's intervals as one step. `origin`: the log's base (or start) time, for relative timestamps.
ImportedStep hlogStepOf(const std::string& name, TagState& state, double origin, const std::string& layoutNote) {
    state.closeSecond();
    ImportedStep imported;
    Step& step = imported.step;
    // Timestamps below 10^9 are relative to the log's base (or start) time.
    const double absoluteStart = state.firstStart < 1e9 ? origin + state.firstStart : state.firstStart;
    step.startedMs = static_cast<std::int64_t>(std::llround(absoluteStart * 1000));
    step.durationS = state.lastEnd - state.firstStart;
    step.finishedMs = step.startedMs + static_cast<std::int64_t>(std::llround(step.durationS * 1000));
    step.status = StepStatus::Ok;
    step.due = step.sent = step.completed = step.ok = state.histogram.count();
    step.achievedRps = step.durationS > 0 ? static_cast<double>(step.completed) / step.durationS : 0;
    imported.measuredRps = step.achievedRps;
    step.latencyHistogram = state.histogram;
    step.latency = summarize(state.histogram);
    const auto firstSecond = static_cast<std::int64_t>(std::floor(state.firstStart));
    for (const auto& [second, point] : state.timeline) {
        TimelinePoint p = point;
        p.second = static_cast<int>(second - firstSecond);
        step.timeline.push_back(p);
    }
    auto& p = imported.provenance;
    p.tool = "hlog";
    p.format = "hlog V2";
    p.fidelity = Fidelity::Exact;
    p.tag = name;
    if (state.unitNote.empty())
        state.unitNote = "values read as nanoseconds (HdrHistogram's convention; --hlog-unit to change)";
    p.detail = std::to_string(state.intervals) + " intervals merged; " + state.unitNote +
               "; counts exact, values as HdrHistogram adds them" + layoutNote + "; no error counts in the log";
    return imported;
}

} // namespace

std::vector<ImportedStep> parseHlog(InputFile& file, const ParseOptions& options) {
    const HlogUnitChoice unitOption = hlogUnitOption(options);
    std::string layoutNote;
    std::optional<double> startTime, baseTime;
    std::map<std::string, TagState> tags;
    std::vector<std::string> tagOrder;
    std::string_view line;
    while (file.nextLine(line)) {
        line = trim(line);
        if (line.empty())
            continue;
        if (line.front() == '#') {
            if (startsWith(line, "#[StartTime:"))
                startTime = headerSeconds(line, "#[StartTime:");
            else if (startsWith(line, "#[BaseTime:"))
                baseTime = headerSeconds(line, "#[BaseTime:");
            continue;
        }
        if (startsWith(line, "\"StartTimestamp\""))
            continue; // the legend
        const HlogInterval interval = readHlogInterval(file, line);
        auto [it, inserted] = tags.try_emplace(interval.tag);
        TagState& state = it->second;
        if (inserted) {
            tagOrder.push_back(interval.tag);
            state.firstStart = interval.start;
            state.microsPerUnit = unitOption.microsPerUnit;
            state.unitNote = unitOption.note;
        }
        decideHlogUnit(state, interval);
        if (interval.data.significantDigits < LatencyHistogram::kSignificantDigits && layoutNote.empty())
            layoutNote = "; the log keeps " + std::to_string(interval.data.significantDigits) +
                         " significant digits, so values are within " +
                         (interval.data.significantDigits == 2 ? std::string("1 %") : std::string("10 %"));
        addHlogInterval(state, interval);
    }
    if (tags.empty())
        file.fail("no intervals: expected HdrHistogram log lines 'start,length,max,HISTF...'");

    const double origin = baseTime ? *baseTime : (startTime ? *startTime : 0.0);
    std::vector<ImportedStep> steps;
    for (const auto& name : tagOrder)
        steps.push_back(hlogStepOf(name, tags[name], origin, layoutNote));
    return steps;
}

} // namespace loadscope::importers
