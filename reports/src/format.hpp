#pragma once
// Number and text formatting shared by the report writers, so every format shows the same
// value the same way.

#include <ostream>
#include <string>
#include <string_view>

#include "wsrepro/results/result.hpp"

namespace wsrepro::reports {

/// Rounds to 3 decimals (microseconds, for a value in ms): more digits are noise.
double round_ms(double ms);

/// A number for humans: 3 decimals at most, trailing zeros dropped ("1.2", "1000").
std::string format_number(double value);

/// Milliseconds as seconds with 3 decimals, as JUnit's time attributes want them.
std::string format_seconds(double ms);

/// The value of a measured measurement as text (number or text); empty when not measured.
std::string measurement_value_text(const results::measurement& m);

/// A verdict for a terminal: PASS, FAIL, KNOWN-BUG, SKIP, ERROR.
std::string_view upper_label(results::verdict v);

/// The test name of a run: the client, with " #N" for repetitions after the first.
std::string run_label(const results::run_result& r);

/// Valid UTF-8 without the characters XML 1.0 forbids (C0 controls other than tab, newline and
/// carriage return, U+FFFE, U+FFFF): each invalid byte and forbidden character becomes U+FFFD.
/// A client's garbage output must never make a report unreadable.
std::string clean_utf8(std::string_view in);

/// Writes compact JSON (as nlohmann's dump() makes it) indented as dump(2) would indent it at
/// nesting depth `depth`, in one pass: the journal's runs go into report.json without being
/// parsed again.
void write_indented_json(std::ostream& out, std::string_view compact, int depth);

}  // namespace wsrepro::reports
