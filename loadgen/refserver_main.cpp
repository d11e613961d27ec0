// loadscope-refserver: the reference HTTP/1.1 server for tests and calibration (docs/loadgen.md).

#include "process_limits.h"
#include "reference_server.h"

#include "loadscope_version.h"

#include <boost/asio/signal_set.hpp>

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>

namespace {

using namespace loadscope::loadgen;

// Every option: where to listen, what a request costs, what the reply looks like (`cpuText` and `port` are checked
// after parsing).
void declareRefserverOptions(CLI::App& app, ServerOptions& options, std::string& cpuText, int& port) {
    app.add_option("--bind", options.bindAddress, "Address to listen on")->capture_default_str();
    app.add_option("--port", port, "Port (0: any free port)")->check(CLI::Range(0, 65535))->capture_default_str();
    app.add_option("--delay-ms", options.delayMs, "Wait this long (a timer) before replying")
        ->check(CLI::Range(0.0, 3'600'000.0));
    app.add_option("--cpu-us", options.cpuUs, "Busy work per request, in microseconds")
        ->check(CLI::Range(0.0, 10'000'000.0));
    auto* stallEvery = app.add_option("--stall-every-ms", options.stallEveryMs,
                                      "Block the whole event loop every this many milliseconds")
                           ->check(CLI::Range(1.0, 3'600'000.0));
    auto* stallFor = app.add_option("--stall-ms", options.stallMs, "... for this many milliseconds")
                         ->check(CLI::Range(0.0, 3'600'000.0));
    stallEvery->needs(stallFor);
    stallFor->needs(stallEvery);
    app.add_option("--status", options.status, "HTTP status of every reply (except /health)")
        ->check(CLI::Range(200, 599))
        ->capture_default_str();
    app.add_option("--close-every", options.closeEvery, "Close each connection after this many responses (0: never)")
        ->check(CLI::Range(0, 1'000'000'000));
    app.add_option("--idle-timeout-ms", options.idleTimeoutMs,
                   "Close connections idle this long between requests, without notice (like a keep-alive timeout)")
        ->check(CLI::Range(0.0, 3'600'000.0));
    app.add_option("--body-bytes", options.bodyBytes, "Size of the response body")
        ->check(CLI::Range(0, 64 * 1024 * 1024))
        ->capture_default_str();
    app.add_flag("--chunked", options.chunked, "Send bodies with chunked transfer encoding");
    app.add_option("--arrivals-log", options.arrivalsLog,
                   "Write one line per request: its arrival in microseconds since the server started");
    app.add_option("--cpu", cpuText, "Pin the server to these cores: 0, 0,2 or 0-3");
}

// --cpu: this process pinned to the cores it names.
void pinRefserver(const std::string& cpuText) {
    if (cpuText.empty())
        return;
    std::string error;
    const auto cpus = parseCpuList(cpuText, error);
    if (!cpus)
        throw CLI::ValidationError("--cpu", error);
    if (const auto problem = pinToCpus(*cpus); !problem.empty())
        throw CLI::ValidationError("--cpu", problem);
}

// Serves on one thread until SIGINT or SIGTERM; the first line of stdout says where.
int serve(const ServerOptions& options) {
    try {
        boost::asio::io_context io(1);
        ReferenceServer server(io, options);
        boost::asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code& error, int) {
            if (error)
                return;
            server.stop();
            io.stop();
        });
        server.start();
        const auto endpoint = server.localEndpoint();
        std::cout << "listening on " << endpoint.address().to_string() << ":" << endpoint.port() << std::endl;
        io.run();
        server.stop();
    } catch (const std::exception& e) {
        std::cerr << "loadscope-refserver: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    CLI::App app{"loadscope-refserver: a small HTTP/1.1 keep-alive server with controllable latency, CPU cost, "
                 "stalls and errors. Answers every path; /health always answers 200 at once.",
                 "loadscope-refserver"};
    app.set_version_flag("--version", std::string(LOADSCOPE_VERSION) + " (" + LOADSCOPE_GIT_COMMIT + ")");
    app.footer("Prints \"listening on ADDRESS:PORT\" as its first line of stdout; stops on SIGINT / SIGTERM.");
    ServerOptions options;
    std::string cpuText;
    int port = 0;
    declareRefserverOptions(app, options, cpuText, port);
    try {
        app.parse(argc, argv);
        pinRefserver(cpuText);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "loadscope-refserver: " << e.what() << "\nRun 'loadscope-refserver --help' for the options.\n";
        return 2;
    }
    options.port = static_cast<std::uint16_t>(port);
    raiseOpenFileLimit();
    return serve(options);
}
