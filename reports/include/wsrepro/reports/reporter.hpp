#pragma once
// One interface for every report format; one file per format under reports/src. A reporter
// sees the runs as they finish and writes its document at end().

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wsrepro/common/files.hpp"
#include "wsrepro/results/reporter.hpp"

namespace wsrepro::reports {

using results::reporter;

/// Writes to one stream at end(); the stream must outlive the reporter. What a reporter needs of
/// each run until then goes to a spool (in memory unless one is given), so memory does not grow
/// with the number of runs.
std::unique_ptr<reporter> make_json_reporter(std::ostream& out);
/// `journal` gets one line per finished run (its report.json object) as the run ends, after a
/// first line describing the invocation: a wsrepro killed mid-way leaves it readable.
std::unique_ptr<reporter> make_json_reporter(std::ostream& out, std::unique_ptr<spool> journal);
std::unique_ptr<reporter> make_junit_reporter(std::ostream& out);
std::unique_ptr<reporter> make_junit_reporter(std::ostream& out, std::unique_ptr<spool> testcases);
std::unique_ptr<reporter> make_markdown_reporter(std::ostream& out);

/// The formats `wsrepro run` writes by default, with their file names in --out.
struct format_file {
  std::string_view format;
  std::string_view file_name;
};
inline constexpr format_file default_formats[] = {
    {"json", "report.json"}, {"junit", "junit.xml"}, {"markdown", "summary.md"}};

}  // namespace wsrepro::reports
