// wsrepro sweep SCENARIO --param NAME=FIRST..LAST:STEP: the outcome and the measurements as a
// function of one server parameter (e.g. seed bug 5: how late the close frame may come before
// send() stops raising).

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "catalogue.hpp"
#include "client_setup.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"
#include "invocation.hpp"
#include "report_files.hpp"
#include "run_plan.hpp"
#include "validators.hpp"
#include "wsrepro/common/statistics.hpp"
#include "wsrepro/harness/runner.hpp"
#include "wsrepro/reports/matrix.hpp"
#include "wsrepro/reports/progress.hpp"
#include "wsrepro/results/statistics.hpp"

namespace wsrepro::cli {

namespace {

struct sweep_settings {
  std::string scenario_id;
  std::string param;
  std::vector<std::string> clients;
  int repeat = 1;
  int jobs = 1;
  std::optional<std::uint64_t> seed;
  std::string out_dir = "wsrepro-sweep";
  double time_scale = 1.0;
};

/// One cell of the table: the runs of one client at one value.
using cell = results::pair_statistics;

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s + " ";
}

std::string cell_text(const cell& c) {
  const auto judged = static_cast<int>(c.judged());
  if (judged == 0) {
    if (c.outcomes.unsupported > 0) return "n/s";
    return c.outcomes.skipped > 0 ? "skip" : "error";
  }
  std::string text;
  if (c.outcomes.pass == judged) {
    text = "ok";
  } else if (c.outcomes.known_bug == judged) {
    text = "BUG";
  } else if (c.outcomes.fail == judged) {
    text = "FAIL";
  } else {
    text = std::to_string(c.missed.size()) + "/" + std::to_string(judged) + " missed";
  }
  if (const auto median = c.headline_median()) {
    char buf[48];
    std::snprintf(buf, sizeof buf, " %.1f", *median);
    text += buf;
  } else if (c.headline_text) {
    text += " " + *c.headline_text;
  }
  return text;
}

/// --param NAME=FIRST..LAST:STEP as the name and its values.
std::pair<std::string, std::vector<std::int64_t>> parse_param(const std::string& param) {
  const auto eq = param.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw usage_error{"--param takes NAME=FIRST..LAST:STEP, e.g. delay_ms=0..60:5"};
  }
  std::string error;
  const auto values = harness::parse_sweep_values(param.substr(eq + 1), error);
  if (!values) throw usage_error{"--param " + error};
  return {param.substr(0, eq), *values};
}

/// Every value x client x repetition, each with its own derived seed; `plan_values` gets each
/// run's value as given (before --time-scale).
std::vector<harness::planned_run> sweep_plan(const std::vector<harness::planned_run>& base,
                                             const sweep_settings& settings,
                                             const std::string& name,
                                             const std::vector<std::int64_t>& values,
                                             std::uint64_t seed,
                                             std::vector<std::int64_t>& plan_values) {
  std::vector<harness::planned_run> plan;
  std::uint64_t index = 0;
  for (const auto value : values) {
    const std::int64_t effective =
        name.ends_with("_ms") ? static_cast<std::int64_t>(
                                    std::llround(static_cast<double>(value) * settings.time_scale))
                              : value;
    for (int rep = 1; rep <= settings.repeat; ++rep) {
      auto runs =
          repetitions(base, settings.repeat > 1 ? rep : 0, seed, index, {}, settings.time_scale);
      for (auto& r : runs) {
        r.param_overrides[name] = effective;
        plan.push_back(std::move(r));
        plan_values.push_back(value);
      }
    }
  }
  return plan;
}

/// The table: a row per value, a cell per client instance, in the order clients first ran.
struct sweep_table {
  std::vector<std::string> clients;
  std::map<std::int64_t, std::vector<cell>> rows;
};

sweep_table tabulate(const std::vector<results::run_result>& results,
                     const std::vector<std::int64_t>& plan_values) {
  sweep_table t;
  for (const auto& r : results) {
    if (std::find(t.clients.begin(), t.clients.end(), r.client) == t.clients.end()) {
      t.clients.push_back(r.client);
    }
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    auto& row = t.rows[plan_values[i]];
    row.resize(t.clients.size());
    auto& c = row[static_cast<std::size_t>(std::find(t.clients.begin(), t.clients.end(), r.client) -
                                           t.clients.begin())];
    c.headline = r.headline;
    c.add(r);
  }
  return t;
}

