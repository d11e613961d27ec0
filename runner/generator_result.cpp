#include "generator_result.h"

#include "ssh_host.h"

namespace loadscope {

GeneratorResult readGeneratorResult(const std::string& stdoutText, Step& part) {
    GeneratorResult result;
    result.printed = !stdoutText.empty();
    if (!result.printed)
        return result;
    try {
        result.report = applyLoadgenJson(stdoutText, part);
        result.parsed = true;
        part.generatorCpuPercent = result.report.generatorCpuPercent;
    } catch (const LoadgenOutputError& e) {
        result.parseError = e.what();
    }
    return result;
}

namespace {

void addFlagReason(Step& step, const std::string& reason) {
    step.flags.reason += (step.flags.reason.empty() ? "" : "; ") + reason;
}

} // namespace

void flagGeneratorLimits(const LoadgenReport& report, const std::string& onHost, std::int64_t waited, int connections,
                         Step& step) {
    if (report.generatorLimited) {
        step.flags.generatorLimited = true;
        addFlagReason(step, "generator-limited" + onHost + ": " +
                                (report.generatorLimitedReason.empty() ? "it could not keep its schedule"
                                                                       : report.generatorLimitedReason));
    }
    if (report.connectionLimited) {
        step.flags.connectionLimited = true;
        addFlagReason(step, "connection-limited" + onHost + ": " + std::to_string(waited) +
                                " requests waited for one of " + std::to_string(connections) + " connections");
    }
}

std::string lastGeneratorWords(const std::string& stderrText) {
    std::string last;
    std::size_t from = 0;
    while (from < stderrText.size()) {
        auto to = stderrText.find('\n', from);
        if (to == std::string::npos)
            to = stderrText.size();
        std::string line = stderrText.substr(from, to - from);
        from = to + 1;
        line.erase(line.find_last_not_of(" \r") + 1); // npos + 1 == 0: a blank line becomes empty
        const bool noReason = line.empty() || line.rfind("Run '", 0) == 0 ||
                              line.rfind("loadscope-remote-pgid", 0) == 0 || parseProgressLine(line).has_value();
        if (!noReason)
            last = line;
    }
    return last;
}

std::string generatorFailure(const GeneratorEnd& end, const GeneratorResult& result) {
    const std::string onHost = end.host.empty() ? std::string() : " on " + end.host;
    const std::string said = end.said.empty() ? std::string() : ": " + end.said;
    const auto& status = end.status;
    if (!status)
        return "the load generator" + onHost + " did not finish in time and was stopped";
    if (end.overSsh && status->exited && status->code == 255) {
        const auto sshSaid = lastSshWords(end.said);
        return "the generator host " + end.host +
               " was lost (ssh: " + (sshSaid.empty() ? std::string("connection closed") : sshSaid) + ")";
    }
    if (!status->exited || (end.overSsh && status->code >= 128))
        return "the load generator" + onHost + " crashed (" + status->toString() + ")" + said;
    if (status->code == 3) {
        const auto why = result.parsed && !result.report.fatalError.empty() ? ": " + result.report.fatalError : said;
        return "the load generator" + onHost + " could not connect to " + end.url + why;
    }
    if (status->code != 0)
        return "the load generator" + onHost + " failed (" + status->toString() + ")" + said;
    if (!result.printed)
        return "the load generator" + onHost + " printed no result";
    if (!result.parsed)
        return "the result of the load generator" + onHost + " could not be read: " + result.parseError;
    return {};
}

} // namespace loadscope
