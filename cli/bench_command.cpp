// wsrepro bench SCENARIO --client A [--client B]: shutdown latency (or any measurement) as a
// benchmark: warm-up runs, then N runs or a minimum time, robust statistics, the ratio of two
// clients with its confidence interval, exports, and a regression gate against a baseline.

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
#include "report_files.hpp"
#include "run_plan.hpp"
#include "validators.hpp"
#include "wsrepro/harness/runner.hpp"

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

int bench(const bench_settings& settings, const global_options& globals) {
  check_time_scale(settings.time_scale);
  const double max_regression = parse_percent(settings.max_regression);
  const auto paths = resolve_paths(globals);
  const auto catalogue = load_clients(paths);
  auto scenarios = load_scenarios(paths, {});
  std::vector<harness::scenario> chosen{find_scenario(scenarios, settings.scenario_id)};
  harness::scenario& s = chosen.front();
  harness::apply_time_scale(s, settings.time_scale);
  std::vector<std::string> measurements = settings.measurements;
  if (measurements.empty()) measurements.push_back(s.headline);
  const auto known = measurement_names(s);
  for (const auto& m : measurements) {
    if (std::find(known.begin(), known.end(), m) == known.end()) {
      throw usage_error{"--measure: " + unknown_name_message("numeric measurement", m, known)};
    }
  }
  std::optional<harness::client_spec> ad_hoc;
  if (!settings.client_cmd.empty()) {
    std::string error;
    ad_hoc = harness::ad_hoc_client(settings.client_cmd, error);
    if (!ad_hoc) throw usage_error{"--client-cmd: " + error};
  }
  auto base = make_plan(chosen, catalogue, settings.clients, ad_hoc);
  std::optional<std::vector<baseline_median>> baseline;
  if (!settings.baseline.empty()) {
    std::string error;
    baseline = read_baseline(settings.baseline, error);
    if (!baseline) throw usage_error{"--baseline: " + error};
  }

  const auto& interrupted = install_interrupt_handler();
  {
    auto cache = make_cache(globals, paths);
    prepare_plan(base, catalogue, cache, 1, &interrupted, false);
  }
  for (const auto& run : base) {
    if (run.skip_reason) {
      throw usage_error{"cannot benchmark " + run.client.display_name() + ": " + *run.skip_reason};
    }
  }
  check_programs(base, paths);

  bench_results results;
  results.scenario_id = s.id;
  results.measurements = measurements;
  results.seed = settings.seed.value_or(fresh_seed());
  std::vector<std::string> units(measurements.size(), "");
  for (const auto& run : base) {
    bench_client c;
    c.name = run.client.display_name();
    c.library_version = run.client.library_version.value_or("");
    c.runtime_version = run.client.runtime_version.value_or("");
    c.warmup_runs = settings.warmup;
    results.clients.push_back(std::move(c));
  }

  report_files files(settings.out_dir, {}, true, /*terminal=*/false);
  auto context = make_report_context(globals.command_line, settings.time_scale, false);
  context.seed = results.seed;
  files.reporter().begin(context);
  harness::run_options options;
  options.paths = paths;
  options.time_scale = settings.time_scale;
  options.cancel = &interrupted;
  const auto started = std::chrono::steady_clock::now();
  const auto elapsed_s = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  results::run_summary summary;
  std::uint64_t index = 0;
  // Clients take turns run by run, so a drift in the machine's load hits them alike.
  const auto one_round = [&](bool measured) {
    auto round = repetitions(base, 0, results.seed, index, {}, settings.time_scale);
    for (std::size_t c = 0; c < round.size() && !interrupted.load(); ++c) {
      const auto r = harness::execute_run(round[c], options);
      auto& client = results.clients[c];
      if (client.argv.empty()) client.argv = r.argv;
      if (!measured) continue;
      bench_run run;
      run.index = client.runs.size();
      run.outcome = r.outcome;
      run.seed = r.seed;
      if (const auto* code = r.find("exit_code"); code != nullptr && code->value) {
        run.exit_code = static_cast<int>(*code->value);
      }
      for (std::size_t m = 0; m < measurements.size(); ++m) {
        const auto* value = r.find(measurements[m]);
        if (value != nullptr && value->status == results::measurement_status::measured &&
            value->value && !value->lower_bound) {
          run.values.emplace_back(*value->value);
          units[m] = value->unit;
        } else {
          run.values.emplace_back(std::nullopt);
        }
      }
      client.runs.push_back(std::move(run));
      summary.counts.add(r.outcome);
      files.reporter().run_finished(r);
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
    std::cerr << "\rbench  " << round + 1 << " rounds" << std::flush;
  }
  std::cerr << "\n";

  for (auto& c : results.clients) summarize_series(c, measurements, units);
  for (std::size_t c = 1; c < results.clients.size(); ++c) {
    for (std::size_t m = 0; m < measurements.size(); ++m) {
      results.ratios.push_back(
          {measurements[m], results.clients[c].name, results.clients[0].name,
           median_ratio(results.clients[c].series[m].values, results.clients[0].series[m].values,
                        derive_seed(results.seed, 0x5a7105 + c * 31 + m))});
    }
  }
  bool regressed = false;
  if (baseline) {
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
  }

  summary.duration_ms = elapsed_s() * 1000;
  summary.interrupted = interrupted.load();
  summary.exit_code = summary.interrupted ? harness_error : regressed ? expectation_failed : ok;
  files.reporter().end(summary);
  files.commit();
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
  std::cout << "bench " << s.id << ": " << settings.warmup << " warm-up and "
            << (results.clients.empty() ? 0 : results.clients.front().runs.size())
            << " measured runs per client" << (summary.interrupted ? " (interrupted)" : "") << "\n"
            << bench_table(results) << "\nExports:";
  for (const auto& w : written) std::cout << " " << w;
  std::cout << "\nRuns: " << files.paths().front() << std::endl;
  return summary.exit_code;
}

}  // namespace

command add_bench_command(CLI::App& app, const global_options& globals) {
  auto settings = std::make_shared<bench_settings>();
  auto* sub = app.add_subcommand(
      "bench",
      "Benchmark a measurement (interrupt latency, hang time, ...) of one scenario over many "
      "runs, for one client or two side by side");
  sub->add_option("scenario", settings->scenario_id, "The scenario id")->required();
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