/// Prints the table and writes it as sweep.json and sweep.md into --out.
void write_sweep(const sweep_settings& settings, const harness::scenario& s,
                 const std::string& name, const sweep_table& t) {
  const auto& clients = t.clients;
  const auto& table = t.rows;
  nlohmann::ordered_json doc;
  doc["scenario"] = s.id;
  doc["param"] = name;
  doc["headline"] = s.headline;
  doc["clients"] = clients;
  doc["rows"] = nlohmann::ordered_json::array();
  std::string markdown = "| " + name;
  for (const auto& c : clients) markdown += " | " + c;
  markdown += " |\n|---:";
  for (std::size_t i = 0; i < clients.size(); ++i) markdown += "|---";
  markdown += "|\n";
  std::size_t width = 28;
  for (const auto& c : clients) width = std::max(width, c.size());
  std::cout << "\n" << s.id << ": " << s.headline << " by " << name << "\n" << pad(name, 10);
  for (const auto& c : clients) std::cout << pad(c, width);
  std::cout << "\n";
  for (const auto& [value, row] : table) {
    std::cout << pad(std::to_string(value), 10);
    markdown += "| " + std::to_string(value);
    nlohmann::ordered_json cells = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < clients.size(); ++i) {
      const cell empty{};
      const cell& c = i < row.size() ? row[i] : empty;
      const std::string text = cell_text(c);
      std::cout << pad(text, width);
      markdown += " | " + text;
      const auto ci = c.missed_rate().value_or(wilson_interval(0, 0));
      nlohmann::ordered_json j = {{"pass", c.outcomes.pass},
                                  {"fail", c.outcomes.fail},
                                  {"known_bug", c.outcomes.known_bug},
                                  {"skipped", c.outcomes.skipped},
                                  {"unsupported", c.outcomes.unsupported},
                                  {"error", c.outcomes.error},
                                  {"missed_rate", c.judged() ? ci.rate : 0.0},
                                  {"missed_rate_95_low", ci.low},
                                  {"missed_rate_95_high", ci.high},
                                  {"runs", c.runs}};
      if (const auto median = c.headline_median()) {
        j["headline_median"] = *median;
      } else if (c.headline_text) {
        j["headline_text"] = *c.headline_text;
      }
      cells[clients[i]] = std::move(j);
    }
    std::cout << "\n";
    markdown += " |\n";
    doc["rows"].push_back({{"value", value}, {"cells", std::move(cells)}});
  }
  const auto out = std::filesystem::path(settings.out_dir);
  std::ofstream(out / "sweep.json") << doc.dump(2) << "\n";
  std::ofstream(out / "sweep.md") << "# " << s.id << ": " << s.headline << " by " << name
                                  << "\n\nok: every run met the expectation; BUG/FAIL: none did; "
                                     "k/n missed: k of n did not.\n\n"
                                  << markdown;
}

/// sweep's own output behind the reporter interface: a line per run as it finishes, then the
/// table on the terminal and in sweep.json and sweep.md.
class sweep_reporter final : public results::reporter {
 public:
  sweep_reporter(const sweep_settings& settings, const harness::scenario& s, std::string name,
                 std::vector<std::int64_t> plan_values)
      : settings_(settings), s_(s), name_(std::move(name)), plan_values_(std::move(plan_values)) {}

  void begin(const results::report_context& /*context*/) override {}

  void plan_known(const results::plan_outline& plan) override { progress_.plan(plan); }
  void run_started(const results::run_outline& run) override { progress_.started(run); }

  void run_finished(const results::run_result& r) override {
    // Each line says which value it belongs to: with --jobs they end in any order.
    const std::string counter = progress_.finished(r);
    progress_.print(counter + " " +
                    pad(name_ + "=" + std::to_string(plan_values_.at(r.index)), 20) + " " +
                    pad(r.client, 28) + pad(std::string(results::to_string(r.outcome)), 10) +
                    r.headline + " " + reports::headline_text(r) + "\n");
    results::run_result summary = r;
    results::drop_details(summary);
    runs_.push_back(std::move(summary));
  }

  void end(const results::run_summary& /*summary*/) override {
    progress_.stop();
    // The table lists clients in plan order, whatever order parallel jobs finished in.
    std::sort(runs_.begin(), runs_.end(),
              [](const auto& a, const auto& b) { return a.index < b.index; });
    std::vector<std::int64_t> values;
    for (const auto& r : runs_) values.push_back(plan_values_.at(r.index));
    write_sweep(settings_, s_, name_, tabulate(runs_, values));
  }

