#pragma once
// Checks CLI11 runs on option values before converting them, for what its own checks let
// through (a "-1" that would wrap into an unsigned seed, NaN that passes every range).

#include <CLI/CLI.hpp>
#include <string>

namespace wsrepro::cli {

/// Digits only: a value for an unsigned option, never a negative number that would wrap.
inline CLI::Validator unsigned_integer() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
          return "expected a whole number from 0 to 18446744073709551615, got '" + text + "'";
        }
        return {};
      },
      "N");
}

}  // namespace wsrepro::cli
