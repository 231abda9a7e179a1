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
#include "invocation.hpp"
#include "report_files.hpp"
#include "run_plan.hpp"
#include "shard.hpp"
#include "validators.hpp"
#include "wsrepro/harness/runner.hpp"
#include "wsrepro/harness/stress.hpp"
#include "wsrepro/reports/formats.hpp"

namespace wsrepro::cli {

namespace fs = std::filesystem;
using results::verdict;

namespace {

struct run_settings {
  std::vector<std::string> paths;
  std::vector<std::string> scenario_globs;
  std::vector<std::string> clients;
  std::vector<std::string> client_cmds;
  std::vector<std::string> client_env;
  std::string out_dir = "wsrepro-out";
  std::vector<std::string> formats;
  double time_scale = 1.0;
  std::string jobs_text = "auto";
  int jobs = 1;  ///< jobs_text for this plan
  bool strict = false;
  bool quiet = false;
  bool tls = false;
  std::string listen;
  // Races: repetition, seeded jitter, replay, load.
  int repeat = 1;
  int retries = 0;
  std::string shard;
  bool until_fail = false;
  int max_runs = 100;
  std::vector<std::string> jitters;
  std::optional<std::uint64_t> seed;
  std::string replay;
  int stress_cpu = 0;
  bool stress_io = false;
  bool time_scale_given = false;
};

/// The invocation's runs after repetitions: all of them up front, or (--until-fail) batch by
/// batch until one fails.
std::vector<results::run_result> execute_all(
    const std::vector<harness::planned_run>& base, const run_settings& settings,
    const harness::run_options& options, std::uint64_t seed,
    const std::vector<harness::jitter_spec>& jitters, const std::optional<replay_source>& replay,
    const std::vector<bool>& shard_members, reports::reporter& reporter) {
  // Each run goes to the reports as it ends; only its summary stays in memory.
  const auto on_finished = [&](const results::run_result& r) { reporter.run_finished(r); };
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
    if (!shard_members.empty()) {
      // The whole plan was numbered and seeded; this part keeps its own runs of it.
      std::erase_if(plan, [&](const harness::planned_run& run) {
        return !shard_members[run.index % base.size()];
      });
    }
    reporter.plan_known(harness::outline(plan, settings.jobs));
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
    auto outline = harness::outline(plan, settings.jobs);
    outline.open_ended_max = static_cast<std::size_t>(settings.max_runs);
    reporter.plan_known(outline);
    auto done = harness::execute_plan(plan, options, on_finished);
    const bool failed = std::any_of(done.begin(), done.end(), [](const auto& r) {
      return r.outcome == verdict::fail || r.outcome == verdict::error;
    });
    results.insert(results.end(), done.begin(), done.end());
    if (failed || results.size() >= static_cast<std::size_t>(settings.max_runs)) break;
  }
  return results;
}

/// Options that contradict each other, found before anything is loaded.
void check_run_settings(const run_settings& settings) {
  check_formats(settings.formats);
  for (const auto& cmd : settings.client_cmds) {
    if (cmd.find_first_not_of(" \t") == std::string::npos) {
      throw usage_error{"--client-cmd is empty: give the client's command line, e.g. 'prog {url}'"};
    }
  }
  if (!settings.shard.empty() && (settings.until_fail || !settings.replay.empty())) {
    throw usage_error{"--shard splits a whole plan; it does not mix with --until-fail or --replay"};
  }
  if (settings.until_fail && settings.retries > 0) {
    throw usage_error{
        "--until-fail and --retries do not mix: one looks for a failure, the other retries it"};
  }
  if (settings.until_fail && settings.repeat > 1) {
    throw usage_error{
        "--repeat and --until-fail do not mix: --until-fail repeats until a run "
        "fails, at most --max-runs times"};
  }
}

/// --replay: the recorded run's scenario, client and time scale become the settings'.
std::optional<replay_source> apply_replay(run_settings& settings) {
  if (settings.replay.empty()) return std::nullopt;
  replay_source replay = read_replay(settings.replay);
  if (!settings.scenario_globs.empty() || !settings.clients.empty()) {
    throw usage_error{"--replay names its scenario and client; drop --scenario and --client"};
  }
  settings.scenario_globs = {replay.scenario_id};
  const bool ad_hoc =
      std::any_of(settings.client_cmds.begin(), settings.client_cmds.end(),
                  [&](const std::string& cmd) { return cmd.starts_with(replay.client + "="); });
  if (replay.client.starts_with("cmd:") || ad_hoc || !replay.replay_args.empty()) {
    if (settings.client_cmds.empty()) {
      // The command is shown, not run: a report is input, and may come from anyone.
      std::string recorded;
      for (const auto& arg : replay.replay_args) recorded += " '" + arg + "'";
      throw usage_error{"--replay: the recorded run used an ad-hoc client (" + replay.client +
                        "); give its --client-cmd again" +
                        (recorded.empty() ? std::string() : ":" + recorded)};
    }
  } else {
    settings.clients = {replay.client};
  }
  if (!settings.time_scale_given) {
    check_time_scale(replay.time_scale, "--replay: the report's time_scale");
    settings.time_scale = replay.time_scale;
  }
  return replay;
}

/// The scenarios whose id matches one of `globs` (all of them without globs). Each glob must
/// match some scenario: a mistyped id is bad input with a did-you-mean, never silently nothing.
std::vector<harness::scenario> select_scenarios(std::vector<harness::scenario> scenarios,
                                                const std::vector<std::string>& globs) {
  if (globs.empty()) return scenarios;
  std::vector<std::string> ids;
  ids.reserve(scenarios.size());
  for (const auto& s : scenarios) ids.push_back(s.id);
  for (const auto& glob : globs) {
    const bool matched = std::any_of(ids.begin(), ids.end(),
                                     [&](const auto& id) { return harness::glob_match(glob, id); });
    if (matched) continue;
    if (glob.find_first_of("*?[") == std::string::npos) {
      throw usage_error{"--scenario: " + unknown_name_message("scenario", glob, ids)};
    }
    throw usage_error{"no scenario matches --scenario " + glob + " (see: wsrepro list scenarios)"};
  }
  std::vector<harness::scenario> selected;
  for (auto& s : scenarios) {
    const bool match = std::any_of(globs.begin(), globs.end(), [&](const auto& glob) {
      return harness::glob_match(glob, s.id);
    });
    if (match) selected.push_back(std::move(s));
  }
  return selected;
}

/// Plan: scenario x client instance, with the scenarios' time scale, jitter and replay checked.
struct run_plan_parts {
  std::vector<harness::scenario> scenarios;  ///< the plan points into it
  std::vector<harness::planned_run> base;
  std::vector<harness::jitter_spec> jitters;
};

run_plan_parts plan_runs(invocation& inv, const run_settings& settings,
                         const std::optional<replay_source>& replay) {
  run_plan_parts parts;
  auto& scenarios = parts.scenarios;
  scenarios = select_scenarios(inv.scenarios(settings.paths), settings.scenario_globs);
  if (replay) {
    for (const auto& s : scenarios) check_replay_params(*replay, s);
  }
  for (auto& s : scenarios) harness::apply_time_scale(s, settings.time_scale);
  parts.jitters = parse_jitters(settings.jitters, scenarios);
  if (replay && !parts.jitters.empty()) {
    throw usage_error{"--replay repeats the recorded parameters; drop --jitter"};
  }
  parts.base = make_plan(scenarios, inv.catalogue(), settings.clients,
                         inv.ad_hoc_clients(settings.client_cmds, settings.client_env));
  return parts;
}

results::report_context run_context(const invocation& inv, const run_settings& settings,
                                    std::uint64_t seed) {
  auto context = inv.report_context(settings.strict);
  context.seed = seed;
  context.jitter = settings.jitters;
  context.repeat = settings.until_fail ? 0 : settings.repeat;
  context.retries = settings.retries;
  context.shard = settings.shard;
  context.stress_cpu = settings.stress_cpu;
  context.stress_io = settings.stress_io;
  return context;
}

int run(const run_settings& settings_in, const global_options& globals) {
  run_settings settings = settings_in;
  check_run_settings(settings);
  const auto replay = apply_replay(settings);
  invocation inv(globals, settings.time_scale);
  auto plan = plan_runs(inv, settings, replay);
  settings.jobs =
      jobs_for(settings.jobs_text, settings.until_fail ? static_cast<std::size_t>(settings.max_runs)
                                                       : plan.base.size() * settings.repeat);
  // Set-up builds environments, which compete for the CPUs.
  const int setup_jobs = std::min(settings.jobs, harness::usable_cpus());
  std::vector<bool> members;
  if (settings.shard.empty()) {
    inv.prepare(plan.base, setup_jobs, settings.quiet);
  } else {
    // Only this part's clients are set up.
    members = shard_members(plan.base, parse_shard(settings.shard));
    std::vector<harness::planned_run> mine;
    for (std::size_t i = 0; i < plan.base.size(); ++i) {
      if (members[i]) mine.push_back(plan.base[i]);
    }
    inv.prepare(mine, setup_jobs, settings.quiet);
    for (std::size_t i = 0, k = 0; i < plan.base.size(); ++i) {
      if (members[i]) plan.base[i] = mine[k++];
    }
  }

  // Every part of a sharded plan must draw the same seeds: without --seed they all use 0.
  const std::uint64_t seed = settings.seed.value_or(settings.shard.empty() ? fresh_seed() : 0);
  auto& reporter = inv.open_reports(settings.out_dir, settings.formats, settings.quiet, true,
                                    run_context(inv, settings, seed));
  auto options = inv.run_options(settings.jobs);
  options.keep_details = false;
  options.tls = settings.tls;
  options.listen = settings.listen;
  options.retries = settings.retries;
  options.on_started = [&reporter](const harness::planned_run& run) {
    reporter.run_started(harness::outline(run));
  };
  // What earlier invocations took orders this one's runs, and this one's goes back.
  const auto history_file = inv.cache().root() / "durations.tsv";
  auto history = harness::duration_history::load(history_file);
  options.history = &history;
  results::run_summary summary;
  {
    const harness::stress_load load({settings.stress_cpu, settings.stress_io});
    const auto done =
        execute_all(plan.base, settings, options, seed, plan.jitters, replay, members, reporter);
    for (const auto& r : done) summary.counts.add(r);
    // Runs slowed on purpose (--stress-*) would mislead the next invocation's order.
    if (!inv.interrupted().load() && !settings.stress_cpu && !settings.stress_io) {
      history.record_all(done, inv.time_scale());
      history.save(history_file);
    }
  }
  summary.interrupted = inv.interrupted().load();
  // A part of a sharded plan may get no run at all (more parts than pairs): not a failure.
  const bool empty_part = !settings.shard.empty() && summary.counts.total() == 0;
  summary.exit_code = exit_code_for(summary, settings.strict, globals.allow_empty || empty_part);
  inv.close_reports(summary);
  if (!inv.report_paths().empty()) {
    auto& out = inv.own_output();
    out << "Reports:";
    for (const auto& w : inv.report_paths()) out << " " << w;
    out << std::endl;
  }
  return summary.exit_code;
}

}  // namespace

