#include "hlog_writer.h"

#include "hdr_encoding.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace loadscope::importers {

namespace {
std::string fixed3(double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%.3f", v);
    return text;
}

std::string rateText(double rps) {
    char text[64];
    std::snprintf(text, sizeof text, "%g", rps);
    return text;
}

std::string utcText(std::int64_t ms) {
    const std::time_t seconds = ms / 1000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[64];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}
} // namespace

std::string hlogTag(const Step& step) {
    std::string tag = step.targetName + "@" + rateText(step.requestedRps) + "rps#" + std::to_string(step.repetition);
    std::replace_if(
        tag.begin(), tag.end(), [](char c) { return c == ',' || c == ' ' || c == '=' || c == '\t'; }, '_');
    return tag;
}

std::string runToHlog(const Run& run) {
    std::int64_t startMs = run.createdMs;
    for (const auto& s : run.steps)
        if (s.latencyHistogram && s.startedMs > 0)
            startMs = std::min(startMs > 0 ? startMs : s.startedMs, s.startedMs);
    std::string out;
    out += "#[Written by Loadscope: run " + std::to_string(run.id) + " \"" + run.name +
           "\"; one interval per step, tagged target@rate#repetition; values in microseconds]\n";
    out += "#[Histogram log format version 1.3]\n";
    out += "#[StartTime: " + fixed3(static_cast<double>(startMs) / 1000.0) + " (seconds since epoch), " +
           utcText(startMs) + "]\n";
    out += "#[BaseTime: " + fixed3(static_cast<double>(startMs) / 1000.0) + " (seconds since epoch)]\n";
    out += "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n";
    for (const auto& s : run.steps) {
        if (!s.latencyHistogram)
            continue;
        const double start = s.startedMs > 0 ? static_cast<double>(s.startedMs - startMs) / 1000.0 : 0.0;
        out += "Tag=" + hlogTag(s) + "," + fixed3(std::max(0.0, start)) + "," + fixed3(s.durationS) + "," +
               fixed3(static_cast<double>(s.latencyHistogram->max()) / 1000.0) + "," +
               encodeHdrHistogram(*s.latencyHistogram) + "\n";
    }
    return out;
}

} // namespace loadscope::importers
