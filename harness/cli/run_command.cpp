// wsrepro run: scenarios x clients -> runs -> verdicts and reports.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "catalogue.hpp"
#include "client_setup.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "report_files.hpp"
#include "wsrepro/harness/runner.hpp"
#include "wsrepro/reports/matrix.hpp"
#include "wsrepro/reports/reporter.hpp"

namespace wsrepro::cli {

namespace fs = std::filesystem;
using harness::verdict;

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int /*sig*/) { interrupted.store(true); }

/// Ctrl+C (or SIGTERM) to wsrepro: stop the clients, skip what has not started, still report.
void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

struct run_settings {
  std::vector<std::string> paths;
  std::vector<std::string> scenario_globs;
  std::vector<std::string> clients;
  std::string client_cmd;
  std::string out_dir = "wsrepro-out";
  double time_scale = 1.0;
  int jobs = 1;
  bool strict = false;
  bool quiet = false;
  bool tls = false;
  std::string listen;
};

std::string format_value(const harness::measurement* m) {
  if (m == nullptr || m->status != harness::measurement_status::measured) return "-";
  if (m->text) return *m->text;
  char buf[48];
  std::snprintf(buf, sizeof buf, m->unit == "ms" ? "%s%.1f" : "%s%.0f", m->lower_bound ? ">=" : "",
                *m->value);
  return buf;
}

