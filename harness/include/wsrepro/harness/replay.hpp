#pragma once
// A recorded run to repeat (`--replay REPORT.json#N`): what report.json says of run N. The
// report is input like any other: it may be damaged, doctored or not a report at all.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wsrepro::harness {

struct replay_source {
  std::string scenario_id;
  std::string client;  ///< as recorded: NAME, NAME@VERSION or cmd:PROGRAM
  std::vector<std::string> argv;
  std::uint64_t seed = 0;
  std::map<std::string, std::int64_t> server_params;
  double time_scale = 1.0;
  /// The ad-hoc client's options as recorded (--client-cmd, --client-env): shown, never run
  /// from the report; the user gives them again.
  std::vector<std::string> replay_args;
};

/// Run `index` of the report `text` (`file` names it in errors), or why it cannot be replayed.
/// Its values are not checked against any scenario here (the caller does that).
std::variant<replay_source, std::string> parse_replay_report(std::string_view text,
                                                             std::size_t index,
                                                             const std::string& file);

}  // namespace wsrepro::harness
