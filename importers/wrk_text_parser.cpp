// wrk2 and wrk text output. wrk2 --latency prints HdrHistogram's "Detailed Percentile spectrum" (value in ms,
// percentile, total count): the histogram is rebuilt from it. With -U a second spectrum ("Uncorrected Latency") is
// the service time. wrk --latency prints four percentiles only. Both end with the request count, socket errors,
// non-2xx/3xx responses and Requests/sec.
#include "format_parsers.h"
#include "percentile_rebuild.h"
#include "text_fields.h"

#include <cmath>
#include <sstream>

namespace loadscope::importers {

namespace {

// "6.67ms", "130.00us", "1.20s", "2.00m", "1.00h" -> microseconds.
std::optional<std::int64_t> parseWrkDuration(std::string_view text) {
    static constexpr std::pair<std::string_view, double> kUnits[] = {
        {"us", 1.0}, {"ms", 1e3}, {"s", 1e6}, {"m", 60e6}, {"h", 3600e6}};
    for (const auto& [suffix, scale] : kUnits) {
        if (text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix) {
            const auto number = text.substr(0, text.size() - suffix.size());
            if (number.empty() || !(number.back() >= '0' && number.back() <= '9'))
                continue;
            if (const auto v = parseDouble(number); v && *v >= 0)
                return static_cast<std::int64_t>(std::llround(*v * scale));
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start)
            out.push_back(line.substr(start, i - start));
    }
    return out;
}

struct WrkReport {
    std::string url, header;
    std::vector<SpectrumRow> corrected, uncorrected;
    std::vector<PrintedPercentile> printed; // wrk's "Latency Distribution"
    std::optional<std::int64_t> maxUs, printedMaxUs;
    std::optional<std::int64_t> requests;
    std::optional<double> seconds, requestsPerSecond;
    ErrorCounts errors;
    std::int64_t non2xx = 0;
    bool sawSpectrumHeader = false;
};

class WrkReader {
public:
    explicit WrkReader(InputFile& file)
        : file_(file) {}

    WrkReport read() {
        std::string_view raw;
        while (file_.nextLine(raw))
            line(trim(raw));
        if (inSpectrum_ && !spectrumClosed_)
            file_.failAt(file_.lineNumber(), "the percentile spectrum is cut short: expected its '#[Mean' and "
                                             "'#[Max' lines");
        return std::move(report_);
    }

private:
    void line(std::string_view text) {
        const auto w = words(text);
        if (startsWith(text, "Running ") && text.find(" test @ ") != std::string_view::npos) {
            report_.url = std::string(trim(text.substr(text.find(" test @ ") + 8)));
            report_.header = std::string(text);
        } else if (startsWith(text, "Latency Distribution (HdrHistogram")) {
            // "... - Recorded Latency)", or with -U "... - Uncorrected Latency (measured without ...))"
            const bool uncorrected = text.find("Uncorrected") != std::string_view::npos;
            target_ = uncorrected ? &report_.uncorrected : &report_.corrected;
        } else if (startsWith(text, "Latency Distribution")) {
            wrkPercentiles_ = true;
        } else if (startsWith(text, "Detailed Percentile spectrum")) {
            report_.sawSpectrumHeader = true;
            inSpectrum_ = true;
            spectrumClosed_ = false;
        } else if (inSpectrum_) {
            spectrumLine(text, w);
        } else if (wrkPercentiles_ && w.size() == 2 && !w[0].empty() && w[0].back() == '%') {
            const auto percent = parseDouble(w[0].substr(0, w[0].size() - 1));
            const auto value = parseWrkDuration(w[1]);
            if (!percent || !value)
                file_.failAt(file_.lineNumber(),
                             "expected a percentile line like '99%  1.20ms', found " + excerpt(text));
            report_.printed.push_back({*percent, *value});
        } else if (w.size() >= 4 && w[1] == "requests" && w[2] == "in") {
            wrkPercentiles_ = false;
            report_.requests = parseInt(w[0]);
            std::string_view duration = w[3];
            if (!duration.empty() && duration.back() == ',')
                duration.remove_suffix(1);
            const auto us = parseWrkDuration(duration);
            if (!report_.requests || !us)
                file_.failAt(file_.lineNumber(), "expected 'N requests in 30.00s, ...', found " + excerpt(text));
            report_.seconds = static_cast<double>(*us) / 1e6;
        } else if (startsWith(text, "Socket errors:")) {
            socketErrors(text);
        } else if (startsWith(text, "Non-2xx or 3xx responses:")) {
            const auto n = parseInt(trim(text.substr(26)));
            if (!n)
                file_.failAt(file_.lineNumber(), "expected 'Non-2xx or 3xx responses: N', found " + excerpt(text));
            report_.non2xx = *n;
        } else if (startsWith(text, "Requests/sec:")) {
            report_.requestsPerSecond = parseDouble(trim(text.substr(13)));
            if (!report_.requestsPerSecond)
                file_.failAt(file_.lineNumber(), "expected 'Requests/sec: R', found " + excerpt(text));
        } else if (w.size() >= 4 && w[0] == "Latency" && !wrkPercentiles_) {
            report_.printedMaxUs = parseWrkDuration(w[3]); // Thread Stats: Avg Stdev Max
        }
    }

