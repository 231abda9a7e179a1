// wsrepro clients setup|status|clean: the cached environments of versioned clients.

#include <CLI/CLI.hpp>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

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
  bool as_json = false;
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
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    if (!settings.as_json) std::cout << "cache: " << cache.root().string() << "\n";
    std::set<std::pair<std::string, std::string>> shown;
    for (const auto& c : instances) {
      const auto* env = catalogue.find_environment(c.environment);
      if (env == nullptr || !shown.insert({env->name, c.version}).second) continue;
      const auto state = cache.inspect(*env, c.version);
      if (settings.as_json) {
        items.push_back({{"environment", env->name},
                         {"version", c.version},
                         {"ready", state.ready},
                         {"library_version", state.library_version},
                         {"runtime_version", state.runtime_version},
                         {"problem", state.problem},
                         {"dir", state.dir.string()}});
        continue;
      }
      std::cout << env->name << " " << c.version << ": "
                << (state.ready
                        ? "ready (" + state.library_version + ", " + state.runtime_version + ")"
                        : state.problem)
                << "  " << state.dir.string() << "\n";
    }
    if (settings.as_json) {
      std::cout << nlohmann::ordered_json{{"cache", cache.root().string()},
                                          {"environments", std::move(items)}}
                       .dump(2)
                << std::endl;
    }
    return ok;
  }

  if (settings.action == "clean") {
    // Each chosen environment, its log and its lock; what another wsrepro is building is left.
    constexpr std::uintmax_t mib = std::uintmax_t{1024} * 1024;
    std::set<std::pair<std::string, std::string>> seen;
    std::uintmax_t removed = 0;
    int cleaned = 0;
    for (const auto& c : instances) {
      const auto* env = catalogue.find_environment(c.environment);
      if (env == nullptr || !seen.insert({env->name, c.version}).second) continue;
      std::string problem;
      const auto freed = cache.remove(*env, c.version, problem);
      if (!problem.empty()) {
        std::cerr << "wsrepro: " << env->name << " " << c.version << ": " << problem << "\n";
        continue;
      }
      if (freed > 0) {
        ++cleaned;
        removed += freed;
        std::cout << "removed " << env->name << " " << c.version << " (" << freed / mib
                  << " MiB)\n";
      }
    }
    std::cout << cleaned << (cleaned == 1 ? " environment" : " environments") << " removed ("
              << removed / mib << " MiB); cache: " << cache.root().string() << std::endl;
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
  auto* sub = app.add_subcommand("clients",
                                 "Set up or inspect the cached environments of versioned clients "
                                 "(venvs, npm, Go, Rust and Java builds)");
  sub->add_option("action", settings->action,
                  "setup: build what is missing or out of date; status: show the cache; clean: "
                  "remove the environments (all, or the clients named)")
      ->required()
      ->check(CLI::IsMember({"setup", "status", "clean"}));
  sub->add_option("clients", settings->selectors,
                  "NAME (every pinned version), NAME@VERSION, NAME@FIRST..LAST; default: every "
                  "versioned client")
      ->type_name("NAME[@VERSION]");
  sub->add_flag("--json", settings->as_json, "status: a JSON document on standard output");
  sub->add_option("--jobs,-j", settings->jobs, "Environments built in parallel")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  return [settings, &globals] { return clients(*settings, globals); };
}

}  // namespace wsrepro::cli
