#pragma once
// Checks CLI11 runs on option values before converting them, for what its own checks let
// through (a "-1" that would wrap into an unsigned seed, NaN that passes every range).

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>

#include "wsrepro/harness/scheduling.hpp"

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

/// --jobs: a number of runs at once (1 to 64), or `auto`.
inline CLI::Validator jobs_value() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (text == "auto") return {};
        const bool digits = !text.empty() && text.size() <= 2 &&
                            text.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || std::stoi(text) < 1 || std::stoi(text) > 64) {
          return "expected a number of runs from 1 to 64, or auto, got '" + text + "'";
        }
        return {};
      },
      "N|auto");
}

/// The runs to make at once: `auto` (see harness::auto_jobs) or the number given (checked by
/// jobs_value()).
inline int jobs_for(const std::string& text, std::size_t plan_size) {
  return text == "auto" ? harness::auto_jobs(plan_size) : std::stoi(text);
}

}  // namespace wsrepro::cli
