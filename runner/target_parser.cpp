// Reads one target definition file (JSON, see docs/targets.md) into a TargetDefinition, collecting every problem
// with the field it is in and what was expected, so that a user fixes a file in one go.

#include "target_definition.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace loadscope {

namespace {

// Scenarios keep the order of the file (the GUI and the CLI list them that way).
using Json = nlohmann::ordered_json;

const std::set<std::string> topLevelFields = {"name",      "display_name",  "description",       "tags",
                                              "argv",      "env",           "working_directory", "scenarios",
                                              "readiness", "version_probe", "requirements",      "profiler"};
const std::set<std::string> scenarioFields = {"method", "path", "headers", "body", "ideal_ms"};
const std::set<std::string> readinessFields = {"path", "timeout_s"};
const std::set<std::string> requirementGroups = {"executables", "python_modules"};
const std::set<std::string> requirementFields = {"package", "fix"};

std::string join(const std::set<std::string>& names) {
    std::string text;
    for (const auto& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

bool isNameCharacter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}

bool isHttpToken(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

bool isPythonModuleName(const std::string& text) {
    return !text.empty() && text.front() != '.' && text.back() != '.' &&
           std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                      c == '.';
           });
}

// The 1-based line of a byte offset (nlohmann reports positions as byte counts).
int lineOfByte(const std::string& text, std::size_t byte) {
    const auto end = std::min(byte, text.size());
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
}

class DefinitionReader {
public:
    DefinitionReader(const std::filesystem::path& file, std::vector<DefinitionError>& errors)
        : file_(file)
        , errors_(errors) {}

    void fail(const std::string& field, const std::string& message) {
        errors_.push_back({file_, field, message, 0});
        ++problems_;
    }
    bool failed() const { return problems_ > 0; }

    // Fields starting with '_' are comments; anything else not in `known` is most likely a typo.
    void rejectUnknownFields(const Json& object, const std::set<std::string>& known, const std::string& path) {
        for (const auto& [key, value] : object.items()) {
            if (!key.empty() && key.front() == '_')
                continue;
            if (!known.count(key))
                fail(child(path, key), "unknown field (expected one of: " + join(known) + ")");
        }
    }

    const Json* member(const Json& object, const std::string& key, const std::string& path, bool required) {
        const auto found = object.find(key);
        if (found == object.end()) {
            if (required)
                fail(child(path, key), "missing (required)");
            return nullptr;
        }
        return &*found;
    }

    std::optional<std::string> string(const Json& object, const std::string& key, const std::string& path,
                                      bool required) {
        const auto* value = member(object, key, path, required);
        if (!value)
            return std::nullopt;
        if (!value->is_string()) {
            fail(child(path, key), std::string("expected a string, found ") + value->type_name());
            return std::nullopt;
        }
        return value->get<std::string>();
    }

    std::optional<double> number(const Json& object, const std::string& key, const std::string& path, bool required,
                                 const std::string& what) {
        const auto* value = member(object, key, path, required);
        if (!value)
            return std::nullopt;
        if (!value->is_number()) {
            fail(child(path, key), "expected " + what + ", found " + value->type_name());
            return std::nullopt;
        }
        return value->get<double>();
    }

    std::vector<std::string> stringArray(const Json& value, const std::string& path) {
        std::vector<std::string> out;
        if (!value.is_array()) {
            fail(path, std::string("expected an array of strings, found ") + value.type_name());
            return out;
        }
        for (std::size_t i = 0; i < value.size(); ++i) {
            const auto& item = value[i];
            const auto itemPath = path + "[" + std::to_string(i) + "]";
            if (!item.is_string()) {
                fail(itemPath, std::string("expected a string, found ") + item.type_name());
                continue;
            }
            out.push_back(item.get<std::string>());
        }
        return out;
    }

    std::map<std::string, std::string> stringMap(const Json& value, const std::string& path) {
        std::map<std::string, std::string> out;
        if (!value.is_object()) {
            fail(path, std::string("expected an object of strings, found ") + value.type_name());
            return out;
        }
        for (const auto& [key, item] : value.items()) {
            if (!item.is_string()) {
                fail(child(path, key), std::string("expected a string, found ") + item.type_name());
                continue;
            }
            out[key] = item.get<std::string>();
        }
        return out;
    }

    void checkPlaceholders(const std::string& text, const std::string& path) {
        if (const auto problem = placeholderProblem(text); !problem.empty())
            fail(path, problem);
    }

