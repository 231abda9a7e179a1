#include "run_plan.hpp"

#include <charconv>
#include <cmath>
#include <random>
#include <set>
#include <sstream>

#include "catalogue.hpp"
#include "client_setup.hpp"
#include "exit_codes.hpp"
#include "wsrepro/common/files.hpp"
#include "wsrepro/common/statistics.hpp"
#include "wsrepro/mock/registry.hpp"

namespace wsrepro::cli {

std::vector<harness::planned_run> make_plan(const std::vector<harness::scenario>& scenarios,
                                            const harness::client_catalogue& catalogue,
                                            const std::vector<std::string>& client_selectors,
                                            const std::vector<harness::client_spec>& ad_hoc) {
  std::vector<harness::planned_run> plan;
  std::vector<harness::client_spec> chosen = resolve_clients(catalogue, client_selectors);
  chosen.insert(chosen.end(), ad_hoc.begin(), ad_hoc.end());

  for (const auto& s : scenarios) {
    if (chosen.empty()) {
      if (s.clients.empty()) {
        harness::planned_run run;
        run.scenario_ptr = &s;
        run.client.name = "(none)";
        run.skip_reason = "the scenario names no default client; choose one with --client";
        plan.push_back(run);
      }
      for (const auto& selector : s.clients) {
        std::vector<harness::client_spec> instances;
        try {
          instances = resolve_clients(catalogue, {selector});
        } catch (const usage_error& e) {
          throw usage_error{s.file.string() + ": key 'clients': " + e.message};
        }
        for (auto& instance : instances) {
          harness::planned_run run;
          run.scenario_ptr = &s;
          run.client = std::move(instance);
          plan.push_back(std::move(run));
        }
      }
      continue;
    }
    for (const auto& client : chosen) {
      harness::planned_run run;
      run.scenario_ptr = &s;
      run.client = client;
      if (!s.applies(client.name)) {
        std::string list;
        for (const auto& a : s.applies_to) list += (list.empty() ? "" : ", ") + a;
        run.skip_reason = "the scenario applies only to: " + list;
      }
      plan.push_back(run);
    }
  }
  return plan;
}

void check_programs(const std::vector<harness::planned_run>& plan,
                    const harness::search_paths& paths) {
  std::set<std::string> checked;
  for (const auto& run : plan) {
    if (run.skip_reason || run.client.command.empty() ||
        !checked.insert(run.client.display_name()).second) {
      continue;
    }
    const auto values =
        harness::client_values(run.client, paths.libexec_dir, paths.data_dir,
                               {"ws://127.0.0.1:1/", "127.0.0.1", "1", "/dev/null"});
    std::string error;
    auto argv = harness::expand_command(run.client.command, values, error);
    if (!argv) throw usage_error{"client " + run.client.name + ": " + error};
    if (!harness::find_program(argv->front())) {
      throw usage_error{
          "client " + run.client.name + ": program '" + argv->front() + "' " +
          harness::why_not_runnable(argv->front()) +
          (run.client.manifest.empty() ? "" : " (from " + run.client.manifest.string() + ")")};
    }
  }
}

std::vector<harness::jitter_spec> parse_jitters(const std::vector<std::string>& texts,
                                                const std::vector<harness::scenario>& scenarios) {
  std::vector<harness::jitter_spec> specs;
  for (const auto& text : texts) {
    std::string error;
    auto spec = harness::parse_jitter(text, error);
    if (!spec) throw usage_error{"--jitter " + error};
    std::string problem;
    bool fits_one = false;
    for (const auto& s : scenarios) {
      const std::string p = harness::check_jitter(*spec, s);
      if (p.empty()) {
        fits_one = true;
      } else if (problem.empty()) {
        problem = p;
      }
    }
    if (!fits_one) throw usage_error{"--jitter " + text + ": " + problem};
    specs.push_back(*spec);
  }
  return specs;
}

std::vector<harness::planned_run> repetitions(const std::vector<harness::planned_run>& base,
                                              int repetition, std::uint64_t base_seed,
                                              std::uint64_t& index,
                                              const std::vector<harness::jitter_spec>& jitters,
                                              double time_scale) {
  std::vector<harness::planned_run> out;
  for (const auto& entry : base) {
    harness::planned_run run = entry;
    run.repetition = repetition;
    run.index = index;
    run.seed = derive_seed(base_seed, index++);
    std::vector<harness::jitter_spec> applicable;
    for (const auto& j : jitters) {
      if (harness::check_jitter(j, *run.scenario_ptr).empty()) applicable.push_back(j);
    }
    for (const auto& [name, value] : harness::draw_jitter(applicable, run.seed, time_scale)) {
      run.param_overrides[name] = value;
    }
    out.push_back(std::move(run));
  }
  return out;
}

replay_source read_replay(const std::string& reference) {
  const auto hash = reference.rfind('#');
  if (hash == std::string::npos || hash + 1 == reference.size()) {
    throw usage_error{"--replay takes REPORT.json#N (N: the run's index in the report's runs)"};
  }
  const std::string file = reference.substr(0, hash);
  std::size_t index = 0;
  const std::string index_text = reference.substr(hash + 1);
  const auto [end, ec] =
      std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
  if (ec != std::errc{} || end != index_text.data() + index_text.size()) {
    throw usage_error{"--replay " + reference + ": '" + index_text + "' is not a run index"};
  }
  std::string read_error;
  const auto text = read_file(file, read_error);
  if (!text) throw usage_error{"--replay: cannot read " + file + ": " + read_error};
  auto parsed = harness::parse_replay_report(*text, index, file);
  if (auto* error = std::get_if<std::string>(&parsed)) throw usage_error{"--replay: " + *error};
  return std::get<replay_source>(std::move(parsed));
}

void check_time_scale(double factor, const std::string& origin) {
  if (!std::isfinite(factor) || factor < 0.01 || factor > 1000) {
    std::ostringstream message;
    message << origin << " must be a factor between 0.01 and 1000, got " << factor;
    throw usage_error{message.str()};
  }
}

void check_replay_params(const replay_source& replay, const harness::scenario& s) {
  const mock::behaviour_info* info = mock::find_behaviour(s.behaviour);
  if (info == nullptr) return;  // the loader refused it already
  std::vector<std::string> names;
  for (const auto& p : info->params) names.push_back(p.name);
  for (const auto& [name, value] : replay.server_params) {
    const mock::param_spec* spec = mock::find_param(info->params, name);
    if (spec == nullptr || spec->type != mock::param_type::integer) {
      throw usage_error{"--replay: the report's server parameter '" + name + "' is not an " +
                        "integer parameter of behaviour " + s.behaviour + " (scenario " + s.id +
                        "): " + unknown_name_message("parameter", name, names)};
    }
    if (auto problem = mock::check_value(*spec, mock::param_value{value})) {
      throw usage_error{"--replay: the report's " + name + " = " + std::to_string(value) + ": " +
                        *problem};
    }
  }
}

std::uint64_t fresh_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace wsrepro::cli
