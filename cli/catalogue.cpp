#include "catalogue.hpp"

#include "exit_codes.hpp"

namespace wsrepro::cli {

harness::search_paths resolve_paths(const global_options& globals) {
  std::string error;
  auto paths = harness::find_paths(globals.data_dir, globals.libexec_dir, error);
  if (!paths) throw usage_error{error};
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
  auto catalogue = harness::client_catalogue::load(paths.data_dir / "clients", errors);
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
  if (files.empty()) files.push_back(paths.data_dir / "scenarios");
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
  std::string message = "unknown " + what + " '" + name + "'";
  const std::string suggestion = harness::nearest(name, known);
  if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  return message + " (known: " + (list.empty() ? "none" : list) + ")";
}

}  // namespace wsrepro::cli
