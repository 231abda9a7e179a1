#pragma once
// The outputs a running subcommand writes, chosen from the format registry (--format; default:
// every format registered as default): files in --out such as report.json, junit.xml and
// summary.md, the journal runs.jsonl report.json is built from, and the terminal, all behind one
// multi_reporter.
// Each report is written beside its target and renamed into place at the end, so a wsrepro that
// is killed leaves the previous reports whole and the journal of the runs that finished.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "wsrepro/common/files.hpp"
#include "wsrepro/reports/formats.hpp"

namespace wsrepro::cli {

/// What the reporters are told of this invocation (the wall-clock start is for humans only).
results::report_context make_report_context(const std::string& command_line, double time_scale,
                                            bool strict);

/// A usage_error (exit 2) naming the known formats when one of `names` is not registered.
void check_formats(const std::vector<std::string>& names);

class report_files {
 public:
  /// Creates `out_dir` and opens every file; a usage_error (exit 2) when it cannot, or when a
  /// name in `formats` is not a registered format. `formats` empty: the default ones. With
  /// `terminal` false, formats that write to standard output are left out (the subcommand
  /// prints its own).
  report_files(const std::filesystem::path& out_dir, const std::vector<std::string>& formats,
               bool quiet, bool terminal = true);

  reports::reporter& reporter() { return reporter_; }
  /// A subcommand's own output (sweep's table, bench's exports), fed like the formats.
  void add(std::unique_ptr<reports::reporter> own) { reporter_.add(std::move(own)); }
  /// The reports, then the journal.
  const std::vector<std::string>& paths() const { return paths_; }
  /// A chosen format writes data on standard output: wsrepro's own lines must go to stderr.
  bool stdout_is_data() const { return stdout_is_data_; }
  /// Puts every report in place (after reporter().end()).
  void commit();

 private:
  results::multi_reporter reporter_;
  std::vector<std::unique_ptr<atomic_file>> files_;
  std::vector<std::string> paths_;
  bool stdout_is_data_ = false;
};

}  // namespace wsrepro::cli
