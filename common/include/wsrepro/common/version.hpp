#pragma once
// Release versions of clients under test ("13.0", "15.0.1", "8.23.0"): ordering, ranges and
// the lists that scenarios and bisect select from.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsrepro {

/// Orders versions numerically component by component ("9.1" < "10.4" < "13.0" < "13.0.1");
/// a missing component counts as 0, and a component with a suffix ("0rc1", "0-beta") comes
/// before the plain number. Returns <0, 0 or >0.
int compare_versions(std::string_view a, std::string_view b);

/// Sorts ascending and removes duplicates (by compare_versions).
void sort_versions(std::vector<std::string>& versions);

/// True for a final release made only of digits and dots ("13.0", "8.23.0"), not "14.0rc1".
bool is_final_release(std::string_view version);

/// A version selector: "13.0" (that version), "11.0..13.0" (inclusive range, either end may be
/// empty: "13.1.." is 13.1 and later), or "*" (any).
bool version_matches(std::string_view selector, std::string_view version);

/// Every final release named in free text such as `pip index versions` or `npm view --json`
/// output, ascending.
std::vector<std::string> versions_in_text(std::string_view text);

/// The versions of `all` (ascending) between `first` and `last` inclusive; nullopt and `error`
/// when an end is not in `all`.
std::optional<std::vector<std::string>> versions_between(const std::vector<std::string>& all,
                                                         const std::string& first,
                                                         const std::string& last,
                                                         std::string& error);

}  // namespace wsrepro
