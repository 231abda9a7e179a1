#pragma once
// The report files every running subcommand writes into --out: report.json, junit.xml and
// summary.md behind one multi_reporter, plus runs.jsonl, the journal report.json is built from.
// Each report is written beside its target and renamed into place at the end, so a wsrepro that
// is killed leaves the previous reports whole and the journal of the runs that finished.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "wsrepro/common/files.hpp"
#include "wsrepro/reports/reporter.hpp"

namespace wsrepro::cli {

/// What the reporters are told of this invocation (the wall-clock start is for humans only).
results::report_context make_report_context(const std::string& command_line, double time_scale,
                                            bool strict);

class report_files {
 public:
  /// Creates `out_dir` and opens every file; a usage_error (exit 2) when it cannot.
  explicit report_files(const std::filesystem::path& out_dir);

  reports::reporter& reporter() { return reporter_; }
  /// The reports, then the journal.
  const std::vector<std::string>& paths() const { return paths_; }
  /// Puts every report in place (after reporter().end()).
  void commit();

 private:
  results::multi_reporter reporter_;
  std::vector<std::unique_ptr<atomic_file>> files_;
  std::vector<std::string> paths_;
};

}  // namespace wsrepro::cli
