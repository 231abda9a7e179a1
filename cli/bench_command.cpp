// wsrepro bench SCENARIO --client A [--client B]: shutdown latency (or any measurement) as a
// benchmark: warm-up runs, then N runs or a minimum time, robust statistics, the ratio of two
// clients with its confidence interval, exports, and a regression gate against a baseline.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>

#include "bench_results.hpp"
#include "catalogue.hpp"
#include "client_setup.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "invocation.hpp"
#include "report_files.hpp"
#include "run_plan.hpp"
#include "validators.hpp"
#include "wsrepro/harness/runner.hpp"
#include "wsrepro/reports/progress.hpp"

namespace wsrepro::cli {

namespace {

struct bench_settings {
  std::string scenario_id;
  std::vector<std::string> clients;
  std::string client_cmd;
  std::vector<std::string> measurements;
  int runs = 20;
  double min_time_s = 0;
  int max_runs = 10'000;
  int warmup = 2;
  std::optional<std::uint64_t> seed;
  std::string out_dir = "wsrepro-bench";
  std::string export_hyperfine;
  std::string baseline;
  std::string max_regression = "20%";
  double min_delta_ms = 2;
  double time_scale = 1.0;
};

double parse_percent(const std::string& text) {
  std::string t = text;
  const bool percent = !t.empty() && t.back() == '%';
  if (percent) t.pop_back();
  try {
    std::size_t used = 0;
    const double v = std::stod(t, &used);
    if (used != t.size() || v < 0) throw std::invalid_argument(text);
    return percent ? v / 100 : v;
  } catch (const std::exception&) {
    throw usage_error{"--max-regression takes a percentage such as 20% (or 0.2), got '" + text +
                      "'"};
  }
}

/// Every measurement a scenario produces, for checking --measure.
std::vector<std::string> measurement_names(const harness::scenario& s) {
  std::vector<std::string> names = harness::builtin_measurement_names();
  for (const auto& w : s.windows) names.push_back(w.name);
  for (const auto& c : s.counts) names.push_back(c.name);
  return names;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw usage_error{"cannot write " + path.string()};
}

/// The measurements to benchmark (default: the scenario's headline); each must be numeric.
std::vector<std::string> chosen_measurements(const bench_settings& settings,
                                             const harness::scenario& s) {
  std::vector<std::string> measurements = settings.measurements;
  if (measurements.empty()) measurements.push_back(s.headline);
  const auto known = measurement_names(s);
  for (const auto& m : measurements) {
    if (std::find(known.begin(), known.end(), m) == known.end()) {
      throw usage_error{"--measure: " + unknown_name_message("numeric measurement", m, known)};
    }
  }
  return measurements;
}

std::optional<std::vector<baseline_median>> load_baseline(const std::string& file) {
  if (file.empty()) return std::nullopt;
  std::string error;
  auto baseline = read_baseline(file, error);
  if (!baseline) throw usage_error{"--baseline: " + error};
  return baseline;
}

/// One measured (or warm-up) run of one client into its series.
void record(const results::run_result& r, bool measured, const std::vector<std::string>& names,
            bench_client& client, std::vector<std::string>& units) {
  if (client.argv.empty()) client.argv = r.argv;
  if (!measured) return;
  bench_run run;
  run.index = client.runs.size();
  run.outcome = r.outcome;
  run.seed = r.seed;
  if (const auto* code = r.find("exit_code"); code != nullptr && code->value) {
    run.exit_code = static_cast<int>(*code->value);
  }
  for (std::size_t m = 0; m < names.size(); ++m) {
    const auto* value = r.find(names[m]);
    // A value cut short by the deadline is never used.
    if (value != nullptr && value->status == results::measurement_status::measured &&
        value->value && !value->lower_bound) {
      run.values.emplace_back(*value->value);
      units[m] = value->unit;
    } else {
      run.values.emplace_back(std::nullopt);
    }
  }
  client.runs.push_back(std::move(run));
}

/// Execute: the warm-up rounds, then measured rounds until --runs or --min-time. Clients take
/// turns run by run, so a drift in the machine's load hits them alike.
void run_rounds(const bench_settings& settings, const std::vector<harness::planned_run>& base,
                invocation& inv, results::reporter& reporter, bench_results& results,
                std::vector<std::string>& units, results::run_summary& summary) {
  const auto options = inv.run_options();
  const auto& interrupted = inv.interrupted();
  const auto started = std::chrono::steady_clock::now();
  const auto elapsed_s = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  // On a terminal a status line (redrawn on stderr); in a log a line only when a run is slow.
  reports::run_progress progress(
      std::cerr, {.tty_fd = reports::is_live_terminal(STDERR_FILENO) ? STDERR_FILENO : -1});
  {
    // Warm-up and measured rounds; with --min-time the number is not known ahead.
    const auto rounds =
        static_cast<std::size_t>(settings.warmup) +
        static_cast<std::size_t>(settings.min_time_s > 0 ? settings.max_runs : settings.runs);
    results::plan_outline plan;
    plan.jobs = 1;
    if (settings.min_time_s > 0) plan.open_ended_max = rounds * base.size();
    for (std::size_t k = 0; k < rounds; ++k) {
      for (const auto& run : base) plan.runs.push_back(harness::outline(run));
    }
    for (std::size_t i = 0; i < plan.runs.size(); ++i) plan.runs[i].index = i;
    progress.plan(plan);
  }
  std::uint64_t index = 0;
  const auto one_round = [&](bool measured) {
    auto round = repetitions(base, 0, results.seed, index, {}, settings.time_scale);
    for (std::size_t c = 0; c < round.size() && !interrupted.load(); ++c) {
      progress.started(harness::outline(round[c]));
      const auto r = harness::execute_run(round[c], options);
      progress.finished(r);
      if (!measured) {
        record(r, false, results.measurements, results.clients[c], units);
        continue;
      }
      summary.counts.add(r.outcome);
      reporter.run_finished(r);  // the bench reporter records it into its client's series
    }
  };
  for (int w = 0; w < settings.warmup && !interrupted.load(); ++w) one_round(false);
  const auto measured_start = elapsed_s();
  for (int round = 0; !interrupted.load(); ++round) {
    const bool enough_runs = round >= settings.runs;
    const bool enough_time = settings.min_time_s <= 0 ||
                             (elapsed_s() - measured_start >= settings.min_time_s && round >= 3);
    if ((settings.min_time_s > 0 ? enough_time : enough_runs) || round >= settings.max_runs) break;
    one_round(true);
  }
  progress.stop();
}

/// Judge: each series summed up, each client against the first, and the medians against the
/// baseline. True when one regressed.
bool judge_bench(const bench_settings& settings, double max_regression,
                 const std::optional<std::vector<baseline_median>>& baseline,
                 const std::vector<std::string>& units, bench_results& results) {
  for (auto& c : results.clients) summarize_series(c, results.measurements, units);
  for (std::size_t c = 1; c < results.clients.size(); ++c) {
    for (std::size_t m = 0; m < results.measurements.size(); ++m) {
      results.ratios.push_back(
          {results.measurements[m], results.clients[c].name, results.clients[0].name,
           median_ratio(results.clients[c].series[m].values, results.clients[0].series[m].values,
                        derive_seed(results.seed, 0x5a7105 + c * 31 + m))});
    }
  }
  if (!baseline) return false;
  bool regressed = false;
  for (const auto& c : results.clients) {
    for (const auto& series : c.series) {
      const auto it = std::find_if(baseline->begin(), baseline->end(), [&](const auto& b) {
        return b.client == c.name && b.measurement == series.measurement;
      });
      if (it == baseline->end()) continue;
      auto check = compare_to_baseline(it->median, series.summary.median, max_regression,
                                       settings.min_delta_ms);
      regressed = regressed || check.regressed;
      results.regressions.push_back({c.name, series.measurement, std::move(check)});
    }
  }
  if (results.regressions.empty()) {
    std::cout << "bench: the baseline has no median for these clients and measurements\n";
  }
  return regressed;
}

/// Report: bench.json, bench.csv, bench.md (and hyperfine's JSON), then the table.
void write_bench(const bench_settings& settings, const bench_results& results, bool interrupted) {
  const std::filesystem::path out(settings.out_dir);
  write_file(out / "bench.json", bench_json(results));
  write_file(out / "bench.csv", bench_csv(results));
  write_file(out / "bench.md", bench_markdown(results));
  std::vector<std::string> written{(out / "bench.json").string(), (out / "bench.csv").string(),
                                   (out / "bench.md").string()};
  if (!settings.export_hyperfine.empty()) {
    write_file(settings.export_hyperfine, hyperfine_json(results));
    written.push_back(settings.export_hyperfine);
  }
  std::cout << "bench " << results.scenario_id << ": " << settings.warmup << " warm-up and "
            << (results.clients.empty() ? 0 : results.clients.front().runs.size())
            << " measured runs per client" << (interrupted ? " (interrupted)" : "") << "\n"
            << bench_table(results) << "\nExports:";
  for (const auto& w : written) std::cout << " " << w;
}

/// bench's own output behind the reporter interface: each measured run into its client's series
/// as it finishes; at the end (after the judge) the exports and the table.
class bench_reporter final : public results::reporter {
 public:
  bench_reporter(const bench_settings& settings, bench_results& results,
                 std::vector<std::string>& units)
      : settings_(settings), results_(results), units_(units) {}