    void spectrumLine(std::string_view text, const std::vector<std::string_view>& w) {
        if (w.empty() || (w.size() >= 1 && w[0] == "Value"))
            return;
        if (startsWith(text, "#[Max")) {
            // "#[Max     =       12.496, Total count    =        39500]"
            const auto eq = text.find('=');
            const auto comma = text.find(',');
            if (eq != std::string_view::npos && comma != std::string_view::npos) {
                const auto v = parseDouble(trim(text.substr(eq + 1, comma - eq - 1)));
                if (v && target_ == &report_.corrected)
                    report_.maxUs = static_cast<std::int64_t>(std::llround(*v * 1000));
            }
            return;
        }
        if (startsWith(text, "#[Buckets") || startsWith(text, "----")) {
            inSpectrum_ = false;
            spectrumClosed_ = true;
            target_ = &report_.corrected;
            return;
        }
        if (startsWith(text, "#["))
            return;
        if (w.size() != 4)
            file_.failAt(file_.lineNumber(), "expected a spectrum row 'Value Percentile TotalCount 1/(1-Percentile)', "
                                             "found " +
                                                 excerpt(text));
        const auto value = parseDouble(w[0]);
        const auto percentile = parseDouble(w[1]);
        const auto total = parseInt(w[2]);
        if (!value || !percentile || !total || *value < 0 || *total < 0 || *percentile > 1.0)
            file_.failAt(file_.lineNumber(), "expected a spectrum row of a value in ms, a percentile from 0 to 1 and "
                                             "a total count, found " +
                                                 excerpt(text));
        auto& rows = *target_;
        if (!rows.empty() && *total < rows.back().totalCount)
            file_.failAt(file_.lineNumber(), "expected total counts that never decrease, found " +
                                                 std::to_string(*total) + " after " +
                                                 std::to_string(rows.back().totalCount));
        rows.push_back({static_cast<std::int64_t>(std::llround(*value * 1000)), *total});
    }

    void socketErrors(std::string_view text) {
        // "Socket errors: connect 0, read 0, write 0, timeout 0"
        const auto w = words(text.substr(14));
        for (std::size_t i = 0; i + 1 < w.size(); i += 2) {
            std::string_view number = w[i + 1];
            if (!number.empty() && number.back() == ',')
                number.remove_suffix(1);
            const auto n = parseInt(number);
            if (!n)
                file_.failAt(file_.lineNumber(), "expected 'Socket errors: connect N, read N, write N, timeout N', "
                                                 "found " +
                                                     excerpt(text));
            if (w[i] == "connect")
                report_.errors.connect += *n;
            else if (w[i] == "timeout")
                report_.errors.timeout += *n;
            else
                report_.errors.read += *n; // read and write errors
        }
    }

    InputFile& file_;
    WrkReport report_;
    std::vector<SpectrumRow>* target_ = &report_.corrected;
    bool inSpectrum_ = false, spectrumClosed_ = false, wrkPercentiles_ = false;
};

} // namespace

std::vector<ImportedStep> parseWrkText(InputFile& file) {
    WrkReport r = WrkReader(file).read();
    if (!r.requests || !r.seconds)
        file.fail("expected wrk or wrk2 output with a line 'N requests in 30.00s, ...' (was the run cut short?)");
    const bool wrk2 = !r.corrected.empty();
    if (!wrk2 && r.printed.empty())
        file.fail(r.sawSpectrumHeader ? "the percentile spectrum has no rows"
                                      : "expected latency percentiles: run wrk2 or wrk with --latency");
    ImportedStep imported;
    Step& step = imported.step;
    auto& p = imported.provenance;
    p.tool = wrk2 ? "wrk2" : "wrk";
    p.format = "text";
    p.url = r.url;
    p.commandLine = r.header;
    step.status = StepStatus::Ok;
    step.durationS = *r.seconds;
    step.completed = *r.requests;
    step.errors = r.errors;
    if (r.non2xx > 0)
        step.errors.status[0] = r.non2xx; // wrk does not say which codes
    step.sent = step.due = *r.requests + r.errors.connect + r.errors.timeout;
    step.ok = std::max<std::int64_t>(0, *r.requests - r.non2xx);
    step.achievedRps = r.requestsPerSecond ? *r.requestsPerSecond : static_cast<double>(*r.requests) / *r.seconds;
    imported.measuredRps = step.achievedRps;
    if (wrk2) {
        p.fidelity = Fidelity::RebuiltFromSpectrum;
        p.detail = "histogram rebuilt from the printed percentile spectrum (" + std::to_string(r.corrected.size()) +
                   " rows, values to 1 us)";
        LatencyHistogram h = histogramFromSpectrum(r.corrected, r.maxUs);
        step.latencyHistogram = h;
        if (!r.uncorrected.empty()) {
            step.serviceTimeHistogram = histogramFromSpectrum(r.uncorrected, std::nullopt);
            p.detail += "; service time from the uncorrected spectrum (-U)";
        }
    } else {
        p.fidelity = Fidelity::PrintedPercentiles;
        std::string list;
        for (const auto& pp : r.printed)
            list += (list.empty() ? "" : ", ") + std::to_string(static_cast<int>(pp.percent)) + "%";
        p.detail = "closed loop, latency not corrected for coordinated omission; only the printed percentiles (" +
                   list + ") and the maximum are known, others read as the next printed one";
        // Histogram of the completed requests, so merges and charts work; its percentiles are the printed ones.
        step.latencyHistogram = histogramFromPercentiles(r.printed, *r.requests, std::nullopt, r.printedMaxUs);
        step.serviceTimeHistogram = step.latencyHistogram;
    }
    step.latency = summarize(*step.latencyHistogram);
    step.serviceTime = step.serviceTimeHistogram ? summarize(*step.serviceTimeHistogram) : LatencySummary{};
    return {imported};
}

} // namespace loadscope::importers
