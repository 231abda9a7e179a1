#include "config_file.hpp"

#include <toml++/toml.h>
#include <cstdlib>
#include <set>
#include <vector>

#include "catalogue.hpp"
#include "exit_codes.hpp"

namespace wsrepro::cli {

namespace fs = std::filesystem;

namespace {

// Options whose values are paths: relative ones are relative to the config file.
const std::set<std::string> path_options{"out",      "scenarios",       "clients",
                                         "data-dir", "libexec-dir",     "cache",
                                         "baseline", "export-hyperfine"};
// Options the file may not set: they choose the file itself, or are one-off actions.
const std::set<std::string> refused_options{"config", "profile", "help", "version", "replay"};

std::string where(const fs::path& file, const toml::node& node, const std::string& key) {
  const auto& source = node.source();
  return file.string() + ":" + std::to_string(source.begin.line) + ":" +
         std::to_string(source.begin.column) + ": key '" + key + "'";
}

/// The option a key names, by its long name; nullptr when there is none.
CLI::Option* option_named(CLI::App& app, const std::string& key) {
  for (auto* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) {
      if (name == key) return option;
    }
  }
  return nullptr;
}

std::vector<std::string> long_names(CLI::App& app) {
  std::vector<std::string> names;
  for (auto* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) {
      if (!refused_options.contains(name)) names.push_back(name);
    }
  }
  return names;
}

/// A value as the command line would give it (each element of an array is one).
std::vector<std::string> values_of(const toml::node& node, const fs::path& base, bool is_path,
                                   const std::string& place) {
  std::vector<std::string> out;
  const auto one = [&](const toml::node& n) {
    std::string text;
    if (const auto* s = n.as_string()) {
      text = s->get();
      if (is_path && !text.empty() && fs::path(text).is_relative()) text = (base / text).string();
    } else if (const auto* i = n.as_integer()) {
      text = std::to_string(i->get());
    } else if (const auto* f = n.as_floating_point()) {
      text = std::to_string(f->get());
    } else if (const auto* b = n.as_boolean()) {
      text = b->get() ? "true" : "false";
    } else {
      throw usage_error{place + ": must be a string, a number, a boolean or an array of them"};
    }
    out.push_back(std::move(text));
  };
  if (const auto* array = node.as_array()) {
    for (const auto& element : *array) one(element);
  } else {
    one(node);
  }
  return out;
}

/// Settings from the table `settings` (a profile, or its part for one subcommand): each key
/// is an option of `app` (or, with `fallback`, of the global app) left unset on the command
/// line. Tables inside are subcommands, handled by the caller.
void apply_table(const toml::table& settings, const fs::path& file, CLI::App& target,
                 CLI::App* fallback, const std::set<std::string>& subcommands,
                 const std::set<std::string>& all_names, std::set<std::string>& applied) {
  for (const auto& [key_view, node] : settings) {
    const std::string key(key_view.str());
    if (node.is_table()) {
      if (!subcommands.contains(key)) {
        std::vector<std::string> known(subcommands.begin(), subcommands.end());
        throw usage_error{where(file, node, key) + ": " +
                          unknown_name_message("subcommand", key, known)};
      }
      continue;
    }
    if (refused_options.contains(key)) {
      throw usage_error{where(file, node, key) + ": is for the command line only"};
    }
    CLI::Option* option = option_named(target, key);
    if (option == nullptr && fallback != nullptr) option = option_named(*fallback, key);
    if (option == nullptr) {
      // A key of another subcommand's option applies there, not here; any other is a typo.
      if (all_names.contains(key)) continue;
      const std::vector<std::string> known(all_names.begin(), all_names.end());
      throw usage_error{where(file, node, key) + ": " + unknown_name_message("option", key, known)};
    }
    if (option->count() > 0 || applied.contains(key)) continue;  // the command line wins
    const auto values =
        values_of(node, file.parent_path(), path_options.contains(key), where(file, node, key));
    try {
      option->add_result(values);
      option->run_callback();
    } catch (const CLI::Error& e) {
      throw usage_error{where(file, node, key) + ": " + e.what()};
    }
    applied.insert(key);
  }
}

}  // namespace

std::optional<fs::path> find_config_file(const std::string& given) {
  if (!given.empty()) {
    std::error_code ec;
    if (!fs::is_regular_file(given, ec)) throw usage_error{"--config " + given + ": no such file"};
    return fs::absolute(given);
  }
  if (const char* env = std::getenv("WSREPRO_CONFIG"); env != nullptr && *env != '\0') {
    std::error_code ec;
    if (!fs::is_regular_file(env, ec)) {
      throw usage_error{"WSREPRO_CONFIG=" + std::string(env) + ": no such file"};
    }
    return fs::absolute(env);
  }
  std::error_code ec;
  for (fs::path dir = fs::current_path(ec); !ec && !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "wsrepro.toml", ec)) return dir / "wsrepro.toml";
    if (dir == dir.root_path()) break;
  }
  return std::nullopt;
}

void apply_config_file(const fs::path& file, const std::string& profile_given, CLI::App& app,
                       CLI::App& sub) {
  toml::table doc;
  try {
    doc = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw usage_error{file.string() + ":" + std::to_string(e.source().begin.line) + ":" +
                      std::to_string(e.source().begin.column) + ": " +
                      std::string(e.description())};
  }
  for (const auto& [key, node] : doc) {
    if (key.str() != "profile") {
      throw usage_error{where(file, node, std::string(key.str())) +
                        ": only [profile.NAME] tables belong in a wsrepro.toml"};
    }
  }
  const toml::table* profiles = doc["profile"].as_table();
  std::string profile = profile_given;
  if (profile.empty()) {
    const char* env = std::getenv("WSREPRO_PROFILE");
    profile = env != nullptr && *env != '\0' ? env : "default";
  }
  const toml::table* chosen = profiles != nullptr ? (*profiles)[profile].as_table() : nullptr;
  if (chosen == nullptr && profile != "default") {
    std::vector<std::string> known;
    if (profiles != nullptr) {
      for (const auto& [name, node] : *profiles) known.emplace_back(name.str());
    }
    throw usage_error{file.string() + ": " + unknown_name_message("profile", profile, known)};
  }
  std::set<std::string> subcommands;
  std::set<std::string> all_names;  // every option of wsrepro and of its subcommands
  for (const auto& name : long_names(app)) all_names.insert(name);
  for (auto* s : app.get_subcommands({})) {
    subcommands.insert(s->get_name());
    for (const auto& name : long_names(*s)) all_names.insert(name);
  }
  // The chosen profile first, then `default` beneath it; within each, the subcommand's own
  // table before the profile's general keys. The first to set an option wins.
  std::vector<const toml::table*> layers{chosen};
  if (profile != "default" && profiles != nullptr)
    layers.push_back((*profiles)["default"].as_table());
  std::set<std::string> applied;
  for (const auto* layer : layers) {
    if (layer == nullptr) continue;
    if (const auto* own = (*layer)[sub.get_name()].as_table()) {
      apply_table(*own, file, sub, &app, subcommands, all_names, applied);
    }
    apply_table(*layer, file, sub, &app, subcommands, all_names, applied);
  }
}

}  // namespace wsrepro::cli
