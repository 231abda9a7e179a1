#include "suggestions.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include "wsrepro/harness/scenario_loader.hpp"

namespace wsrepro::cli {

namespace {

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

/// Every --long name of the app and of `sub` (the global options apply after a subcommand).
std::vector<std::string> long_option_names(const CLI::App& app, const CLI::App* sub) {
  std::vector<std::string> names;
  for (const CLI::App* a : {&app, sub}) {
    if (a == nullptr) continue;
    for (const auto* option : a->get_options()) {
      for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    }
  }
  return names;
}

}  // namespace

std::string suggest_for_unknown_arguments(const CLI::App& app, int argc, const char* const* argv) {
  const auto subcommands = subcommand_names(app);
  const CLI::App* chosen = nullptr;
  for (int i = 1; i < argc && chosen == nullptr; ++i) {
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_name() == argv[i]) chosen = sub;
    }
  }
  const auto options = long_option_names(app, chosen);
  std::string out;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--")) {
      const std::string name(arg.substr(0, arg.find('=')));
      if (std::find(options.begin(), options.end(), name) != options.end()) continue;
      if (const auto near = harness::nearest(name, options); !near.empty()) {
        out += "wsrepro: unknown option '" + name + "'; did you mean '" + near + "'?\n";
      }
    } else if (chosen == nullptr && !arg.starts_with("-") &&
               !(i > 1 && std::string_view(argv[i - 1]).starts_with("-") &&
                 std::string_view(argv[i - 1]).find('=') == std::string_view::npos)) {
      // The first word that is not an option's value would have been the subcommand.
      if (const auto near = harness::nearest(arg, subcommands); !near.empty()) {
        out += "wsrepro: unknown subcommand '" + std::string(arg) + "'; did you mean '" + near +
               "'?\n";
        break;
      }
    }
  }
  return out;
}

}  // namespace wsrepro::cli
