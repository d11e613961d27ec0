#include "loadgen_options.h"

#include "process_limits.h"

#include "loadscope_version.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

namespace loadscope::loadgen {
namespace {

CLI::Validator durationValidator(bool allowZero) {
    return CLI::Validator(
        [allowZero](std::string& text) -> std::string {
            const auto duration = parseDuration(text);
            if (!duration)
                return "bad value \"" + text + "\" (expected " + std::string(kDurationHint) + ")";
            if (!allowZero && duration->count() <= 0)
                return "must be longer than 0";
            return {};
        },
        "DURATION");
}

// A number from `low` to `high` (whole when `whole`), with a message that says what is expected: CLI11's own reads
// "Value abc not in range 0.000000 to 10000000.000000".
CLI::Validator numberValidator(double low, double high, bool whole, const std::string& expected,
                               const std::string& range) {
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            std::size_t used = 0;
            double value = 0;
            try {
                value = whole ? static_cast<double>(std::stoll(text, &used)) : std::stod(text, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != text.size() || !(value >= low && value <= high))
                return "bad value \"" + text + "\" (expected " + expected + ")";
            return {};
        },
        range);
}

[[noreturn]] void badArgument(const std::string& option, const std::string& message) {
    throw CLI::ValidationError(option, message);
}

std::string readWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        badArgument("--body-file", "cannot read \"" + path + "\" (expected a readable file with the request body)");
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

// The command line as written, before it is checked and turned into LoadgenOptions.
struct LoadgenArguments {
    std::string urlText, durationText, scheduleText, warmupText = "0s", timeoutText = "5s";
    std::string batchWindowText = "100us";
    std::string arrivalsText = "uniform", bodyText, bodyFile, cpuText;
    std::vector<std::string> headers;
    std::optional<std::uint64_t> seed;
    double rate = 0;
    std::string shareText;
    std::int64_t startAtMs = 0;
    CLI::Option* rateOption = nullptr;
    CLI::Option* scheduleOption = nullptr;
};

// The request: URL, method, headers and body checked, and the bytes every request sends.
void applyRequestArguments(const LoadgenArguments& args, LoadgenOptions& options) {
    std::string error;
    const auto url = parseHttpUrl(args.urlText, error);
    if (!url)
        badArgument("--url", error);
    options.urlText = args.urlText;
    options.url = *url;
    if (const auto problem = methodProblem(options.request.method); !problem.empty())
        badArgument("--method", problem);
    for (const auto& header : args.headers) {
        if (const auto problem = headerProblem(header); !problem.empty())
            badArgument("--header", problem);
    }
    options.request.headers = args.headers;
    options.request.body = args.bodyFile.empty() ? args.bodyText : readWholeFile(args.bodyFile);
    options.requestBytes =
        serializeRequest(options.url, options.request, std::string("loadscope-loadgen/") + LOADSCOPE_VERSION);
}

// The schedule (--schedule, or --rate for --duration), which must send at least one request.
void applyScheduleArguments(const LoadgenArguments& args, LoadgenOptions& options) {
    if (args.scheduleOption->count()) {
        try {
            options.schedule = LoadSchedule::parse(args.scheduleText);
        } catch (const ScheduleError& e) {
            badArgument("--schedule", e.what());
        }
        if (options.schedule.totalExpectedCount() < 1)
            badArgument("--schedule", "\"" + args.scheduleText + "\" sends no request (every rate is 0)");
        options.constantRate = options.schedule.isConstant();
        return;
    }
    options.schedule = LoadSchedule::constant(args.rate, *parseDuration(args.durationText));
    if (options.schedule.totalExpectedCount() < 1)
        badArgument("--rate", "--rate " + args.rateOption->as<std::string>() + " for --duration " + args.durationText +
                                  " sends no request (expected at least one request)");
    options.constantRate = true;
}

// Warm-up, timeout, batch window, arrivals and seed.
void applyTimingArguments(const LoadgenArguments& args, LoadgenOptions& options) {
    options.warmup = *parseDuration(args.warmupText);
    options.timeout = *parseDuration(args.timeoutText);
    if (options.timeout < std::chrono::milliseconds(1))
        badArgument("--timeout", "must be at least 1ms");
    options.batchWindow = *parseDuration(args.batchWindowText);
    if (options.batchWindow > std::chrono::milliseconds(1))
        badArgument("--batch-window", "at most 1ms (it is added to the lateness of batched requests, and a "
                                      "generator more than 1 ms late is generator-limited), got " +
                                          args.batchWindowText);
    options.arrivals = args.arrivalsText == "poisson" ? ArrivalMode::Poisson : ArrivalMode::Uniform;
    options.seed = args.seed ? *args.seed : std::random_device{}();
}

// --share K/N: this generator's part of a schedule shared by N.
void applyShareArgument(const std::string& shareText, LoadgenOptions& options) {
    if (shareText.empty())
        return;
    const auto slash = shareText.find('/');
    int k = 0, n = 0;
    try {
        std::size_t used = 0;
        k = std::stoi(shareText.substr(0, slash), &used);
        if (slash == std::string::npos || used != slash)
            throw std::invalid_argument("no slash");
        n = std::stoi(shareText.substr(slash + 1), &used);
        if (used != shareText.size() - slash - 1)
            throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
        badArgument("--share", "expected K/N, e.g. 2/3, got \"" + shareText + "\"");
    }
    if (n < 1 || n > 1000 || k < 1 || k > n)
        badArgument("--share", "expected K/N with 1 <= K <= N <= 1000, got \"" + shareText + "\"");
    options.shareIndex = k - 1;
    options.shareCount = n;
}

// Threads, the shared schedule, the common start and the cores.
void applyProcessArguments(const LoadgenArguments& args, LoadgenOptions& options) {
    if (options.threads > options.connections)
        badArgument("--threads", "more threads (" + std::to_string(options.threads) + ") than --connections (" +
                                     std::to_string(options.connections) + "): each thread needs a connection");
    applyShareArgument(args.shareText, options);
    if (args.startAtMs < 0)
        badArgument("--start-at", "expected a Unix time in milliseconds");
    options.startAtUnixMs = args.startAtMs;
    if (!args.cpuText.empty()) {
        std::string error;
        const auto cpus = parseCpuList(args.cpuText, error);
        if (!cpus)
            badArgument("--cpu", error);
        options.cpus = *cpus;
    }
}

// What to send and when: the request, the schedule and its timing.
void declareLoadOptions(CLI::App& app, LoadgenArguments& args, LoadgenOptions& options) {
    app.add_option("--url", args.urlText, "http://HOST:PORT/PATH to request")->required();
    args.rateOption = app.add_option("--rate", args.rate, "Constant rate in requests per second (with --duration)")
                          ->check(numberValidator(0, LoadSchedule::kMaxRps, false, "requests per second, 0 to 10000000",
                                                  "in [0 - 1e7]"));
    auto* durationOption = app.add_option("--duration", args.durationText, "How long to send at --rate: 500ms, 20s, 2m")
                               ->check(durationValidator(false));
    args.scheduleOption = app.add_option("--schedule", args.scheduleText,
                                         "Phases instead of --rate/--duration: \"line(100,3000,60s) const(3000,30s) "
                                         "step(500,3000,500,10s)\"");
    args.rateOption->needs(durationOption);
    durationOption->needs(args.rateOption);
    args.scheduleOption->excludes(args.rateOption)->excludes(durationOption);
    app.add_option("--warmup", args.warmupText, "Run this long at the first rate first, left out of the results")
        ->check(durationValidator(true))
        ->capture_default_str();
    app.add_option("--arrivals", args.arrivalsText,
                   "uniform (evenly spaced) or poisson (exponential gaps, same mean rate)")
        ->check(CLI::IsMember({"uniform", "poisson"}))
        ->capture_default_str();
    app.add_option("--seed", args.seed, "Random seed for --arrivals poisson (default: random)");
    app.add_option("--connections", options.connections, "At most this many keep-alive connections")
        ->check(numberValidator(1, 1'000'000, true, "a whole number of connections, 1 to 1000000", "in [1 - 1000000]"))
        ->capture_default_str();
    app.add_option("--timeout", args.timeoutText, "A response not complete this long after its send is a timeout")
        ->check(durationValidator(false))
        ->capture_default_str();
    app.add_option("--method", options.request.method, "HTTP method")->capture_default_str();
    app.add_option("--header", args.headers, "Extra request header \"Name: value\" (repeatable)");
    auto* bodyOption = app.add_option("--body", args.bodyText, "Request body");
    app.add_option("--body-file", args.bodyFile, "Request body from a file")->excludes(bodyOption);
}

// How this process runs: threads and cores, waking up, sharing a schedule with other generators, output.
void declareProcessOptions(CLI::App& app, LoadgenArguments& args, LoadgenOptions& options) {
    app.add_option("--threads", options.threads, "Event-loop threads (each takes its share of the one schedule)")
        ->check(numberValidator(1, 64, true, "a whole number of threads, 1 to 64", "in [1 - 64]"))
        ->capture_default_str();
    app.add_option("--cpu", args.cpuText, "Pin the generator to these cores: 1, 0,2 or 0-3");
    auto* busyPollFlag = app.add_flag(
        "--busy-poll", options.busyPoll,
        "Never sleep between events: the core stays awake, so sends are on time even where waking an idle "
        "core is slow (VMs); uses all of one core per thread. For a generator on a core of its own (--cpu)");
    app.add_flag("--realtime", options.realtime,
                 "Run at real-time priority (SCHED_FIFO) so that sends are not late when the core wakes up from idle; "
                 "for a generator on a core of its own (--cpu). Needs root or CAP_SYS_NICE, else a warning")
        ->excludes(busyPollFlag); // a real-time task that never sleeps is throttled by the kernel: 50 ms stalls
    app.add_option("--batch-window", args.batchWindowText,
                   "While requests are due less than this apart, wake up once per window: read the responses that "
                   "arrived and send every request due by then (fewer wake-ups at high rates; each send's lateness is "
                   "measured, responses keep the kernel's arrival time); 0 wakes up for every request and response")
        ->check(durationValidator(true))
        ->capture_default_str();
    app.add_option("--share", args.shareText,
                   "K/N: be generator K of N sharing the schedule (--rate is the total): send every N-th request "
                   "from the K-th (uniform) or 1/N of the Poisson process, so that N generators keep one schedule");
    app.add_option("--start-at", args.startAtMs,
                   "Start the schedule (its warm-up) at this wall-clock time, Unix epoch in milliseconds (generators "
                   "on several hosts starting together); default: at once");
    app.add_flag("--json", options.json, "Print the result as one JSON document on stdout");
    app.add_flag("--progress", options.progress, "Print a JSON progress line on stderr every 250 ms");
}

} // namespace

