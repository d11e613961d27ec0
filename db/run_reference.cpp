#include "run_reference.h"

#include "run_store.h"

#include <charconv>

namespace loadscope {

namespace {

RunReferenceError referenceError(RunReferenceProblem problem, std::string_view what, const std::string& message) {
    return {problem, std::string(what) + ": " + message};
}

// The newest run the filter lets through, or 0.
std::int64_t newestRun(const RunStore& store, RunFilter filter) {
    filter.limit = 1;
    const auto runs = store.listRuns(filter);
    return runs.empty() ? 0 : runs.front().id;
}

} // namespace

std::variant<RunReference, RunReferenceError> parseRunReference(std::string_view text, std::string_view what) {
    if (text == "last" || text == "latest")
        return RunReference{RunReference::Kind::Newest, 0, {}};
    if (text.starts_with("tag:")) {
        if (text.size() == 4)
            return referenceError(RunReferenceProblem::EmptyTag, what,
                                  "expected a tag after 'tag:' (e.g. tag:baseline)");
        return RunReference{RunReference::Kind::Tag, 0, std::string(text.substr(4))};
    }
    std::string_view digits = text;
    if (digits.starts_with('#'))
        digits.remove_prefix(1);
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || id <= 0)
        return referenceError(RunReferenceProblem::Malformed, what,
                              "expected a run id (a number, see `loadscope list`), 'last' or tag:NAME, got '" +
                                  std::string(text) + "'");
    return RunReference{RunReference::Kind::Id, id, {}};
}

std::variant<std::int64_t, RunReferenceError> resolveRunReference(const RunStore& store, std::string_view text,
                                                                  std::string_view what) {
    auto parsed = parseRunReference(text, what);
    if (auto* error = std::get_if<RunReferenceError>(&parsed))
        return std::move(*error);
    const auto& reference = std::get<RunReference>(parsed);
    const std::string database = store.path().string();
    switch (reference.kind) {
    case RunReference::Kind::Newest:
        if (const auto id = newestRun(store, {}))
            return id;
        return referenceError(RunReferenceProblem::NoRuns, what,
                              "'" + std::string(text) + "' asked for the newest run, but " + database +
                                  " holds no runs");
    case RunReference::Kind::Tag: {
        RunFilter tagged;
        tagged.tag = reference.tag;
        if (const auto id = newestRun(store, tagged))
            return id;
        return referenceError(RunReferenceProblem::NoTaggedRun, what,
                              "no run in " + database + " carries the tag '" + reference.tag +
                                  "' (tag runs with `loadscope run --tag NAME` or in History)");
    }
    case RunReference::Kind::Id:
        break;
    }
    if (!store.loadRun(reference.id))
        return referenceError(RunReferenceProblem::NoSuchRun, what,
                              "there is no run " + std::to_string(reference.id) + " in " + database +
                                  " (see `loadscope list`)");
    return reference.id;
}

} // namespace loadscope