 private:
  const sweep_settings& settings_;
  const harness::scenario& s_;
  std::string name_;
  std::vector<std::int64_t> plan_values_;  ///< the swept value of each run, by plan index
  std::vector<results::run_result> runs_;
  reports::run_progress progress_{
      std::cout, {.tty_fd = reports::is_live_terminal(STDOUT_FILENO) ? STDOUT_FILENO : -1}};
};

int sweep(const sweep_settings& settings, const global_options& globals) {
  const auto [name, values] = parse_param(settings.param);
  invocation inv(globals, settings.time_scale);
  std::vector<harness::scenario> chosen{inv.scenario(settings.scenario_id)};
  const harness::scenario& s = chosen.front();
  harness::jitter_spec as_range{name, static_cast<double>(values.front()),
                                static_cast<double>(values.back()),
                                harness::jitter_distribution::uniform};
  if (const auto problem = harness::check_jitter(as_range, s); !problem.empty()) {
    throw usage_error{"--param " + problem};
  }
  auto base = make_plan(chosen, inv.catalogue(), settings.clients, {});
  inv.prepare(base, settings.jobs, false);

  const std::uint64_t seed = settings.seed.value_or(fresh_seed());
  std::vector<std::int64_t> plan_values;
  const auto plan = sweep_plan(base, settings, name, values, seed, plan_values);
  auto context = inv.report_context(false);
  context.seed = seed;
  context.repeat = settings.repeat;
  auto& reporter =
      inv.open_reports(settings.out_dir, {}, true, /*terminal=*/false, context,
                       std::make_unique<sweep_reporter>(settings, s, name, plan_values));
  reporter.plan_known(harness::outline(plan, settings.jobs));
  auto options = inv.run_options(settings.jobs);
  options.on_started = [&reporter](const harness::planned_run& run) {
    reporter.run_started(harness::outline(run));
  };
  results::run_summary summary;
  for (const auto& r : harness::execute_plan(
           plan, options, [&](const results::run_result& r) { reporter.run_finished(r); })) {
    summary.counts.add(r);
  }
  summary.interrupted = inv.interrupted().load();
  // The exit codes of every subcommand: a run that missed its expectation fails the sweep.
  summary.exit_code = exit_code_for(summary, false, globals.allow_empty);
  inv.close_reports(summary);
  const auto out = std::filesystem::path(settings.out_dir);
  std::cout << "\nReports:";
  for (const auto& p : inv.report_paths()) std::cout << " " << p;
  std::cout << " " << (out / "sweep.json").string() << " " << (out / "sweep.md").string()
            << std::endl;
  return summary.exit_code;
}

}  // namespace

command add_sweep_command(CLI::App& app, const global_options& globals) {
  auto settings = std::make_shared<sweep_settings>();
  auto* sub = app.add_subcommand(
      "sweep",
      "Run a scenario over a range of one server parameter: the outcome and the headline "
      "measurement as a function of it, as a table (and sweep.json, sweep.md)");
  sub->add_option("scenario", settings->scenario_id,
                  "The scenario: its id, or a scenario file (as `run` takes them)")
      ->required()
      ->type_name("ID|FILE");
  sub->add_option("--param,-p", settings->param,
                  "An integer parameter of the scenario's behaviour and its values: "
                  "NAME=FIRST..LAST:STEP, e.g. delay_ms=0..60:5")
      ->required()
      ->type_name("NAME=FIRST..LAST:STEP");
  sub->add_option("--client,-c", settings->clients,
                  "Client instances (repeatable; NAME, NAME@VERSION, NAME@FIRST..LAST); default: "
                  "the scenario's own")
      ->type_name("NAME[@VERSION]");
  sub->add_option("--repeat,-n", settings->repeat, "Runs per value and client")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  sub->add_option("--jobs,-j", settings->jobs, "Runs in parallel")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  sub->add_option("--seed", settings->seed, "The sweep's seed (default: random, recorded)")
      ->check(unsigned_integer());
  sub->add_option("--out,-o", settings->out_dir, "Directory for the reports")
      ->capture_default_str();
  sub->add_option("--time-scale", settings->time_scale,
                  "Multiply every deadline, delay and threshold (and the swept values, for a "
                  "_ms parameter)")
      ->capture_default_str();
  return [settings, &globals] { return sweep(*settings, globals); };
}

}  // namespace wsrepro::cli
