#include "report_files.hpp"

#include <ctime>

#include "exit_codes.hpp"

#ifndef WSREPRO_VERSION
#define WSREPRO_VERSION "0.0.0"
#endif

namespace wsrepro::cli {

namespace fs = std::filesystem;

harness::report_context make_report_context(const std::string& command_line, double time_scale,
                                            bool strict) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char started[32];
  std::strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
  harness::report_context context;
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
  for (const auto& [format, file_name] : reports::default_formats) {
    const fs::path path = out_dir / file_name;
    auto out = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
    if (!*out) throw usage_error{"cannot write " + path.string()};
    if (format == "json") reporter_.add(reports::make_json_reporter(*out));
    if (format == "junit") reporter_.add(reports::make_junit_reporter(*out));
    if (format == "markdown") reporter_.add(reports::make_markdown_reporter(*out));
    paths_.push_back(path.string());
    files_.push_back(std::move(out));
  }
}

void report_files::flush() {
  for (auto& f : files_) f->flush();
}

}  // namespace wsrepro::cli
