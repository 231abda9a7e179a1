#include "report_files.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <iostream>

#include "catalogue.hpp"
#include "exit_codes.hpp"
#include "wsrepro/reports/progress.hpp"

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

void check_formats(const std::vector<std::string>& names) {
  std::vector<std::string> known;
  for (const auto& f : reports::formats()) known.emplace_back(f.name);
  for (const auto& n : names) {
    if (reports::find_format(n) == nullptr) {
      throw usage_error{"--format: " + unknown_name_message("format", n, known)};
    }
  }
}

namespace {

/// The formats to write: the named ones (each once, in registry order) or the default ones.
std::vector<const reports::report_format*> choose(const std::vector<std::string>& names) {
  check_formats(names);
  std::vector<const reports::report_format*> chosen;
  for (const auto& f : reports::formats()) {
    const bool named = std::find(names.begin(), names.end(), f.name) != names.end();
    if (names.empty() ? f.by_default : named) chosen.push_back(&f);
  }
  return chosen;
}

}  // namespace

report_files::report_files(const fs::path& out_dir, const std::vector<std::string>& formats,
                           bool quiet, bool terminal) {
  const auto chosen = choose(formats);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw usage_error{"cannot create --out " + out_dir.string() + ": " + ec.message()};
  std::vector<std::string> side_files;
  fs::path replay_report;
  for (const auto* format : chosen) {
    if (format->replayable) replay_report = out_dir / format->file_name;
  }
  // A format whose stdout is data (jsonl) keeps it: the terminal's own output goes to stderr.
  const bool stdout_taken =
      terminal && std::any_of(chosen.begin(), chosen.end(),
                              [](const auto* f) { return f->file_name.empty() && f->owns_stdout; });
  const int terminal_fd = stdout_taken ? STDERR_FILENO : STDOUT_FILENO;
  const int tty_fd = reports::is_live_terminal(terminal_fd) ? terminal_fd : -1;
  try {
    for (const auto* format : chosen) {
      if (format->file_name.empty()) {
        stdout_is_data_ = stdout_is_data_ || (terminal && format->owns_stdout);
        if (terminal) {
          auto& stream = stdout_taken && !format->owns_stdout ? std::cerr : std::cout;
          reporter_.add(format->make({stream, out_dir, quiet, tty_fd, replay_report}));
        }
        continue;
      }
      auto file = std::make_unique<atomic_file>(out_dir / format->file_name);
      reporter_.add(format->make({file->stream(), out_dir, quiet, -1, replay_report}));
      paths_.push_back(file->target().string());
      files_.push_back(std::move(file));
      for (const auto side : format->side_files) side_files.push_back((out_dir / side).string());
    }
  } catch (const std::system_error& e) {
    throw usage_error{e.what()};
  }
  paths_.insert(paths_.end(), side_files.begin(), side_files.end());
}

void report_files::commit() {
  for (auto& f : files_) f->commit();
}

}  // namespace wsrepro::cli
