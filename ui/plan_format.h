#pragma once
// Small text helpers shared by the Launcher and the Live run page.

#include <QString>

namespace loadscope {

// "45 s", "3 min 20 s", "1 h 05 min": a duration as a user reads it.
QString humanDuration(double seconds);
// "1,500 req/s" (locale grouping, no decimals unless fractional).
QString humanRate(double requestsPerSecond);
// "1 step", "4 steps": a count with its noun (no translation files ship, so tr()'s %n would print "step(s)").
QString countOf(long long count, const char* one, const char* many);
// "1500", "0.25", "1e+07": a number as plan files and the CLI read it back (12 significant digits, no padding).
QString planNumberText(double value);
// "12.3 ms", "850 µs", "1.25 s".
QString humanLatency(double milliseconds);

} // namespace loadscope
