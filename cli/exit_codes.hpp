#pragma once
// One set of exit codes for every subcommand, so CI can trust them.

#include <string>

namespace wsrepro::cli {

enum exit_code : int {
  ok = 0,                  ///< every expectation met
  expectation_failed = 1,  ///< some expectation not met (or a skip under --strict)
  bad_input = 2,           ///< usage, scenario, client or program errors
  harness_error = 3,       ///< wsrepro itself failed, or was interrupted
  /// Nothing was judged: every run was skipped (as pytest's 5 and nextest's 4, an empty
  /// invocation is not green); --allow-empty makes it 0.
  nothing_ran = 4,
};

/// Thrown by subcommands for bad input; main prints the message and exits 2.
struct usage_error {
  std::string message;
};

}  // namespace wsrepro::cli
