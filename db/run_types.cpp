#include "run_types.h"

#include <array>
#include <utility>

namespace loadscope {
namespace {
constexpr std::array<std::pair<RunStatus, std::string_view>, 6> kRunStatusNames{{
    {RunStatus::Running, "running"},
    {RunStatus::Completed, "completed"},
    {RunStatus::CompletedWithFailures, "completed-with-failures"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Cancelled, "cancelled"},
    {RunStatus::Interrupted, "interrupted"},
}};
constexpr std::array<std::pair<StepStatus, std::string_view>, 4> kStepStatusNames{{
    {StepStatus::Ok, "ok"},
    {StepStatus::Failed, "failed"},
    {StepStatus::Skipped, "skipped"},
    {StepStatus::Cancelled, "cancelled"},
}};

template <typename Enum, std::size_t N>
std::string_view nameOf(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
    for (const auto& [e, name] : names)
        if (e == value)
            return name;
    return "unknown";
}
template <typename Enum, std::size_t N>
std::optional<Enum> valueOf(const std::array<std::pair<Enum, std::string_view>, N>& names, std::string_view text) {
    for (const auto& [e, name] : names)
        if (name == text)
            return e;
    return std::nullopt;
}
} // namespace

std::string flagWords(const StepFlags& flags) {
    std::string words;
    const auto add = [&words](bool set, const char* word) {
        if (set)
            words += (words.empty() ? "" : ", ") + std::string(word);
    };
    add(flags.sloViolated, "SLO broken");
    add(flags.connectionLimited, "connection-limited");
    add(flags.generatorLimited, "generator-limited");
    add(flags.serverRestarted, "server restarted");
    return words;
}

std::string_view toString(RunStatus status) {
    return nameOf(kRunStatusNames, status);
}
std::optional<RunStatus> runStatusFromString(std::string_view text) {
    return valueOf(kRunStatusNames, text);
}
std::string_view toString(StepStatus status) {
    return nameOf(kStepStatusNames, status);
}
std::optional<StepStatus> stepStatusFromString(std::string_view text) {
    return valueOf(kStepStatusNames, text);
}

} // namespace loadscope
