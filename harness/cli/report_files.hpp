#pragma once
// The report files every running subcommand writes into --out: report.json, junit.xml and
// summary.md, behind one multi_reporter.

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "wsrepro/reports/reporter.hpp"

namespace wsrepro::cli {

/// What the reporters are told of this invocation (the wall-clock start is for humans only).
harness::report_context make_report_context(const std::string& command_line, double time_scale,
                                            bool strict);

class report_files {
 public:
  /// Creates `out_dir` and opens every file; a usage_error (exit 2) when it cannot.
  explicit report_files(const std::filesystem::path& out_dir);

  reports::reporter& reporter() { return reporter_; }
  const std::vector<std::string>& paths() const { return paths_; }
  void flush();

 private:
  reports::multi_reporter reporter_;
  std::vector<std::unique_ptr<std::ofstream>> files_;
  std::vector<std::string> paths_;
};

}  // namespace wsrepro::cli
