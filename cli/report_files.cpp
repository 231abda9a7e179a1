#include "report_files.hpp"

#include <ctime>

#include "exit_codes.hpp"

#ifndef WSREPRO_VERSION
#define WSREPRO_VERSION "0.0.0"
#endif

namespace wsrepro::cli {

namespace fs = std::filesystem;

results::report_context make_report_context(const std::string& command_line, double time_scale,
                                            bool strict) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char started[32];
  std::strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
  results::report_context context;
  context.wsrepro_version = WSREPRO_VERSION;
  context.command_line = command_line;
  context.started_at = started;
  context.time_scale = time_scale;
  context.strict = strict;
  return context;
}

report_files::report_files(const fs::path& out_dir) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw usage_error{"cannot create --out " + out_dir.string() + ": " + ec.message()};
  try {
    for (const auto& [format, file_name] : reports::default_formats) {
      auto file = std::make_unique<atomic_file>(out_dir / file_name);
      std::ostream& out = file->stream();
      if (format == "json") {
        reporter_.add(reports::make_json_reporter(out, make_file_spool(out_dir / "runs.jsonl")));
      }
      if (format == "junit") {
        reporter_.add(reports::make_junit_reporter(out, make_anonymous_spool(out_dir)));
      }
      if (format == "markdown") reporter_.add(reports::make_markdown_reporter(out));
      paths_.push_back(file->target().string());
      files_.push_back(std::move(file));
    }
  } catch (const std::system_error& e) {
    throw usage_error{e.what()};
  }
  paths_.push_back((out_dir / "runs.jsonl").string());
}

void report_files::commit() {
  for (auto& f : files_) f->commit();
}

}  // namespace wsrepro::cli
