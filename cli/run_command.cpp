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
#include "interrupt.hpp"
#include "report_files.hpp"
#include "run_plan.hpp"
#include "validators.hpp"
#include "wsrepro/common/statistics.hpp"
#include "wsrepro/harness/runner.hpp"
#include "wsrepro/harness/stress.hpp"
#include "wsrepro/reports/matrix.hpp"
#include "wsrepro/reports/reporter.hpp"

namespace wsrepro::cli {

namespace fs = std::filesystem;
using results::verdict;

namespace {

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
  // Races: repetition, seeded jitter, replay, load.
  int repeat = 1;
  bool until_fail = false;
  int max_runs = 100;
  std::vector<std::string> jitters;
  std::optional<std::uint64_t> seed;
  std::string replay;
  int stress_cpu = 0;
  bool stress_io = false;
  bool time_scale_given = false;
  bool client_cmd_given = false;
};

std::string format_value(const results::measurement* m) {
  if (m == nullptr || m->status != results::measurement_status::measured) return "-";
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

void print_run_line(const results::run_result& r) {
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

/// The invocation's runs after repetitions: all of them up front, or (--until-fail) batch by
/// batch until one fails.
std::vector<results::run_result> execute_all(const std::vector<harness::planned_run>& base,
                                             const run_settings& settings,
                                             const harness::run_options& options,
                                             std::uint64_t seed,
                                             const std::vector<harness::jitter_spec>& jitters,
                                             const std::optional<replay_source>& replay,
                                             reports::reporter& reporter) {
  // Each run goes to the reports as it ends; only its summary stays in memory.
  const auto on_finished = [&](const results::run_result& r) {
    if (!settings.quiet) print_run_line(r);
    reporter.run_finished(r);
  };
  const auto pin_replay = [&](std::vector<harness::planned_run>& runs) {
    if (!replay) return;
    for (auto& run : runs) {
      run.seed = replay->seed;
      run.param_overrides = replay->server_params;
    }
  };
  std::uint64_t index = 0;
  if (!settings.until_fail) {
    std::vector<harness::planned_run> plan;
    for (int rep = 1; rep <= settings.repeat; ++rep) {
      auto batch = repetitions(base, settings.repeat > 1 ? rep : 0, seed, index, jitters,
                               settings.time_scale);
      plan.insert(plan.end(), batch.begin(), batch.end());
    }
    pin_replay(plan);
    return harness::execute_plan(plan, options, on_finished);
  }
  // Enough repetitions per batch to keep every job busy; stop after the batch that failed.
  const std::size_t per_batch =
      std::max<std::size_t>(1, (static_cast<std::size_t>(settings.jobs) + base.size() - 1) /
                                   std::max<std::size_t>(1, base.size()));
  std::vector<results::run_result> results;
  int rep = 0;
  while (options.cancel == nullptr || !options.cancel->load()) {
    std::vector<harness::planned_run> plan;
    for (std::size_t i = 0; i < per_batch; ++i) {
      auto batch = repetitions(base, ++rep, seed, index, jitters, settings.time_scale);
      plan.insert(plan.end(), batch.begin(), batch.end());
    }
    const std::size_t room = static_cast<std::size_t>(settings.max_runs) - results.size();
    if (plan.size() > room) plan.resize(room);
    pin_replay(plan);
    auto done = harness::execute_plan(plan, options, on_finished);
    const bool failed = std::any_of(done.begin(), done.end(), [](const auto& r) {
      return r.outcome == verdict::fail || r.outcome == verdict::error;
    });
    results.insert(results.end(), done.begin(), done.end());
    if (failed || results.size() >= static_cast<std::size_t>(settings.max_runs)) break;
  }
  return results;
}

/// For repeated runs: per (scenario, client) the outcomes, the reproduction rate with its 95%
/// Wilson interval, the headline's median, and the seeds of the runs that missed.
void print_repetition_summary(const std::vector<results::run_result>& results,
                              const std::string& out_dir) {
  struct pair {
    std::string scenario, client, headline;
    results::run_counts counts;
    std::vector<double> values;
    std::vector<std::pair<std::size_t, std::uint64_t>> missed;  // report index, seed
  };
  std::vector<pair> pairs;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    auto it = std::find_if(pairs.begin(), pairs.end(), [&](const pair& p) {
      return p.scenario == r.scenario_id && p.client == r.client;
    });
    if (it == pairs.end()) {
      pairs.push_back({r.scenario_id, r.client, r.headline, {}, {}, {}});
      it = std::prev(pairs.end());
    }
    it->counts.add(r.outcome);
    if (const auto* m = r.find(r.headline); m != nullptr && m->value)
      it->values.push_back(*m->value);
    if (r.outcome == verdict::fail || r.outcome == verdict::known_bug)
      it->missed.emplace_back(r.index, r.seed);
  }
  std::cout << "\n"
            << pad("scenario", 40) << " " << pad("client", 24) << " " << pad("runs", 6)
            << pad("missed (95% CI)", 30) << "median\n";
  for (const auto& p : pairs) {
    const std::size_t judged =
        static_cast<std::size_t>(p.counts.pass + p.counts.fail + p.counts.known_bug);
    const auto ci = wilson_interval(p.missed.size(), judged);
    char rate[64];
    std::snprintf(rate, sizeof rate, "%zu/%zu %.0f%% [%.0f%%, %.0f%%]", p.missed.size(), judged,
                  ci.rate * 100, ci.low * 100, ci.high * 100);
    char median[48] = "-";
    if (!p.values.empty()) {
      std::snprintf(median, sizeof median, "%s %.1f", p.headline.c_str(),
                    summarize(p.values).median);
    }
    std::cout << pad(p.scenario, 40) << " " << pad(p.client, 24) << " "
              << pad(std::to_string(p.counts.total()), 6) << pad(judged == 0 ? "-" : rate, 30)
              << median << "\n";
    for (std::size_t k = 0; k < p.missed.size() && k < 3; ++k) {  // .first: the report index
      std::cout << "    missed: seed " << p.missed[k].second << ", replay with --replay " << out_dir
                << "/report.json#" << p.missed[k].first << "\n";
    }
  }
}

int run(const run_settings& settings_in, const global_options& globals,
        const std::string& command_line) {
  run_settings settings = settings_in;
  check_time_scale(settings.time_scale);
  if (settings.client_cmd_given &&
      settings.client_cmd.find_first_not_of(" \t") == std::string::npos) {
    throw usage_error{"--client-cmd is empty: give the client's command line, e.g. 'prog {url}'"};
  }
  if (settings.until_fail && settings.repeat > 1) {
    throw usage_error{
        "--repeat and --until-fail do not mix: --until-fail repeats until a run "
        "fails, at most --max-runs times"};
  }
  const auto paths = resolve_paths(globals);
  const auto catalogue = load_clients(paths);
  auto scenarios = load_scenarios(paths, settings.paths);

  std::optional<replay_source> replay;
  if (!settings.replay.empty()) {
    replay = read_replay(settings.replay);
    if (!settings.scenario_globs.empty() || !settings.clients.empty()) {
      throw usage_error{"--replay names its scenario and client; drop --scenario and --client"};
    }
    settings.scenario_globs = {replay->scenario_id};
    if (replay->client.starts_with("cmd:")) {
      if (settings.client_cmd.empty()) {
        throw usage_error{"--replay: the recorded run used an ad-hoc client (" + replay->client +
                          "); give its --client-cmd again"};
      }
    } else {
      settings.clients = {replay->client};
    }
    if (!settings.time_scale_given) {
      check_time_scale(replay->time_scale, "--replay: the report's time_scale");
      settings.time_scale = replay->time_scale;
    }
  }

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
  if (replay) {
    for (const auto& s : scenarios) check_replay_params(*replay, s);
  }
  for (auto& s : scenarios) harness::apply_time_scale(s, settings.time_scale);
  const auto jitters = parse_jitters(settings.jitters, scenarios);
  if (replay && !jitters.empty()) {
    throw usage_error{"--replay repeats the recorded parameters; drop --jitter"};
  }

  std::optional<harness::client_spec> ad_hoc;
  if (!settings.client_cmd.empty()) {
    std::string error;
    ad_hoc = harness::ad_hoc_client(settings.client_cmd, error);
    if (!ad_hoc) throw usage_error{"--client-cmd: " + error};
  }
  auto plan = make_plan(scenarios, catalogue, settings.clients, ad_hoc);
  // A Ctrl+C during client set-up stops it too.
  const auto& interrupted = install_interrupt_handler();
  {
    auto cache = make_cache(globals, paths);
    prepare_plan(plan, catalogue, cache, settings.jobs, &interrupted, settings.quiet);
  }
  check_programs(plan, paths);

  report_files files(settings.out_dir);
  auto& reporter = files.reporter();
  const std::uint64_t seed = settings.seed.value_or(fresh_seed());
  auto context = make_report_context(command_line, settings.time_scale, settings.strict);
  context.seed = seed;
  context.jitter = settings.jitters;
  context.repeat = settings.until_fail ? 0 : settings.repeat;
  context.stress_cpu = settings.stress_cpu;
  context.stress_io = settings.stress_io;
  reporter.begin(context);

  harness::run_options options;
  options.keep_details = false;
  options.paths = paths;
  options.time_scale = settings.time_scale;
  options.jobs = settings.jobs;
  options.cancel = &interrupted;
  options.tls = settings.tls;
  options.listen = settings.listen;
  const auto started = std::chrono::steady_clock::now();
  std::vector<results::run_result> results;
  {
    const harness::stress_load load({settings.stress_cpu, settings.stress_io});
    results = execute_all(plan, settings, options, seed, jitters, replay, reporter);
  }

  results::run_summary summary;
  for (const auto& r : results) summary.counts.add(r.outcome);
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
  files.commit();

  const bool repeated = settings.until_fail || settings.repeat > 1;
  if (repeated) print_repetition_summary(results, settings.out_dir);
  // The verdict table (for repeated runs, the summary above says it shorter).
  if (!repeated) {
    std::cout << "\n"
              << pad("verdict", 10) << pad("scenario", 40) << " " << pad("client", 24) << " "
              << pad("hang_ms", 10) << pad("interrupt_latency_ms", 22) << "ended_by\n";
    for (const auto& r : results) {
      std::cout << pad(verdict_label(r.outcome), 10) << pad(r.scenario_id, 40) << " "
                << pad(r.client, 24) << " " << pad(format_value(r.find("hang_ms")), 10)
                << pad(format_value(r.find("interrupt_latency_ms")), 22)
                << format_value(r.find("ended_by")) << "\n";
    }
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
  auto* client_cmd =
      sub->add_option(
             "--client-cmd", settings->client_cmd,
             "An ad-hoc client: 'PROG ARGS {url}', split like a shell does but run without "
             "one. Placeholders: {url} {host} {port} {libexec} {data} {ca_file}")
          ->type_name("CMD");
  sub->add_option("--out,-o", settings->out_dir, "Directory for the reports")
      ->capture_default_str();
  auto* time_scale =
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
  sub->add_option("--repeat,-n", settings->repeat,
                  "Run every (scenario, client) N times; the summary gives the rate of runs that "
                  "missed the expectation, its 95% Wilson interval and how to replay each")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  sub->add_flag("--until-fail", settings->until_fail,
                "Repeat until a run fails (at most --max-runs runs); --jobs runs repetitions in "
                "parallel");
  sub->add_option("--max-runs", settings->max_runs, "The bound of --until-fail")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  sub->add_option("--jitter", settings->jitters,
                  "Seeded jitter on an integer server parameter, per run: NAME=LOW..HIGH "
                  "(uniform) or NAME=LOW..HIGH:log (repeatable), e.g. delay_ms=0..50")
      ->type_name("NAME=LOW..HIGH");
  sub->add_option("--seed", settings->seed,
                  "The invocation's seed (default: random, recorded); run i gets a seed derived "
                  "from it, and its jitter from that")
      ->check(unsigned_integer())
      ->type_name("N");
  sub->add_option("--replay", settings->replay,
                  "Repeat exactly one recorded run: its scenario, client, seed and server "
                  "parameters (REPORT is a report.json, N the run's index in it)")
      ->type_name("REPORT.json#N");
  sub->add_option("--stress-cpu", settings->stress_cpu,
                  "N busy threads during the runs, to perturb scheduling (recorded)")
      ->check(CLI::Range(0, 256))
      ->type_name("N");
  sub->add_flag("--stress-io", settings->stress_io,
                "A thread writing, syncing and reading a scratch file during the runs (recorded)");
  return [settings, time_scale, client_cmd, &globals] {
    settings->time_scale_given = time_scale->count() > 0;
    settings->client_cmd_given = client_cmd->count() > 0;
    return run(*settings, globals, globals.command_line);
  };
}

}  // namespace wsrepro::cli
