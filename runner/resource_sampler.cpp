#include "resource_sampler.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace loadscope {

namespace {

double monotonicSeconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string readSmallFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in)
        return {};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::int64_t toInt(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    std::int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

// The value of "Key:" in a /proc status file.
std::int64_t statusField(const std::string& status, std::string_view key) {
    std::size_t pos = 0;
    while ((pos = status.find(key, pos)) != std::string::npos) {
        if ((pos == 0 || status[pos - 1] == '\n') && pos + key.size() < status.size() &&
            status[pos + key.size()] == ':')
            return toInt(std::string_view(status).substr(pos + key.size() + 1));
        pos += key.size();
    }
    return 0;
}

struct StatFields {
    pid_t pgid = 0;
    std::int64_t utime = 0, stime = 0; // clock ticks
    bool valid = false;
};

// /proc/<pid>/stat: "pid (comm) state ppid pgrp ...". comm may hold spaces and parentheses: parse after the last ')'.
StatFields readStat(const std::filesystem::path& dir) {
    StatFields f;
    const auto text = readSmallFile(dir / "stat");
    const auto close = text.rfind(')');
    if (close == std::string::npos)
        return f;
    std::istringstream in(text.substr(close + 1));
    std::string state;
    long long ppid = 0, pgrp = 0, session = 0, ttyNr = 0, tpgid = 0;
    unsigned long long flags = 0, minflt = 0, cminflt = 0, majflt = 0, cmajflt = 0, utime = 0, stime = 0;
    in >> state >> ppid >> pgrp >> session >> ttyNr >> tpgid >> flags >> minflt >> cminflt >> majflt >> cmajflt >>
        utime >> stime;
    if (!in)
        return f;
    f.pgid = static_cast<pid_t>(pgrp);
    f.utime = static_cast<std::int64_t>(utime);
    f.stime = static_cast<std::int64_t>(stime);
    f.valid = true;
    return f;
}

void addProcess(ProcessSample& sample, const std::filesystem::path& dir, const StatFields& stat) {
    static const double ticksPerSecond = static_cast<double>(sysconf(_SC_CLK_TCK));
    const auto status = readSmallFile(dir / "status");
    if (status.empty())
        return; // exited between the two reads
    sample.cpuSeconds += static_cast<double>(stat.utime + stat.stime) / ticksPerSecond;
    sample.rssBytes += statusField(status, "VmRSS") * 1024;
    sample.threads += static_cast<int>(statusField(status, "Threads"));
    // The process's status file counts the main thread's switches only: add up every thread's.
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator(dir / "task", ec)) {
        const auto taskStatus = readSmallFile(task.path() / "status");
        sample.voluntary += statusField(taskStatus, "voluntary_ctxt_switches");
        sample.involuntary += statusField(taskStatus, "nonvoluntary_ctxt_switches");
    }
    ++sample.processes;
}

bool isPid(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

ProcessSample sampleProcess(pid_t pid) {
    ProcessSample sample;
    sample.timeS = monotonicSeconds();
    const std::filesystem::path dir = "/proc/" + std::to_string(pid);
    const auto stat = readStat(dir);
    if (stat.valid)
        addProcess(sample, dir, stat);
    return sample;
}

ProcessSample sampleProcessGroup(pid_t pgid) {
    ProcessSample sample;
    sample.timeS = monotonicSeconds();
    // The leader first (the common case: a single process), then the rest of /proc for the group's other members.
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const auto name = entry.path().filename().string();
        if (!isPid(name))
            continue;
        const auto stat = readStat(entry.path());
        if (stat.valid && stat.pgid == pgid)
            addProcess(sample, entry.path(), stat);
    }
    return sample;
}

ServerResources summarizeSamples(const std::vector<ProcessSample>& samples) {
    ServerResources r;
    std::vector<const ProcessSample*> live;
    for (const auto& s : samples)
        if (s.processes > 0)
            live.push_back(&s);
    if (live.empty())
        return r;
    for (const auto* s : live) {
        r.peakRssBytes = std::max(r.peakRssBytes, s->rssBytes);
        r.threads = std::max(r.threads, s->threads);
    }
    const auto* first = live.front();
    const auto* last = live.back();
    const double wall = last->timeS - first->timeS;
    if (wall > 0)
        r.cpuPercent = std::max(0.0, (last->cpuSeconds - first->cpuSeconds) / wall * 100.0);
    r.voluntaryContextSwitches = std::max<std::int64_t>(0, last->voluntary - first->voluntary);
    r.involuntaryContextSwitches = std::max<std::int64_t>(0, last->involuntary - first->involuntary);
    return r;
}

ResourceSampler::ResourceSampler(pid_t id, Scope scope, std::chrono::milliseconds interval)
    : id_(id)
    , scope_(scope)
    , interval_(interval) {
    thread_ = std::thread([this] { loop(); });
}

ResourceSampler::~ResourceSampler() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

ProcessSample ResourceSampler::take() const {
    return scope_ == Scope::ProcessGroup ? sampleProcessGroup(id_) : sampleProcess(id_);
}

void ResourceSampler::openWindow() {
    auto sample = take();
    std::lock_guard lock(mutex_);
    window_.clear();
    window_.push_back(sample);
    windowOpen_ = true;
}

void ResourceSampler::closeWindow() {
    auto sample = take();
    std::lock_guard lock(mutex_);
    if (!windowOpen_)
        return;
    window_.push_back(sample);
    windowOpen_ = false;
}

ServerResources ResourceSampler::windowSummary() const {
    return summarizeSamples(windowSamples());
}

std::vector<ProcessSample> ResourceSampler::windowSamples() const {
    std::lock_guard lock(mutex_);
    return window_;
}

void ResourceSampler::loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
        if (stopping_)
            break;
        if (!windowOpen_)
            continue;
        lock.unlock();
        auto sample = take();
        lock.lock();
        if (windowOpen_)
            window_.push_back(sample);
    }
}

} // namespace loadscope