    static std::string child(const std::string& path, const std::string& key) {
        return path.empty() ? key : path + "." + key;
    }

private:
    std::filesystem::path file_;
    std::vector<DefinitionError>& errors_;
    int problems_ = 0;
};

void readScenarios(DefinitionReader& reader, const Json& value, TargetDefinition& target) {
    if (!value.is_object()) {
        reader.fail("scenarios", std::string("expected an object of scenarios by name, found ") + value.type_name());
        return;
    }
    if (value.empty())
        reader.fail("scenarios", "expected at least one scenario, e.g. \"simple\": {\"path\": \"/simple\", "
                                 "\"ideal_ms\": 50}");
    for (const auto& [name, body] : value.items()) {
        const auto path = "scenarios." + name;
        if (name.empty() || !std::all_of(name.begin(), name.end(), isNameCharacter)) {
            reader.fail(path, "a scenario name uses letters, digits, '-', '_' and '.'");
            continue;
        }
        if (!body.is_object()) {
            reader.fail(path, std::string("expected an object with path and ideal_ms, found ") + body.type_name());
            continue;
        }
        reader.rejectUnknownFields(body, scenarioFields, path);
        Scenario scenario;
        scenario.name = name;
        if (const auto method = reader.string(body, "method", path, false)) {
            if (isHttpToken(*method))
                scenario.method = *method;
            else
                reader.fail(path + ".method", "expected an HTTP method such as GET or POST");
        }
        if (const auto target = reader.string(body, "path", path, true)) {
            if (target->empty() || target->front() != '/' || target->find_first_of(" \t\r\n") != std::string::npos)
                reader.fail(path + ".path", "expected a request path starting with '/' and without spaces");
            else
                scenario.path = *target;
        }
        if (const auto* headers = reader.member(body, "headers", path, false)) {
            for (const auto& [header, headerValue] : reader.stringMap(*headers, path + ".headers")) {
                if (!isHttpToken(header))
                    reader.fail(path + ".headers." + header, "expected a header name (letters, digits, '-')");
                else
                    scenario.headers.push_back(header + ": " + headerValue);
            }
        }
        if (const auto requestBody = reader.string(body, "body", path, false))
            scenario.body = *requestBody;
        if (const auto ideal = reader.number(body, "ideal_ms", path, true,
                                             "the ideal latency in milliseconds (0 when the handler does not wait)")) {
            if (*ideal < 0)
                reader.fail(path + ".ideal_ms", "expected a latency of 0 ms or more");
            else
                scenario.idealLatencyMs = *ideal;
        }
        target.scenarios.push_back(std::move(scenario));
    }
}

void readReadiness(DefinitionReader& reader, const Json& value, TargetDefinition& target) {
    if (!value.is_object()) {
        reader.fail("readiness", std::string("expected an object with path and timeout_s, found ") + value.type_name());
        return;
    }
    reader.rejectUnknownFields(value, readinessFields, "readiness");
    if (const auto path = reader.string(value, "path", "readiness", false)) {
        if (path->empty() || path->front() != '/')
            reader.fail("readiness.path", "expected a request path starting with '/'");
        else
            target.readinessPath = *path;
    }
    if (const auto timeout = reader.number(value, "timeout_s", "readiness", false, "a number of seconds")) {
        if (*timeout <= 0 || *timeout > 600)
            reader.fail("readiness.timeout_s", "expected a number of seconds above 0 and at most 600");
        else
            target.readinessTimeoutS = *timeout;
    }
}

void readRequirements(DefinitionReader& reader, const Json& value, TargetDefinition& target) {
    if (!value.is_object()) {
        reader.fail("requirements",
                    std::string("expected an object with executables and python_modules, found ") + value.type_name());
        return;
    }
    reader.rejectUnknownFields(value, requirementGroups, "requirements");
    for (const auto& group : requirementGroups) {
        const auto* entries = reader.member(value, group, "requirements", false);
        if (!entries)
            continue;
        const auto groupPath = "requirements." + group;
        if (!entries->is_object()) {
            reader.fail(groupPath, std::string("expected an object mapping each name to its Debian package, found ") +
                                       entries->type_name());
            continue;
        }
        const bool isModule = group == "python_modules";
        for (const auto& [name, provider] : entries->items()) {
            const auto path = groupPath + "." + name;
            Requirement requirement;
            requirement.kind = isModule ? Requirement::Kind::PythonModule : Requirement::Kind::Executable;
            requirement.name = name;
            if (isModule && !isPythonModuleName(name))
                reader.fail(path, "expected a Python module name such as tornado or uvloop");
            if (!isModule)
                reader.checkPlaceholders(name, path);
            if (provider.is_string()) {
                requirement.debianPackage = provider.get<std::string>();
            } else if (provider.is_object()) {
                reader.rejectUnknownFields(provider, requirementFields, path);
                requirement.debianPackage = reader.string(provider, "package", path, false).value_or("");
                requirement.fix = reader.string(provider, "fix", path, false).value_or("");
                if (requirement.debianPackage.empty() && requirement.fix.empty())
                    reader.fail(path, "expected \"package\" (the Debian package) or \"fix\" (how to get it)");
            } else {
                reader.fail(path, std::string("expected the Debian package name (a string) or an object with "
                                              "package/fix, found ") +
                                      provider.type_name());
            }
            target.requirements.push_back(std::move(requirement));
        }
    }
}

// "profiler": "python" (argv must start with {python}: the sampler runs the script in that interpreter), "perf" or
// "none" (the default).
void readProfiler(DefinitionReader& reader, const Json& root, TargetDefinition& target) {
    const auto text = reader.string(root, "profiler", "", false);
    if (!text)
        return;
    const auto kind = profilerKindFromString(*text);
    if (!kind) {
        reader.fail("profiler", "expected \"python\", \"perf\" or \"none\", got \"" + *text + "\"");
        return;
    }
    if (*kind == ProfilerKind::Python && (target.argvTemplate.size() < 2 || target.argvTemplate[0] != "{python}"))
        reader.fail("profiler", "\"python\" needs argv to be [\"{python}\", \"script.py\", ...]: the sampler runs the "
                                "script in that interpreter");
    target.profiler = *kind;
}

void readDefinition(DefinitionReader& reader, const Json& root, TargetDefinition& target) {
    reader.rejectUnknownFields(root, topLevelFields, "");
    if (const auto name = reader.string(root, "name", "", true)) {
        if (name->empty() || name->size() > 64 || !std::all_of(name->begin(), name->end(), isNameCharacter))
            reader.fail("name", "expected 1 to 64 letters, digits, '-', '_' or '.' (it is used on command lines)");
        else
            target.name = *name;
    }
    target.displayName = reader.string(root, "display_name", "", false).value_or(target.name);
    target.description = reader.string(root, "description", "", false).value_or("");
    if (const auto* tags = reader.member(root, "tags", "", false))
        target.tags = reader.stringMap(*tags, "tags");

    bool portPassed = false;
    if (const auto* argv = reader.member(root, "argv", "", true)) {
        target.argvTemplate = reader.stringArray(*argv, "argv");
        if (argv->is_array() && argv->empty())
            reader.fail("argv", "expected the server's command line, e.g. [\"{python}\", \"server.py\", \"--port\", "
                                "\"{port}\"]");
        for (std::size_t i = 0; i < target.argvTemplate.size(); ++i) {
            reader.checkPlaceholders(target.argvTemplate[i], "argv[" + std::to_string(i) + "]");
            portPassed = portPassed || target.argvTemplate[i].find("{port}") != std::string::npos;
        }
    }
    if (const auto* env = reader.member(root, "env", "", false)) {
        target.env = reader.stringMap(*env, "env");
        for (const auto& [name, value] : target.env) {
            reader.checkPlaceholders(value, "env." + name);
            portPassed = portPassed || value.find("{port}") != std::string::npos;
        }
    }
    if (!target.argvTemplate.empty() && !portPassed)
        reader.fail("argv", "no {port} placeholder in argv or env: the server must be told the port Loadscope "
                            "picked, e.g. \"--port\", \"{port}\"");
    if (const auto workingDirectory = reader.string(root, "working_directory", "", false)) {
        reader.checkPlaceholders(*workingDirectory, "working_directory");
        target.workingDirectory = *workingDirectory;
    }
    if (const auto* scenarios = reader.member(root, "scenarios", "", true))
        readScenarios(reader, *scenarios, target);
    if (const auto* readiness = reader.member(root, "readiness", "", false))
        readReadiness(reader, *readiness, target);
    if (const auto* probe = reader.member(root, "version_probe", "", false)) {
        target.versionProbe = reader.stringArray(*probe, "version_probe");
        for (std::size_t i = 0; i < target.versionProbe.size(); ++i)
            reader.checkPlaceholders(target.versionProbe[i], "version_probe[" + std::to_string(i) + "]");
    }
    if (const auto* requirements = reader.member(root, "requirements", "", false))
        readRequirements(reader, *requirements, target);
    readProfiler(reader, root, target);
}

} // namespace

