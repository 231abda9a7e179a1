// wsrepro clients setup|status: the cached environments of versioned clients.

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "catalogue.hpp"
#include "client_setup.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"

namespace wsrepro::cli {

namespace {

struct clients_settings {
  std::string action;
  std::vector<std::string> selectors;
  int jobs = 1;
};

/// Every pinned version of every versioned client, when no selector is given.
std::vector<harness::client_spec> chosen_instances(const harness::client_catalogue& catalogue,
                                                   const std::vector<std::string>& selectors) {
  if (!selectors.empty()) return resolve_clients(catalogue, selectors);
  std::vector<std::string> all;
  for (const auto& c : catalogue.all()) {
    if (!c.environment.empty()) all.push_back(c.name);
  }
  return resolve_clients(catalogue, all);
}

int clients(const clients_settings& settings, const global_options& globals) {
  const auto paths = resolve_paths(globals);
  const auto catalogue = load_clients(paths);
  auto cache = make_cache(globals, paths);
  auto instances = chosen_instances(catalogue, settings.selectors);

  if (settings.action == "status") {
    std::cout << "cache: " << cache.root().string() << "\n";
    std::set<std::pair<std::string, std::string>> shown;
    for (const auto& c : instances) {
      const auto* env = catalogue.find_environment(c.environment);
      if (env == nullptr || !shown.insert({env->name, c.version}).second) continue;
      const auto state = cache.inspect(*env, c.version);
      std::cout << env->name << " " << c.version << ": "
                << (state.ready
                        ? "ready (" + state.library_version + ", " + state.runtime_version + ")"
                        : state.problem)
                << "  " << state.dir.string() << "\n";
    }
    return ok;
  }

  const auto& interrupted = install_interrupt_handler();
  std::vector<harness::client_spec*> pointers;
  pointers.reserve(instances.size());
  for (auto& c : instances) pointers.push_back(&c);
  const auto problems =
      prepare_clients(pointers, catalogue, cache, settings.jobs, &interrupted, false);
  int ready = 0;
  for (const auto& c : instances) {
    if (c.environment.empty()) continue;
    const auto it = problems.find(c.display_name());
    if (it == problems.end()) {
      ++ready;
      std::cout << "ready   " << c.display_name() << "  " << c.library_version.value_or("?") << ", "
                << c.runtime_version.value_or("?") << "\n";
    } else {
      std::cout << "FAILED  " << c.display_name() << "  " << it->second << "\n";
    }
  }
  std::cout << ready << " ready, " << problems.size() << " failed; cache: " << cache.root().string()
            << std::endl;
  if (interrupted.load()) return harness_error;
  return problems.empty() ? ok : harness_error;
}

}  // namespace

command add_clients_command(CLI::App& app, const global_options& globals) {
  auto settings = std::make_shared<clients_settings>();
  auto* sub = app.add_subcommand(
      "clients", "Set up or inspect the cached environments of versioned clients (venvs, npm)");
  sub->add_option("action", settings->action,
                  "setup: build what is missing or out of date; status: show the cache")
      ->required()
      ->check(CLI::IsMember({"setup", "status"}));
  sub->add_option("clients", settings->selectors,
                  "NAME (every pinned version), NAME@VERSION, NAME@FIRST..LAST; default: every "
                  "versioned client")
      ->type_name("NAME[@VERSION]");
  sub->add_option("--jobs,-j", settings->jobs, "Environments built in parallel")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  return [settings, &globals] { return clients(*settings, globals); };
}

}  // namespace wsrepro::cli
