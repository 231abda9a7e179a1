#pragma once
// Statistics for repeated runs and benchmarks: robust summaries, a confidence interval for a
// failure rate, a bootstrap interval for a ratio of medians, a regression verdict against a
// baseline, and seeded draws that come out the same on every platform.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace wsrepro {

/// A summary of a sample. For an empty sample count is 0 and every figure is NaN; for a single
/// value stddev is NaN (the sample deviation needs two).
struct sample_summary {
  std::size_t count = 0;
  double min = 0;
  double max = 0;
  double mean = 0;
  double stddev = 0;  // sample standard deviation (n - 1)
  double median = 0;
  double p95 = 0;
  double p99 = 0;
  double mad = 0;                     // median absolute deviation from the median, unscaled
  std::vector<std::size_t> outliers;  // indices into the input, ascending
};

/// The modified z-score |x - median| / MAD above which a value is an outlier: hyperfine's
/// threshold, ten standard deviations (1.4826 MAD estimates one for normal data).
inline constexpr double outlier_threshold = 1.4826 * 10.0;

/// Percentiles interpolate linearly between closest ranks (numpy's default, "linear").
/// Outliers are hyperfine's: |x - median| / MAD above outlier_threshold, with a MAD of 0 taken as
/// machine epsilon (then any value off the median is one). NaN values are not expected.
sample_summary summarize(const std::vector<double>& values);

/// The q-th percentile (0..100) of `values` by linear interpolation; NaN when empty.
double percentile(std::vector<double> values, double q);

struct proportion_interval {
  double rate = 0;
  double low = 0;
  double high = 0;
};

/// The Wilson score interval for `successes` out of `trials` (95% with the default z); unlike
/// the normal approximation it stays inside [0, 1] and is sensible at 0 or all successes.
/// trials 0 gives {NaN, 0, 1}; successes above trials are clamped to trials.
proportion_interval wilson_interval(std::size_t successes, std::size_t trials,
                                    double z = 1.959963984540054);

struct ratio_estimate {
  double ratio = 0;
  double low = 0;
  double high = 0;
};

/// median(a) / median(b) with a percentile bootstrap interval at `confidence`, resampling a
/// and b independently. The draws use std::mt19937_64(seed) and an index draw of our own, so
/// a seed gives the same interval with any standard library. All NaN when a or b is empty or
/// resamples < 1; confidence is clamped to [0, 1].
ratio_estimate median_ratio(const std::vector<double>& a, const std::vector<double>& b,
                            std::uint64_t seed, int resamples = 2000, double confidence = 0.95);

struct regression_check {
  bool regressed = false;
  double ratio = 0;     // current / baseline
  double delta_ms = 0;  // current - baseline
  std::string message;  // one line naming both figures and both limits
};

/// Regressed only when the current median is worse by more than both limits: by the ratio
/// (`max_regression` 0.20 for 20%) and by `min_delta_ms`, so noise on short timings and small
/// relative drift on long ones both pass.
regression_check compare_to_baseline(double baseline_median, double current_median,
                                     double max_regression, double min_delta_ms);

/// Seed for repetition `index` of a run seeded `base`: splitmix64 mixing, so neighbouring
/// indices and neighbouring bases give unrelated seeds.
std::uint64_t derive_seed(std::uint64_t base, std::uint64_t index);

/// One uniform draw in [low, high) from `seed` (splitmix64 to a 53-bit double).
double uniform_in(std::uint64_t seed, double low, double high);

}  // namespace wsrepro
