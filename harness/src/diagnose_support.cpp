#include "diagnose_support.hpp"

#include <cstdlib>

#include "subprocess.hpp"
#include "wsrepro/harness/client.hpp"
#include "wsrepro/harness/environment.hpp"

namespace wsrepro::harness::detail {

namespace fs = std::filesystem;

std::optional<fs::path> find_tool(const std::string& name, const char* env_var) {
  if (const char* given = std::getenv(env_var); given != nullptr && *given != '\0') {
    return fs::path(given);
  }
  if (auto on_path = find_program(name)) return on_path;
  std::error_code ec;
  const fs::path cached = environment_cache::default_root() / "tools" / "bin" / name;
  if (fs::is_regular_file(cached, ec)) return cached;
  return std::nullopt;
}

std::optional<std::string> run_tool(const std::vector<std::string>& argv,
                                    std::chrono::milliseconds budget,
                                    results::process_stacks& out) {
  constexpr std::size_t raw_limit = std::size_t{256} * 1024;
  subprocess_request request;
  request.argv = argv;
  request.timeout = budget;
  request.capture_limit_bytes = raw_limit;
  for (const auto& a : argv) out.tool += (out.tool.empty() ? "" : " ") + a;
  const auto done = run_subprocess(request);
  out.duration_ms = done.duration_ms;
  out.raw = done.output;
  if (done.succeeded()) return done.output;
  out.error = fs::path(argv.front()).filename().string() + " " + done.describe();
  if (const auto last = done.last_line(); !last.empty()) out.error += ": " + last;
  return std::nullopt;
}

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < line.size()) {
    const auto start = line.find_first_not_of(" \t\r", at);
    if (start == std::string_view::npos) break;
    const auto end = line.find_first_of(" \t\r", start);
    out.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    at = end == std::string_view::npos ? line.size() : end;
  }
  return out;
}

std::string exe_name(const process_identity& p) { return p.exe.filename().string(); }

}  // namespace wsrepro::harness::detail
