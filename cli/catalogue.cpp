#include "catalogue.hpp"

#include "wsrepro/common/names.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "exit_codes.hpp"

namespace wsrepro::cli {

namespace {

/// The directories of an option, then those of its environment variable (colon-separated);
/// each must be a directory.
std::vector<std::filesystem::path> extra_dirs(const std::vector<std::string>& given,
                                              const char* variable, const std::string& option) {
  std::vector<std::string> all = given;
  if (const char* value = std::getenv(variable); value != nullptr) {
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      if (const auto dir = rest.substr(0, colon); !dir.empty()) all.emplace_back(dir);
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  std::vector<std::filesystem::path> dirs;
  for (const auto& d : all) {
    std::error_code ec;
    if (!std::filesystem::is_directory(d, ec)) {
      throw usage_error{option + " " + d + ": not a directory (from " +
                        (std::find(given.begin(), given.end(), d) != given.end()
                             ? option
                             : std::string(variable)) +
                        ")"};
    }
    dirs.push_back(std::filesystem::absolute(d));
  }
  return dirs;
}

}  // namespace

harness::search_paths resolve_paths(const global_options& globals) {
  std::string error;
  auto paths = harness::find_paths(globals.data_dir, globals.libexec_dir, error);
  if (!paths) throw usage_error{error};
  paths->scenario_dirs = extra_dirs(globals.scenario_dirs, "WSREPRO_SCENARIOS", "--scenarios");
  paths->client_dirs = extra_dirs(globals.client_dirs, "WSREPRO_CLIENTS", "--clients");
  return *paths;
}

namespace {
std::string join_errors(const std::vector<harness::load_error>& errors) {
  std::string out;
  for (const auto& e : errors) out += "\n  " + e.to_string();
  return out;
}
}  // namespace

harness::client_catalogue load_clients(const harness::search_paths& paths) {
  std::vector<harness::load_error> errors;
  std::vector<std::filesystem::path> dirs{paths.data_dir / "clients"};
  dirs.insert(dirs.end(), paths.client_dirs.begin(), paths.client_dirs.end());
  auto catalogue = harness::client_catalogue::load(dirs, errors);
  if (!errors.empty()) {
    throw usage_error{"invalid client manifest (" + std::to_string(errors.size()) +
                      (errors.size() == 1 ? " error" : " errors") + "):" + join_errors(errors)};
  }
  return catalogue;
}

std::vector<harness::scenario> load_scenarios(const harness::search_paths& paths,
                                              const std::vector<std::string>& given) {
  std::vector<std::filesystem::path> files;
  for (const auto& g : given) files.emplace_back(g);
  if (files.empty()) {
    files.push_back(paths.data_dir / "scenarios");
    files.insert(files.end(), paths.scenario_dirs.begin(), paths.scenario_dirs.end());
  }
  auto loaded = harness::load_scenarios(files);
  if (!loaded.errors.empty()) {
    throw usage_error{"invalid scenario (" + std::to_string(loaded.errors.size()) +
                      (loaded.errors.size() == 1 ? " error" : " errors") +
                      "):" + join_errors(loaded.errors)};
  }
  return std::move(loaded.scenarios);
}

harness::scenario find_scenario(const std::vector<harness::scenario>& scenarios,
                                const std::string& id) {
  for (const auto& s : scenarios) {
    if (s.id == id) return s;
  }
  std::vector<std::string> ids;
  ids.reserve(scenarios.size());
  for (const auto& s : scenarios) ids.push_back(s.id);
  throw usage_error{unknown_name_message("scenario", id, ids)};
}

std::string unknown_name_message(const std::string& what, const std::string& name,
                                 const std::vector<std::string>& known) {
  return unknown_name(what, name, known);
}

}  // namespace wsrepro::cli
