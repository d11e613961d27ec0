#pragma once
// A tiny blocking HTTP/1.1 client for two jobs that are not load: waiting until a freshly started server answers
// (readiness), and sending one request to see what one request costs (`loadscope targets --probe`).
// One connection per request, closed afterwards. Never throws.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace loadscope {

class ChildProcess;

struct HttpRequestSpec {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string method = "GET";
    std::string target = "/";         // path and query
    std::vector<std::string> headers; // "Name: value"
    std::string body;
    std::chrono::milliseconds timeout{5000}; // for connect + request + response together
};

struct HttpProbeResult {
    bool ok = false; // a complete response arrived (whatever its status)
    int status = 0;  // HTTP status code
    std::string body;
    double connectMs = 0; // TCP connect
    double latencyMs = 0; // first byte of the request written -> last byte of the response read
    std::string error;    // when !ok: "connection refused", "timed out after 5000 ms", ...
};

HttpProbeResult httpRequest(const HttpRequestSpec& request);

struct ReadinessResult {
    bool ready = false;
    double elapsedMs = 0;
    int attempts = 0;
    std::string error; // when !ready: why (the last attempt's error, or how the child exited)
};

// Polls GET `path` until it answers 200, `timeout` passes, or keepWaiting() returns false.
ReadinessResult waitUntilReady(const std::string& host, int port, const std::string& path,
                               std::chrono::milliseconds timeout, const std::function<bool()>& keepWaiting = {});
// The same for a server started as `child`: fails at once when the child exits, with its exit status and the
// end of its stderr in the error.
ReadinessResult waitUntilReady(ChildProcess& child, int port, const std::string& path,
                               std::chrono::milliseconds timeout);

} // namespace loadscope
