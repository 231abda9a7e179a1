#pragma once
// report.json read back into the results model: what `wsrepro merge` rebuilds every report
// from. The inverse of report_json.hpp for everything report.json keeps (it leaves out the wire
// bytes, so the pcapng capture cannot be rebuilt). A damaged or doctored report is an error
// naming the file, the run and the field, never a crash: the reader is fuzzed.

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wsrepro/results/result.hpp"

namespace wsrepro::reports {

struct loaded_report {
  results::report_context context;
  results::run_summary summary;
  std::vector<results::run_result> runs;  ///< in the order report.json lists them
};

/// Parses the text of a report.json; on bad input, one line naming `file`, the run and the key.
std::variant<loaded_report, std::string> read_report(std::string_view text,
                                                     const std::string& file);

}  // namespace wsrepro::reports
