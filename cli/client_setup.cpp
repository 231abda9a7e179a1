#include "client_setup.hpp"

#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "catalogue.hpp"
#include "exit_codes.hpp"

namespace wsrepro::cli {

harness::environment_cache make_cache(const global_options& globals,
                                      const harness::search_paths& paths) {
  const std::filesystem::path root = globals.cache_dir.empty()
                                         ? harness::environment_cache::default_root()
                                         : std::filesystem::path(globals.cache_dir);
  return {std::filesystem::absolute(root), paths.data_dir};
}

std::vector<harness::client_spec> resolve_clients(const harness::client_catalogue& catalogue,
                                                  const std::vector<std::string>& selectors) {
  std::vector<harness::client_spec> out;
  for (const auto& selector : selectors) {
    const auto at = selector.find('@');
    const std::string name = selector.substr(0, at);
    const std::string version = at == std::string::npos ? "" : selector.substr(at);
    // A glob names every client it matches, in the catalogue's order.
    std::vector<std::string> names;
    if (name.find_first_of("*?[") != std::string::npos) {
      for (const auto& known : catalogue.names()) {
        if (harness::glob_match(name, known)) names.push_back(known);
      }
      if (names.empty()) {
        std::string list;
        for (const auto& k : catalogue.names()) list += (list.empty() ? "" : ", ") + k;
        throw usage_error{"no client matches --client " + name + " (known: " + list + ")"};
      }
    } else if (catalogue.find(name) == nullptr) {
      throw usage_error{"--client: " + unknown_name_message("client", name, catalogue.names())};
    } else {
      names.push_back(name);
    }
    for (const auto& n : names) {
      std::string error;
      auto instances = catalogue.resolve(n + version, error);
      if (instances.empty()) throw usage_error{"--client " + selector + ": " + error};
      for (auto& c : instances) out.push_back(std::move(c));
    }
  }
  return out;
}

std::map<std::string, std::string> prepare_clients(std::vector<harness::client_spec*>& clients,
                                                   const harness::client_catalogue& catalogue,
                                                   harness::environment_cache& cache, int jobs,
                                                   const std::atomic<bool>* cancel, bool quiet) {
  // One entry per (environment, version), whatever number of runs and clients need it.
  std::vector<std::pair<const harness::environment_spec*, std::string>> needed;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto* c : clients) {
    if (c->environment.empty()) continue;
    const auto* env = catalogue.find_environment(c->environment);
    if (env != nullptr && seen.insert({env->name, c->version}).second) {
      needed.emplace_back(env, c->version);
    }
  }
  std::vector<harness::environment_state> states(needed.size());
  std::mutex print_mutex;
  const auto progress = [&](const std::string& line) {
    if (quiet && !harness::is_lock_wait_line(line)) return;
    std::lock_guard lock(print_mutex);
    std::cerr << "setup  " << line << std::endl;
  };
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (std::size_t i = next++; i < needed.size(); i = next++) {
      states[i] = cache.ensure(*needed[i].first, needed[i].second, cancel, progress);
    }
  };
  const std::size_t threads =
      std::min<std::size_t>(needed.size(), static_cast<std::size_t>(std::max(1, jobs)));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  std::map<std::string, std::string> problems;
  for (auto* c : clients) {
    if (c->environment.empty()) continue;
    const auto* env = catalogue.find_environment(c->environment);
    std::size_t i = 0;
    while (i < needed.size() && !(needed[i].first == env && needed[i].second == c->version)) ++i;
    if (env == nullptr || i == needed.size()) continue;
    const auto& state = states[i];
    if (!state.ready) {
      problems[c->display_name()] = "client set-up failed: " + state.problem;
      continue;
    }
    c->environment_values = cache.placeholder_values(*env, c->version);
    if (!state.library_version.empty()) c->library_version = state.library_version;
    if (!state.runtime_version.empty()) c->runtime_version = state.runtime_version;
  }
  return problems;
}

void prepare_plan(std::vector<harness::planned_run>& plan,
                  const harness::client_catalogue& catalogue, harness::environment_cache& cache,
                  int jobs, const std::atomic<bool>* cancel, bool quiet) {
  std::vector<harness::client_spec*> to_prepare;
  for (auto& run : plan) {
    if (!run.skip_reason) to_prepare.push_back(&run.client);
  }
  const auto problems = prepare_clients(to_prepare, catalogue, cache, jobs, cancel, quiet);
  for (auto& run : plan) {
    const auto it = problems.find(run.client.display_name());
    if (!run.skip_reason && it != problems.end()) run.skip_reason = it->second;
  }
}

}  // namespace wsrepro::cli
