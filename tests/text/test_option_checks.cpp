// The CLI11 validators of text/option_checks.h on a real CLI11 parser: a good value passes, a bad one fails with the
// option's name, what is expected and what was given.
#include "option_checks.h"

#include <gtest/gtest.h>

using namespace loadscope;

namespace {

// Parses `value` for an option checked by `check`; "" when accepted, else CLI11's message.
std::string problemWith(const CLI::Validator& check, const std::string& value) {
    CLI::App app{"test"};
    std::string bound;
    app.add_option("--opt", bound)->check(check);
    try {
        app.parse(std::vector<std::string>{value, "--opt"}); // CLI11 reads the vector from its back
    } catch (const CLI::ParseError& e) {
        return e.what();
    }
    return {};
}

} // namespace

TEST(OptionChecks, ChoicesNameWhatIsExpected) {
    EXPECT_EQ(alternativesText({"a"}), "a");
    EXPECT_EQ(alternativesText({"json", "csv", "hlog"}), "json, csv or hlog");
    const auto order = choiceCheck({"interleaved", "sequential"});
    EXPECT_EQ(problemWith(order, "sequential"), "");
    EXPECT_EQ(problemWith(order, "random"), "--opt: expected interleaved or sequential, got 'random'");
    EXPECT_EQ(problemWith(choiceCheck({"a", "b"}, "one of a|b"), "c"), "--opt: expected one of a|b, got 'c'");
}

TEST(OptionChecks, NumbersAreWholeTextsInTheirRange) {
    const auto size = rangeCheck(16, 20000, "16 to 20000", true);
    EXPECT_EQ(problemWith(size, "16"), "");
    EXPECT_EQ(problemWith(size, "20000"), "");
    for (const char* bad : {"15", "20001", "800px", "", "1.5", "abc"})
        EXPECT_EQ(problemWith(size, bad), std::string("--opt: expected 16 to 20000, got '") + bad + "'") << bad;
    const auto scale = numberCheck([](double v) { return v > 0 && v <= 8; }, "a number above 0 and at most 8");
    EXPECT_EQ(problemWith(scale, "0.5"), "");
    EXPECT_EQ(problemWith(scale, "8"), "");
    EXPECT_NE(problemWith(scale, "0"), "");
    EXPECT_NE(problemWith(scale, "nan"), "");
    EXPECT_NE(problemWith(scale, "inf"), "");
}

TEST(OptionChecks, TextChecksSayWhatTheirParserSays) {
    const auto even = textCheck([](const std::string& t) { return t.size() % 2 ? "'" + t + "' is odd" : ""; }, "EVEN");
    EXPECT_EQ(problemWith(even, "ab"), "");
    EXPECT_EQ(problemWith(even, "abc"), "--opt: 'abc' is odd");
}