command add_run_command(CLI::App& app, const global_options& globals) {
  auto settings = std::make_shared<run_settings>();
  auto* sub = app.add_subcommand(
      "run",
      "Run scenarios against clients, judge them and write reports (report.html, "
      "report.json, junit.xml, summary.md, traffic.md with pcap/)");
  sub->add_option("paths", settings->paths,
                  "Scenario files or directories (default: the scenarios/ library)");
  sub->add_option("--scenario,-s", settings->scenario_globs,
                  "Only scenarios whose id matches this glob (repeatable), e.g. 'handshake.*'");
  sub->add_option("--client,-c", settings->clients,
                  "Run this client (repeatable) on every selected scenario that applies to it; "
                  "the others are skipped. NAME@VERSION, NAME@FIRST..LAST for versioned clients "
                  "(NAME alone: every pinned version); NAME may be a glob ('beast-*'). "
                  "Default: each scenario's own clients")
      ->type_name("NAME[@VERSION]");
  sub->add_option(
         "--client-cmd", settings->client_cmds,
         "An ad-hoc client (repeatable): 'PROG ARGS {url}', split like a shell does but run "
         "without one, or 'NAME@VERSION=PROG ARGS {url}' to label it (clients with one NAME and "
         "several versions get a version matrix). Placeholders: {url} {host} {port} {libexec} "
         "{data} {ca_file} {manifest_dir}")
      ->type_name("[NAME[@VERSION]=]CMD");
  sub->add_option("--client-env", settings->client_env,
                  "An environment variable for the --client-cmd clients (repeatable): K=V for "
                  "all of them, NAME[@VERSION]:K=V for one")
      ->type_name("[LABEL:]K=V");
  sub->add_option("--out,-o", settings->out_dir, "Directory for the reports")
      ->capture_default_str();
  std::string format_names;
  for (const auto& f : reports::formats()) {
    format_names += (format_names.empty() ? "" : ", ") + std::string(f.name);
  }
  sub->add_option("--format", settings->formats,
                  "Write only these outputs (repeatable, or comma-separated): " + format_names +
                      " (see: wsrepro list formats); default: the default ones")
      ->delimiter(',')
      ->type_name("NAME");
  auto* time_scale =
      sub->add_option("--time-scale", settings->time_scale,
                      "Multiply every deadline, delay and threshold (for slow machines)")
          ->capture_default_str();
  sub->add_option("--jobs,-j", settings->jobs_text,
                  "Runs at once, or auto: several per CPU (runs mostly wait on timers), with no "
                  "more clients starting at once than there are CPUs; the longest expected runs "
                  "start first")
      ->check(jobs_value())
      ->capture_default_str();
  sub->add_flag(
      "--strict", settings->strict,
      "A skipped run, or one unsupported by the client's library, fails the invocation (exit 1)");
  sub->add_flag("--tls", settings->tls,
                "Serve every scenario over wss:// with a throwaway CA; clients learn of it "
                "through {ca_file}, SSL_CERT_FILE and NODE_EXTRA_CA_CERTS");
  sub->add_option("--listen", settings->listen,
                  "Listen on this loopback address instead of each scenario's (127.0.0.1 or ::1)")
      ->check(CLI::IsMember({"127.0.0.1", "::1"}));
  sub->add_flag("--quiet,-q", settings->quiet,
                "No line per run: only the failures, matrices and totals at the end (and, on a "
                "terminal, the status line)");
  sub->add_option("--repeat,-n", settings->repeat,
                  "Run every (scenario, client) N times; the summary gives the rate of runs that "
                  "missed the expectation, its 95% Wilson interval and how to replay each")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  sub->add_option("--retries", settings->retries,
                  "Make a run that fails again, up to N more times; one that then passes is "
                  "flaky: it passes, but is counted and listed apart (JUnit flakyFailure)")
      ->check(CLI::Range(0, 20))
      ->capture_default_str();
  sub->add_option("--shard", settings->shard,
                  "Make only part K of N of the plan (for N parallel CI jobs): the same "
                  "partition in every job, balanced by expected duration; runs keep their "
                  "unsharded index and seed")
      ->type_name("K/N");
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
  return [settings, time_scale, &globals] {
    settings->time_scale_given = time_scale->count() > 0;
    return run(*settings, globals);
  };
}

}  // namespace wsrepro::cli
