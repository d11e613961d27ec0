// TargetCatalog: the built-in definitions (resources/targets/) and the user's ($XDG_CONFIG_HOME/loadscope/targets/),
// the user's replacing built-ins of the same name.

#include "install_paths.h"
#include "target_definition.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace loadscope {

namespace {

struct FolderContents {
    std::vector<TargetDefinition> targets;
    std::vector<DefinitionError> errors;
};

// Every *.json file of `folder`, in name order, each parsed on its own: one bad file costs only itself.
FolderContents loadFolder(const std::filesystem::path& folder, bool builtIn) {
    FolderContents contents;
    std::error_code error;
    std::vector<std::filesystem::path> files;
    for (std::filesystem::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
        const auto& path = it->path();
        const auto extension = path.extension().string();
        if (extension == ".json")
            files.push_back(path);
        else if (extension == ".toml")
            contents.errors.push_back({path, "",
                                       "TOML definitions are not supported: write the same fields as JSON "
                                       "(see docs/targets.md)",
                                       0});
    }
    if (error) {
        contents.errors.push_back({folder, "", "cannot list the folder: " + error.message(), 0});
        return contents;
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            contents.errors.push_back({file, "", "cannot read the file", 0});
            continue;
        }
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto target = parseTargetDefinition(text, file, contents.errors);
        if (!target)
            continue;
        const auto same = std::find_if(contents.targets.begin(), contents.targets.end(),
                                       [&](const TargetDefinition& other) { return other.name == target->name; });
        if (same != contents.targets.end()) {
            contents.errors.push_back({file, "name",
                                       "'" + target->name + "' is already defined by " + same->sourceFile.string() +
                                           " in the same folder: each target needs its own name",
                                       0});
            continue;
        }
        target->builtIn = builtIn;
        contents.targets.push_back(std::move(*target));
    }
    return contents;
}

} // namespace

TargetCatalog TargetCatalog::load(const std::filesystem::path& builtInDir, const std::filesystem::path& userDir) {
    TargetCatalog catalog;
    std::error_code error;
    if (!std::filesystem::is_directory(builtInDir, error)) {
        catalog.errors_.push_back({builtInDir, "",
                                   "the built-in targets folder does not exist (set LOADSCOPE_RESOURCES to the "
                                   "resources folder of the Loadscope sources or installation)",
                                   0});
    } else {
        auto builtIns = loadFolder(builtInDir, true);
        catalog.targets_ = std::move(builtIns.targets);
        catalog.errors_ = std::move(builtIns.errors);
    }
    if (!userDir.empty() && std::filesystem::is_directory(userDir, error)) {
        auto user = loadFolder(userDir, false);
        for (auto& target : user.targets) {
            const auto same = std::find_if(catalog.targets_.begin(), catalog.targets_.end(),
                                           [&](const TargetDefinition& other) { return other.name == target.name; });
            if (same == catalog.targets_.end()) {
                catalog.targets_.push_back(std::move(target));
            } else {
                target.overrides = same->sourceFile;
                *same = std::move(target); // keeps the built-in's place in the list
            }
        }
        catalog.errors_.insert(catalog.errors_.end(), user.errors.begin(), user.errors.end());
    }
    return catalog;
}

TargetCatalog TargetCatalog::loadDefault() {
    return load(resourcesDir() / "targets", userTargetsDir());
}

std::filesystem::path TargetCatalog::userTargetsDir() {
    if (const char* config = std::getenv("XDG_CONFIG_HOME"); config && *config == '/')
        return std::filesystem::path(config) / "loadscope" / "targets";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".config" / "loadscope" / "targets";
    return {};
}

const TargetDefinition* TargetCatalog::find(const std::string& name) const {
    for (const auto& target : targets_) {
        if (target.name == name)
            return &target;
    }
    return nullptr;
}

} // namespace loadscope
