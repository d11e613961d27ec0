#pragma once
// CLI11 validators for the options people type, shared by `loadscope` and its chart export (app/, ui/): each says
// what is expected and what it got, and CLI11 puts the option's name in front ("--order: expected interleaved or
// sequential, got 'random'"). No Qt.

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace loadscope {

// "a, b or c".
std::string alternativesText(const std::vector<std::string>& values);

// One of `values`; else "expected <expected>, got '<text>'".
CLI::Validator choiceCheck(std::vector<std::string> values, std::string expected);
// One of `values`; else "expected a, b or c, got '<text>'".
CLI::Validator choiceCheck(std::vector<std::string> values);

// A number (a whole one when `whole`) for which `accepted` holds; else "expected <expected>, got '<text>'".
CLI::Validator numberCheck(std::function<bool(double)> accepted, std::string expected, bool whole = false);
// A number from `low` to `high`, both included.
CLI::Validator rangeCheck(double low, double high, std::string expected, bool whole = false);

// `problem` returns "" for a good text and what is wrong otherwise ("'abc' is not a rate ..."): for texts with a
// parser of their own (rates, durations, SLOs).
CLI::Validator textCheck(std::function<std::string(const std::string&)> problem, std::string typeName);

} // namespace loadscope
