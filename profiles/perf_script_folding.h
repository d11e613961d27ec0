#pragma once
// Folds the text of `perf script` (samples recorded with `perf record -g`) into folded stacks, as FlameGraph's
// stackcollapse-perf.pl does: each sample is a header line ("comm pid time: period event:") followed by one line per
// frame, leaf first ("addr symbol+0xoff (dso)"), and a blank line. Symbols lose their offsets, unknown ones become
// "[unknown]" (or "[dso]" when the library is known), kernel frames get "_[k]".

#include "folded_profile.h"

#include <string_view>

namespace loadscope {

FoldedProfile foldPerfScript(std::string_view perfScriptText);

} // namespace loadscope