ParsedCommandLine parseLoadgenCommandLine(int argc, const char* const* argv) {
    LoadgenArguments args;
    LoadgenOptions options;
    CLI::App app{"loadscope-loadgen: open-loop, constant-rate HTTP/1.1 load generator. Latency counts from each "
                 "request's due time, so a stalled server cannot hide its queueing delay (no coordinated omission).",
                 "loadscope-loadgen"};
    app.set_version_flag("--version", std::string(LOADSCOPE_VERSION) + " (" + LOADSCOPE_GIT_COMMIT + ")");
    app.footer("Examples:\n"
               "  loadscope-loadgen --url http://127.0.0.1:8080/simple --rate 2000 --duration 20s --json\n"
               "  loadscope-loadgen --url http://127.0.0.1:8080/ --schedule \"line(100,3000,60s) const(3000,30s)\"\n"
               "Exit codes: 0 done (also after SIGINT/SIGTERM, with \"partial\": true), 2 bad arguments, "
               "3 could not connect at all.\nThe JSON output is documented in docs/loadgen.md.");

    declareLoadOptions(app, args, options);
    declareProcessOptions(app, args, options);

    ParsedCommandLine result;
    try {
        app.parse(argc, argv);
        if (args.rateOption->count() == 0 && args.scheduleOption->count() == 0)
            throw CLI::RequiredError("--rate with --duration, or --schedule,");
        applyRequestArguments(args, options);
        applyScheduleArguments(args, options);
        applyTimingArguments(args, options);
        applyProcessArguments(args, options);
        result.options = std::move(options);
    } catch (const CLI::CallForHelp& e) {
        result.exitCode = app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        result.exitCode = app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "loadscope-loadgen: " << e.what() << "\nRun 'loadscope-loadgen --help' for the options.\n";
        result.exitCode = 2;
    }
    return result;
}

} // namespace loadscope::loadgen
