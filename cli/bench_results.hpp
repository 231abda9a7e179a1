#pragma once
// What `wsrepro bench` measured, and its exports: bench.json (every run's values, units in the
// names), bench.csv, bench.md, and hyperfine's JSON format (seconds) for hyperfine's tools.

#include <optional>
#include <string>
#include <vector>

#include "wsrepro/common/statistics.hpp"
#include "wsrepro/results/result.hpp"

namespace wsrepro::cli {

struct bench_run {
  std::size_t index = 0;  ///< among the measured runs of its client, from 0
  results::verdict outcome = results::verdict::error;
  std::optional<int> exit_code;
  std::uint64_t seed = 0;
  std::vector<std::optional<double>> values;  ///< one per measurement; empty when not measured
};

struct bench_series {
  std::string measurement;  ///< e.g. interrupt_latency_ms
  std::string unit;
  std::vector<double> values;  ///< the measured ones, in run order
  sample_summary summary;
  std::size_t missing = 0;  ///< runs that did not measure it
  bool noisy = false;
  std::string noise;  ///< why it is flagged noisy
};

struct bench_client {
  std::string name;  ///< NAME or NAME@VERSION
  std::string library_version;
  std::string runtime_version;
  std::vector<std::string> argv;
  int warmup_runs = 0;
  std::vector<bench_run> runs;
  std::vector<bench_series> series;  ///< one per measurement, in the order asked
};

/// The second client's median over the first's, per measurement, with a bootstrap interval.
struct bench_ratio {
  std::string measurement;
  std::string numerator;
  std::string denominator;
  ratio_estimate estimate;
};

struct bench_regression {
  std::string client;
  std::string measurement;
  regression_check check;
};

struct bench_results {
  std::string scenario_id;
  std::vector<std::string> measurements;
  std::uint64_t seed = 0;
  std::vector<bench_client> clients;
  std::vector<bench_ratio> ratios;
  std::vector<bench_regression> regressions;  ///< against --baseline
};

/// Fills each client's series from its runs: summary, MAD outliers, the noisy flag.
void summarize_series(bench_client& client, const std::vector<std::string>& measurements,
                      const std::vector<std::string>& units);

std::string bench_json(const bench_results& results);
std::string bench_csv(const bench_results& results);
std::string bench_markdown(const bench_results& results);
/// hyperfine's --export-json schema: results[] with command, mean, stddev, median, min, max
/// and times in seconds, exit_codes; the first measurement only.
std::string hyperfine_json(const bench_results& results);

/// The medians of a previous bench.json, by client and measurement; nullopt + error when it
/// is not one.
struct baseline_median {
  std::string client;
  std::string measurement;
  double median = 0;
};
std::optional<std::vector<baseline_median>> read_baseline(const std::string& file,
                                                          std::string& error);

/// The text table for the terminal.
std::string bench_table(const bench_results& results);

}  // namespace wsrepro::cli