std::optional<TargetDefinition> parseTargetDefinition(const std::string& text, const std::filesystem::path& file,
                                                      std::vector<DefinitionError>& errors) {
    Json root;
    try {
        root = Json::parse(text);
    } catch (const Json::parse_error& error) {
        // nlohmann's message starts "[json.exception.parse_error.101] parse error at line 3, column 5: ": keep
        // what follows, and give the line as a field of its own.
        std::string message = error.what();
        if (const auto colon = message.find(": "); colon != std::string::npos)
            message = message.substr(colon + 2);
        const auto offset = std::min<std::size_t>(error.byte > 0 ? error.byte - 1 : 0, text.size());
        const auto lineStart = text.rfind('\n', offset > 0 ? offset - 1 : 0);
        const auto column = lineStart == std::string::npos || offset == 0 ? offset + 1 : offset - lineStart;
        errors.push_back(
            {file, "", "not valid JSON (column " + std::to_string(column) + "): " + message, lineOfByte(text, offset)});
        return std::nullopt;
    }
    if (!root.is_object()) {
        errors.push_back({file, "", std::string("expected a JSON object (one target), found ") + root.type_name(), 0});
        return std::nullopt;
    }
    TargetDefinition target;
    DefinitionReader reader(file, errors);
    readDefinition(reader, root, target);
    if (reader.failed())
        return std::nullopt;
    target.sourceFile = file;
    return target;
}

} // namespace loadscope