  void begin(const results::report_context& /*context*/) override {}

  void run_finished(const results::run_result& r) override {
    // Rounds run the clients in turn, warm-up rounds included, so the plan index says whose.
    auto& client = results_.clients[r.index % results_.clients.size()];
    record(r, true, results_.measurements, client, units_);
  }

  void end(const results::run_summary& summary) override {
    write_bench(settings_, results_, summary.interrupted);
  }

 private:
  const bench_settings& settings_;
  bench_results& results_;
  std::vector<std::string>& units_;
};

int bench(const bench_settings& settings, const global_options& globals) {
  const double max_regression = parse_percent(settings.max_regression);
  invocation inv(globals, settings.time_scale);
  std::vector<harness::scenario> chosen{inv.scenario(settings.scenario_id)};
  const auto measurements = chosen_measurements(settings, chosen.front());
  auto base = make_plan(chosen, inv.catalogue(), settings.clients,
                        inv.ad_hoc_clients(settings.client_cmd.empty()
                                               ? std::vector<std::string>{}
                                               : std::vector<std::string>{settings.client_cmd},
                                           {}));
  const auto baseline = load_baseline(settings.baseline);
  inv.prepare(base, 1, false);
  for (const auto& run : base) {
    if (run.skip_reason) {
      throw usage_error{"cannot benchmark " + run.client.display_name() + ": " + *run.skip_reason};
    }
  }

  bench_results results;
  results.scenario_id = chosen.front().id;
  results.measurements = measurements;
  results.seed = settings.seed.value_or(fresh_seed());
  for (const auto& run : base) {
    bench_client c;
    c.name = run.client.display_name();
    c.library_version = run.client.library_version.value_or("");
    c.runtime_version = run.client.runtime_version.value_or("");
    c.warmup_runs = settings.warmup;
    results.clients.push_back(std::move(c));
  }
  auto context = inv.report_context(false);
  context.seed = results.seed;
  std::vector<std::string> units(measurements.size(), "");
  auto& reporter = inv.open_reports(settings.out_dir, {}, true, /*terminal=*/false, context,
                                    std::make_unique<bench_reporter>(settings, results, units));
  results::run_summary summary;
  run_rounds(settings, base, inv, reporter, results, units, summary);
  const bool regressed = judge_bench(settings, max_regression, baseline, units, results);
  summary.interrupted = inv.interrupted().load();
  const bool empty = summary.counts.skipped == summary.counts.total() && !globals.allow_empty;
  summary.exit_code = summary.interrupted ? harness_error
                      : regressed         ? expectation_failed
                      : empty             ? nothing_ran
                                          : ok;
  inv.close_reports(summary);
  std::cout << "\nRuns:";
  for (const auto& path : inv.report_paths()) std::cout << ' ' << path;
  std::cout << std::endl;
  return summary.exit_code;
}

}  // namespace

command add_bench_command(CLI::App& app, const global_options& globals) {
  auto settings = std::make_shared<bench_settings>();
  auto* sub = app.add_subcommand(
      "bench",
      "Benchmark a measurement (interrupt latency, hang time, ...) of one scenario over many "
      "runs, for one client or two side by side");
  sub->add_option("scenario", settings->scenario_id,
                  "The scenario: its id, or a scenario file (as `run` takes them)")
      ->required()
      ->type_name("ID|FILE");
  sub->add_option("--client,-c", settings->clients,
                  "A client instance (repeatable; the first is the reference of the ratios); "
                  "default: the scenario's own")
      ->type_name("NAME[@VERSION]");
  sub->add_option("--client-cmd", settings->client_cmd, "An ad-hoc client, as for run")
      ->type_name("CMD");
  sub->add_option("--measure,-m", settings->measurements,
                  "A numeric measurement (repeatable); default: the scenario's headline")
      ->type_name("NAME");
  sub->add_option("--runs,-n", settings->runs, "Measured runs per client")
      ->check(CLI::Range(2, 1'000'000))
      ->capture_default_str();
  sub->add_option("--min-time", settings->min_time_s,
                  "Run until this many seconds of measured runs have passed (at least 3 runs) "
                  "instead of --runs")
      ->type_name("SECONDS");
  sub->add_option("--max-runs", settings->max_runs, "Bound on measured runs with --min-time")
      ->capture_default_str();
  sub->add_option("--warmup", settings->warmup, "Runs per client before measuring, not counted")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  sub->add_option("--seed", settings->seed, "Seed of the runs and of the bootstrap")
      ->check(unsigned_integer());
  sub->add_option("--out,-o", settings->out_dir,
                  "Directory for bench.json (every run, units in the names), bench.csv, "
                  "bench.md and the runs' reports")
      ->capture_default_str();
  sub->add_option("--export-hyperfine", settings->export_hyperfine,
                  "Also write hyperfine's JSON format (seconds; the first measurement)")
      ->type_name("FILE");
  sub->add_option("--baseline", settings->baseline,
                  "A previous bench.json: exit 1 when a median regressed by more than both "
                  "--max-regression and --min-delta-ms")
      ->type_name("OLD.json");
  sub->add_option("--max-regression", settings->max_regression, "Ratio limit, e.g. 20%")
      ->capture_default_str();
  sub->add_option("--min-delta-ms", settings->min_delta_ms,
                  "Absolute floor: smaller differences never count as a regression")
      ->capture_default_str();
  sub->add_option("--time-scale", settings->time_scale,
                  "Multiply every deadline, delay and threshold")
      ->capture_default_str();
  return [settings, &globals] { return bench(*settings, globals); };
}

}  // namespace wsrepro::cli