std::string verdict_label(verdict v) {
  switch (v) {
    case verdict::pass:
      return "PASS";
    case verdict::fail:
      return "FAIL";
    case verdict::known_bug:
      return "KNOWN-BUG";
    case verdict::skipped:
      return "SKIP";
    case verdict::error:
      return "ERROR";
  }
  return "ERROR";
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

void print_run_line(const harness::run_result& r) {
  std::string line =
      pad(verdict_label(r.outcome), 10) + pad(r.scenario_id, 40) + " " + pad(r.client, 24);
  if (r.outcome == verdict::skipped || r.outcome == verdict::error) {
    line += " " + r.reason;
  } else {
    line += " hang_ms=" + format_value(r.find("hang_ms")) +
            " interrupt_latency_ms=" + format_value(r.find("interrupt_latency_ms")) +
            " ended_by=" + format_value(r.find("ended_by"));
    if (r.outcome == verdict::fail) line += "\n          " + r.reason;
  }
  std::cout << line << std::endl;
}

std::vector<harness::planned_run> make_plan(const std::vector<harness::scenario>& scenarios,
                                            const harness::client_catalogue& catalogue,
                                            const run_settings& settings,
                                            const std::optional<harness::client_spec>& ad_hoc) {
  std::vector<harness::planned_run> plan;
  std::vector<harness::client_spec> chosen = resolve_clients(catalogue, settings.clients);
  if (ad_hoc) chosen.push_back(*ad_hoc);

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

/// A client whose program is missing is bad input, found before anything runs.
void check_programs(const std::vector<harness::planned_run>& plan,
                    const harness::search_paths& paths) {
  std::set<std::string> checked;
  for (const auto& run : plan) {
    if (run.skip_reason || run.client.command.empty() ||
        !checked.insert(run.client.display_name()).second) {
      continue;
    }
    std::map<std::string, std::string> values{{"url", "ws://127.0.0.1:1/"},
                                              {"host", "127.0.0.1"},
                                              {"port", "1"},
                                              {"libexec", paths.libexec_dir.string()},
                                              {"data", paths.data_dir.string()},
                                              {"ca_file", "/dev/null"}};
    values.insert(run.client.environment_values.begin(), run.client.environment_values.end());
    std::string error;
    auto argv = harness::expand_command(run.client.command, values, error);
    if (!argv) throw usage_error{"client " + run.client.name + ": " + error};
    if (!harness::find_program(argv->front())) {
      throw usage_error{
          "client " + run.client.name + ": program '" + argv->front() + "' not found" +
          (argv->front().find('/') == std::string::npos ? " in PATH" : "") +
          (run.client.manifest.empty() ? "" : " (from " + run.client.manifest.string() + ")")};
    }
  }
}

int run(const run_settings& settings, const global_options& globals,
        const std::string& command_line) {
  if (settings.time_scale <= 0) throw usage_error{"--time-scale must be positive"};
  const auto paths = resolve_paths(globals);
  const auto catalogue = load_clients(paths);
  auto scenarios = load_scenarios(paths, settings.paths);

  if (!settings.scenario_globs.empty()) {
    std::vector<harness::scenario> selected;
    for (auto& s : scenarios) {
      for (const auto& glob : settings.scenario_globs) {
        if (harness::glob_match(glob, s.id)) {
          selected.push_back(std::move(s));
          break;
        }
      }
    }
    if (selected.empty()) {
      std::string globs;
      for (const auto& g : settings.scenario_globs) globs += (globs.empty() ? "" : ", ") + g;
      throw usage_error{"no scenario matches --scenario " + globs +
                        " (see: wsrepro list scenarios)"};
    }
    scenarios = std::move(selected);
  }
  for (auto& s : scenarios) harness::apply_time_scale(s, settings.time_scale);

  std::optional<harness::client_spec> ad_hoc;
  if (!settings.client_cmd.empty()) {
    std::string error;
    ad_hoc = harness::ad_hoc_client(settings.client_cmd, error);
    if (!ad_hoc) throw usage_error{"--client-cmd: " + error};
  }
  auto plan = make_plan(scenarios, catalogue, settings, ad_hoc);
  install_interrupt_handler();  // a Ctrl+C during client set-up stops it too
  {
    auto cache = make_cache(globals, paths);
    std::vector<harness::client_spec*> to_prepare;
    for (auto& run : plan) {
      if (!run.skip_reason) to_prepare.push_back(&run.client);
    }
    const auto problems =
        prepare_clients(to_prepare, catalogue, cache, settings.jobs, &interrupted, settings.quiet);
    for (auto& run : plan) {
      const auto it = problems.find(run.client.display_name());
      if (!run.skip_reason && it != problems.end()) run.skip_reason = it->second;
    }
  }
  check_programs(plan, paths);

  report_files files(settings.out_dir);
  auto& reporter = files.reporter();

  reporter.begin(make_report_context(command_line, settings.time_scale, settings.strict));

  harness::run_options options;
  options.paths = paths;
  options.time_scale = settings.time_scale;
  options.jobs = settings.jobs;
  options.cancel = &interrupted;
  options.tls = settings.tls;
  options.listen = settings.listen;
  const auto started = std::chrono::steady_clock::now();
  const auto results = harness::execute_plan(plan, options, [&](const harness::run_result& r) {
    if (!settings.quiet) print_run_line(r);
  });

  harness::run_summary summary;
  for (const auto& r : results) {
    summary.counts.add(r.outcome);
    reporter.run_finished(r);
  }
  summary.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  summary.interrupted = interrupted.load();
  int code = ok;
  if (summary.counts.error > 0 || summary.interrupted) {
    code = harness_error;
  } else if (summary.counts.fail > 0 || (settings.strict && summary.counts.skipped > 0)) {
    code = expectation_failed;
  }
  summary.exit_code = code;
  reporter.end(summary);
  files.flush();

  // The verdict table.
  std::cout << "\n"
            << pad("verdict", 10) << pad("scenario", 40) << " " << pad("client", 24) << " "
            << pad("hang_ms", 10) << pad("interrupt_latency_ms", 22) << "ended_by\n";
  for (const auto& r : results) {
    std::cout << pad(verdict_label(r.outcome), 10) << pad(r.scenario_id, 40) << " "
              << pad(r.client, 24) << " " << pad(format_value(r.find("hang_ms")), 10)
              << pad(format_value(r.find("interrupt_latency_ms")), 22)
              << format_value(r.find("ended_by")) << "\n";
  }
  reports::matrix_collector matrices;
  for (const auto& r : results) matrices.add(r);
  for (const auto& m : matrices.build()) {
    std::string runtimes;
    for (const auto& rt : m.runtimes) runtimes += (runtimes.empty() ? "" : ", ") + rt;
    std::cout << "\n"
              << m.library << " by version" << (runtimes.empty() ? "" : " (" + runtimes + ")")
              << "; BUG = known bug reproduced, as expected on that version:\n"
              << reports::render_matrix_text(m);
  }
  const auto& c = summary.counts;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", summary.duration_ms / 1000);
  std::cout << "\n"
            << c.total() << (c.total() == 1 ? " run: " : " runs: ") << c.pass << " passed, "
            << c.fail << " failed, " << c.known_bug << " known bugs, " << c.skipped << " skipped, "
            << c.error << " errors in " << seconds << " s"
            << (summary.interrupted ? " (interrupted)" : "") << "\n";
  std::cout << "Reports:";
  for (const auto& w : files.paths()) std::cout << " " << w;
  std::cout << std::endl;
  return code;
}

}  // namespace

command add_run_command(CLI::App& app, const global_options& globals) {
  auto settings = std::make_shared<run_settings>();
  auto* sub = app.add_subcommand(
      "run",
      "Run scenarios against clients, judge them and write reports (report.json, "
      "junit.xml, summary.md)");
  sub->add_option("paths", settings->paths,
                  "Scenario files or directories (default: the scenarios/ library)");
  sub->add_option("--scenario,-s", settings->scenario_globs,
                  "Only scenarios whose id matches this glob (repeatable), e.g. 'handshake.*'");
  sub->add_option("--client,-c", settings->clients,
                  "Run this client (repeatable) on every selected scenario that applies to it; "
                  "the others are skipped. NAME@VERSION, NAME@FIRST..LAST for versioned clients "
                  "(NAME alone: every pinned version). Default: each scenario's own clients")
      ->type_name("NAME[@VERSION]");
  sub->add_option("--client-cmd", settings->client_cmd,
                  "An ad-hoc client: 'PROG ARGS {url}', split like a shell does but run without "
                  "one. Placeholders: {url} {host} {port} {libexec} {data} {ca_file}")
      ->type_name("CMD");
  sub->add_option("--out,-o", settings->out_dir, "Directory for the reports")
      ->capture_default_str();
  sub->add_option("--time-scale", settings->time_scale,
                  "Multiply every deadline, delay and threshold (for slow machines)")
      ->capture_default_str();
  sub->add_option("--jobs,-j", settings->jobs, "Runs in parallel")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  sub->add_flag("--strict", settings->strict, "A skipped run fails the invocation (exit 1)");
  sub->add_flag("--tls", settings->tls,
                "Serve every scenario over wss:// with a throwaway CA; clients learn of it "
                "through {ca_file}, SSL_CERT_FILE and NODE_EXTRA_CA_CERTS");
  sub->add_option("--listen", settings->listen,
                  "Listen on this loopback address instead of each scenario's (127.0.0.1 or ::1)")
      ->check(CLI::IsMember({"127.0.0.1", "::1"}));
  sub->add_flag("--quiet,-q", settings->quiet, "No line per run, only the table");
  return [settings, &globals] { return run(*settings, globals, globals.command_line); };
}

}  // namespace wsrepro::cli
