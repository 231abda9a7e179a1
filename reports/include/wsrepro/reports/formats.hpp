#pragma once
// The report formats, registered by name: each is one file under reports/formats/ that
// registers itself (the table that calls them is generated from the folder), so adding a format
// is adding one file. `wsrepro run --format` and `wsrepro list formats` read this registry.

#include <filesystem>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wsrepro/reports/reporter.hpp"

namespace wsrepro::reports {

/// Where a format writes, and what it may know of the invocation's output.
struct format_output {
  std::ostream& out;  ///< its file in --out, or standard output; outlives the reporter
  /// The --out directory, for side files (the JSON journal) and spools; empty: keep them in
  /// memory (tests).
  std::filesystem::path out_dir;
  bool quiet = false;  ///< the terminal wants no line per run
  /// `out` is this terminal, where a status line may be redrawn; -1: a file, a pipe or a log.
  int tty_fd = -1;
  /// The report `--replay FILE#N` can read, when this invocation writes one (else empty).
  std::filesystem::path replay_report;
};

struct report_format {
  std::string_view name;         ///< --format NAME
  std::string_view file_name;    ///< its file in --out; empty: it writes to standard output
  std::string_view description;  ///< one line, for `wsrepro list formats`
  std::vector<std::string_view> side_files;  ///< other files it leaves in --out
  bool by_default = true;                    ///< written when --format is not given
  std::unique_ptr<reporter> (*make)(const format_output&) = nullptr;
  bool replayable = false;  ///< `wsrepro run --replay FILE#N` reads its file
  /// Its standard output is data for a program: wsrepro's own lines go to standard error.
  bool owns_stdout = false;
  /// Needs what report.json leaves out (the wire bytes): `wsrepro merge` cannot rebuild it.
  bool needs_wire = false;
};

/// Every registered format, in the order of their file names.
std::span<const report_format> formats();
const report_format* find_format(std::string_view name);
/// For a format's own file, from its registration function.
void register_format(report_format format);

}  // namespace wsrepro::reports
