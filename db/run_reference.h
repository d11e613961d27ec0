#pragma once
// A run as people name it on the command line: "42" or "#42" (its id, as `loadscope list` and History show it),
// "last" / "latest" (the newest run), "tag:NAME" (the newest run carrying that tag). One parser for every command
// that takes a RUN (export, export --chart, show, compare, check, report, profile, delete, import --into). Qt-free.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace loadscope {

class RunStore;

// The forms, for help texts.
inline constexpr std::string_view kRunReferenceForms =
    "its id (see `loadscope list`), #ID, 'last' or tag:NAME (the newest run so tagged)";

struct RunReference {
    enum class Kind { Id, Newest, Tag };
    Kind kind = Kind::Id;
    std::int64_t id = 0; // Kind::Id
    std::string tag;     // Kind::Tag
};

// Why a reference names no run. Malformed and EmptyTag are wrong whatever the database holds; the others depend on it.
enum class RunReferenceProblem { Malformed, EmptyTag, NoRuns, NoTaggedRun, NoSuchRun };

struct RunReferenceError {
    RunReferenceProblem problem = RunReferenceProblem::Malformed;
    std::string message; // starts with `what` ("RUN: ...", "--baseline: ...") and says what is expected
};

// The reference's form, without a database. `what` names the argument in the message ("RUN", "--into").
std::variant<RunReference, RunReferenceError> parseRunReference(std::string_view text, std::string_view what = "RUN");

// The id of the run `text` names in `store`.
std::variant<std::int64_t, RunReferenceError> resolveRunReference(const RunStore& store, std::string_view text,
                                                                  std::string_view what = "RUN");

} // namespace loadscope
