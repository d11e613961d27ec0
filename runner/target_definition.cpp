#include "target_definition.h"

#include "install_paths.h"

#include <stdexcept>
#include <string_view>

namespace loadscope {

namespace {

constexpr std::string_view knownPlaceholders = "{python}, {port}, {host}, {resources}, {bin}";

// Walks `text`, handing literal runs and placeholder names to the callbacks. Returns the problem, or "".
template <typename Literal, typename Placeholder>
std::string scanPlaceholders(std::string_view text, Literal&& literal, Placeholder&& placeholder) {
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
            literal(std::string_view("{"));
            i += 2;
        } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
            literal(std::string_view("}"));
            i += 2;
        } else if (c == '{') {
            const auto close = text.find('}', i + 1);
            if (close == std::string_view::npos)
                return "'{' without a matching '}' (write {{ for a literal brace)";
            const auto name = text.substr(i + 1, close - i - 1);
            if (name != "python" && name != "port" && name != "host" && name != "resources" && name != "bin")
                return "unknown placeholder {" + std::string(name) + "} (known: " + std::string(knownPlaceholders) +
                       "; write {{ and }} for literal braces)";
            placeholder(name);
            i = close + 1;
        } else if (c == '}') {
            return "'}' without a matching '{' (write }} for a literal brace)";
        } else {
            const auto next = text.find_first_of("{}", i);
            const auto end = next == std::string_view::npos ? text.size() : next;
            literal(text.substr(i, end - i));
            i = end;
        }
    }
    return {};
}

} // namespace

std::string toString(ProfilerKind kind) {
    switch (kind) {
    case ProfilerKind::Python:
        return "python";
    case ProfilerKind::Perf:
        return "perf";
    case ProfilerKind::None:
        break;
    }
    return "none";
}

std::optional<ProfilerKind> profilerKindFromString(const std::string& text) {
    if (text == "python")
        return ProfilerKind::Python;
    if (text == "perf")
        return ProfilerKind::Perf;
    if (text == "none")
        return ProfilerKind::None;
    return std::nullopt;
}

const Scenario* TargetDefinition::scenario(const std::string& scenarioName) const {
    for (const auto& candidate : scenarios) {
        if (candidate.name == scenarioName)
            return &candidate;
    }
    return nullptr;
}

std::string DefinitionError::toString() const {
    std::string text = file.string();
    if (line > 0)
        text += ":" + std::to_string(line);
    if (!field.empty())
        text += ": " + field;
    return text + ": " + message;
}

PlaceholderValues defaultPlaceholderValues(int port) {
    PlaceholderValues values;
    values.port = port;
    values.resources = resourcesDir();
    values.bin = binDir();
    return values;
}

std::string placeholderProblem(const std::string& text) {
    return scanPlaceholders(
        text, [](std::string_view) {}, [](std::string_view) {});
}

std::string expandPlaceholders(const std::string& text, const PlaceholderValues& values) {
    std::string out;
    out.reserve(text.size());
    const auto problem = scanPlaceholders(
        text, [&out](std::string_view literal) { out.append(literal); },
        [&](std::string_view name) {
            if (name == "python")
                out += values.python;
            else if (name == "port")
                out += std::to_string(values.port);
            else if (name == "host")
                out += values.host;
            else if (name == "resources")
                out += values.resources.string();
            else
                out += values.bin.string();
        });
    if (!problem.empty())
        throw std::invalid_argument("in '" + text + "': " + problem);
    return out;
}

TargetLaunch expandLaunch(const TargetDefinition& target, const PlaceholderValues& values) {
    TargetLaunch launch;
    for (const auto& argument : target.argvTemplate)
        launch.argv.push_back(expandPlaceholders(argument, values));
    for (const auto& [name, value] : target.env)
        launch.env[name] = expandPlaceholders(value, values);
    launch.workingDirectory = target.workingDirectory.empty()
                                  ? values.resources
                                  : std::filesystem::path(expandPlaceholders(target.workingDirectory, values));
    return launch;
}

} // namespace loadscope
