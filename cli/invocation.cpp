#include "invocation.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "catalogue.hpp"
#include "client_setup.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "run_plan.hpp"

namespace wsrepro::cli {

int exit_code_for(const results::run_summary& summary, bool strict, bool allow_empty) {
  const auto& c = summary.counts;
  if (c.error > 0 || summary.interrupted) return harness_error;
  if (c.fail > 0 || (strict && (c.skipped > 0 || c.unsupported > 0))) return expectation_failed;
  if (c.skipped == c.total() && !allow_empty) return nothing_ran;
  return ok;
}

namespace {

double checked(double time_scale) {
  check_time_scale(time_scale);
  return time_scale;
}

}  // namespace

invocation::invocation(const global_options& globals, double time_scale)
    : globals_(globals),
      time_scale_(checked(time_scale)),
      paths_(resolve_paths(globals)),
      catalogue_(load_clients(paths_)) {}

std::vector<harness::scenario> invocation::scenarios(const std::vector<std::string>& given) const {
  return load_scenarios(paths_, given);
}

harness::scenario invocation::scenario(const std::string& id_or_file) const {
  std::error_code ec;
  harness::scenario s;
  if (std::filesystem::is_regular_file(id_or_file, ec)) {
    auto in_file = scenarios({id_or_file});
    if (in_file.size() != 1) {
      throw usage_error{id_or_file + " holds " + std::to_string(in_file.size()) +
                        " scenarios; one is needed here"};
    }
    s = std::move(in_file.front());
  } else if (std::filesystem::is_directory(id_or_file, ec)) {
    throw usage_error{id_or_file + " is a directory: name one scenario file, or an id"};
  } else if (id_or_file.find('/') != std::string::npos || id_or_file.ends_with(".toml")) {
    // Ids have neither: this was meant as a file.
    throw usage_error{"no scenario file " + id_or_file};
  } else {
    s = find_scenario(scenarios(), id_or_file);
  }
  harness::apply_time_scale(s, time_scale_);
  return s;
}

std::optional<harness::client_spec> invocation::ad_hoc_client(
    const std::string& command_line) const {
  if (command_line.empty()) return std::nullopt;
  std::string error;
  auto client = harness::ad_hoc_client(command_line, error);
  if (!client) throw usage_error{"--client-cmd: " + error};
  if (globals_.diagnose != "none") client->diagnose = globals_.diagnose;
  return client;
}

namespace {

/// 'NAME' or 'NAME@VERSION' (no space, slash or '='): the label of a --client-cmd.
bool is_label(std::string_view text) {
  const auto at = text.find('@');
  const auto valid = [](std::string_view part, bool version) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [version](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' ||
             (version && c == '+');
    });
  };
  if (at == std::string_view::npos) return valid(text, false);
  return valid(text.substr(0, at), false) && valid(text.substr(at + 1), true);
}

}  // namespace

std::vector<harness::client_spec> invocation::ad_hoc_clients(
    const std::vector<std::string>& commands, const std::vector<std::string>& env) const {
  std::vector<harness::client_spec> clients;
  for (const auto& text : commands) {
    const auto eq = text.find('=');
    const bool labelled = eq != std::string::npos && is_label(text.substr(0, eq));
    const std::string command_text = labelled ? text.substr(eq + 1) : text;
    if (command_text.find_first_not_of(" \t") == std::string::npos) {
      throw usage_error{"--client-cmd " + text + ": the command is empty, e.g. 'NAME=prog {url}'"};
    }
    auto client = ad_hoc_client(command_text);
    if (labelled) {
      const std::string label = text.substr(0, eq);
      const auto at = label.find('@');
      client->name = label.substr(0, at);
      if (at != std::string::npos) client->version = label.substr(at + 1);
    }
    for (const auto& other : clients) {
      if (other.display_name() == client->display_name()) {
        throw usage_error{"--client-cmd: two commands are named " + client->display_name() +
                          "; label them, e.g. --client-cmd 'mylib@1.0=CMD'"};
      }
    }
    client->replay_args = {"--client-cmd", text};
    clients.push_back(std::move(*client));
  }
  for (const auto& assignment : env) {
    // LABEL:K=V for one client, K=V for all of them.
    const auto colon = assignment.find(':');
    const auto eq = assignment.find('=');
    const bool scoped =
        colon != std::string::npos && colon < eq && is_label(assignment.substr(0, colon));
    const std::string target = scoped ? assignment.substr(0, colon) : "";
    const std::string pair = scoped ? assignment.substr(colon + 1) : assignment;
    const auto key_end = pair.find('=');
    if (key_end == std::string::npos || key_end == 0) {
      throw usage_error{"--client-env takes K=V or LABEL:K=V, got '" + assignment + "'"};
    }
    bool applied = false;
    for (auto& c : clients) {
      if (!target.empty() && c.display_name() != target && c.name != target) continue;
      c.env[pair.substr(0, key_end)] = pair.substr(key_end + 1);
      c.replay_args.insert(c.replay_args.end(), {"--client-env", assignment});
      applied = true;
    }
    if (!applied) {
      throw usage_error{"--client-env " + assignment + ": no --client-cmd " +
                        (target.empty() ? std::string("is given") : "is labelled " + target)};
    }
  }
  return clients;
}

harness::environment_cache invocation::cache() const { return make_cache(globals_, paths_); }

const std::atomic<bool>& invocation::interrupted() {
  if (interrupted_ == nullptr) interrupted_ = &install_interrupt_handler();
  return *interrupted_;
}

void invocation::prepare(std::vector<harness::planned_run>& plan, int jobs, bool quiet) {
  {
    auto environments = cache();
    prepare_plan(plan, catalogue_, environments, jobs, &interrupted(), quiet);
  }
  check_programs(plan, paths_);
}

harness::run_options invocation::run_options(int jobs) {
  harness::run_options options;
  options.paths = paths_;
  options.time_scale = time_scale_;
  options.jobs = jobs;
  options.cancel = &interrupted();
  options.capture_stacks = globals_.diagnose != "none";
  return options;
}

results::report_context invocation::report_context(bool strict) const {
  return make_report_context(globals_.command_line, time_scale_, strict);
}

results::reporter& invocation::open_reports(const std::string& out_dir,
                                            const std::vector<std::string>& formats, bool quiet,
                                            bool terminal, const results::report_context& context,
                                            std::unique_ptr<results::reporter> own) {
  reports_ = std::make_unique<report_files>(out_dir, formats, quiet, terminal);
  if (own) reports_->add(std::move(own));
  reports_->reporter().begin(context);
  started_ = std::chrono::steady_clock::now();
  return reports_->reporter();
}

void invocation::close_reports(results::run_summary& summary) {
  summary.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_)
          .count();
  summary.interrupted = interrupted_ != nullptr && interrupted_->load();
  reports_->reporter().end(summary);
  reports_->commit();
}

const std::vector<std::string>& invocation::report_paths() const { return reports_->paths(); }

std::ostream& invocation::own_output() const {
  return reports_ && reports_->stdout_is_data() ? std::cerr : std::cout;
}

}  // namespace wsrepro::cli
