#include "wsrepro/common/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

namespace wsrepro {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t golden_gamma = 0x9e3779b97f4a7c15ULL;

// splitmix64's output function (Steele, Lea and Flood): a bijection that spreads every input
// bit over the whole word.
std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Linear interpolation between closest ranks on sorted data (numpy's "linear").
double sorted_percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return nan;
  q = std::clamp(q, 0.0, 100.0);
  const double h = static_cast<double>(sorted.size() - 1) * (q / 100.0);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  const double frac = h - static_cast<double>(lo);
  return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

// Median by partial sort: the bootstrap takes thousands, so no full sort. Reorders `v`.
double median_in_place(std::vector<double>& v) {
  if (v.empty()) return nan;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2;
}

// An unbiased index in [0, n), n > 0: rejects the few raw values that would make `% n` favour
// small indices. Defined by us so a seed gives the same draws with any standard library.
std::size_t draw_index(std::mt19937_64& rng, std::size_t n) {
  const auto bound = static_cast<std::uint64_t>(n);
  const std::uint64_t threshold = (0 - bound) % bound;  // 2^64 mod n
  for (;;) {
    const std::uint64_t r = rng();
    if (r >= threshold) return static_cast<std::size_t>(r % bound);
  }
}

void resample_into(const std::vector<double>& from, std::vector<double>& into,
                   std::mt19937_64& rng) {
  into.resize(from.size());
  for (double& x : into) x = from[draw_index(rng, from.size())];
}

// Up to one decimal for figures of 1 and more, two significant digits below; trailing zeros
// dropped ("10", "12.4", "0.05").
std::string format_number(double x) {
  char buf[64];
  if (std::fabs(x) >= 1 || x == 0 || !std::isfinite(x)) {
    std::snprintf(buf, sizeof buf, "%.1f", x);
  } else {
    std::snprintf(buf, sizeof buf, "%.2g", x);
  }
  std::string s = buf;
  if (s.find('.') != std::string::npos && s.find('e') == std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string signed_number(double x) { return (x >= 0 ? "+" : "") + format_number(x); }

}  // namespace

double percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return sorted_percentile(values, q);
}

sample_summary summarize(const std::vector<double>& values) {
  sample_summary s;
  s.count = values.size();
  if (values.empty()) {
    s.min = s.max = s.mean = s.stddev = s.median = s.p95 = s.p99 = s.mad = nan;
    return s;
  }
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  s.min = sorted.front();
  s.max = sorted.back();
  const auto n = static_cast<double>(values.size());
  double sum = 0;
  for (double x : values) sum += x;
  s.mean = sum / n;
  // Two passes: summing squares of deviations avoids the cancellation of sum(x^2) - n*mean^2.
  if (values.size() > 1) {
    double squares = 0;
    for (double x : values) squares += (x - s.mean) * (x - s.mean);
    s.stddev = std::sqrt(squares / (n - 1));
  } else {
    s.stddev = nan;
  }
  s.median = sorted_percentile(sorted, 50);
  s.p95 = sorted_percentile(sorted, 95);
  s.p99 = sorted_percentile(sorted, 99);
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (double x : values) deviations.push_back(std::fabs(x - s.median));
  s.mad = median_in_place(deviations);
  // hyperfine's rule, so that both tools call the same samples outliers: |x - median| / MAD above
  // 1.4826 * 10 (ten standard deviations, the MAD scaled to one), a MAD of 0 taken as the
  // smallest double step so that a sample of equal values still flags the odd one out.
  const double mad = s.mad > 0 ? s.mad : std::numeric_limits<double>::epsilon();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::fabs(values[i] - s.median) / mad > outlier_threshold) s.outliers.push_back(i);
  }
  return s;
}

proportion_interval wilson_interval(std::size_t successes, std::size_t trials, double z) {
  if (trials == 0) return {nan, 0, 1};
  successes = std::min(successes, trials);
  const auto n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z2 = z * z;
  const double denom = 1 + z2 / n;
  const double center = (p + z2 / (2 * n)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
  proportion_interval r{p, std::max(0.0, center - half), std::min(1.0, center + half)};
  // At the ends the bound is exact in theory; rounding would leave it a hair off.
  if (successes == 0) r.low = 0;
  if (successes == trials) r.high = 1;
  return r;
}

ratio_estimate median_ratio(const std::vector<double>& a, const std::vector<double>& b,
                            std::uint64_t seed, int resamples, double confidence) {
  if (a.empty() || b.empty() || resamples < 1) return {nan, nan, nan};
  confidence = std::clamp(confidence, 0.0, 1.0);
  std::vector<double> work_a = a;
  std::vector<double> work_b = b;
  ratio_estimate r{median_in_place(work_a) / median_in_place(work_b), nan, nan};

  std::mt19937_64 rng(seed);
  std::vector<double> ratios;
  ratios.reserve(static_cast<std::size_t>(resamples));
  for (int i = 0; i < resamples; ++i) {
    resample_into(a, work_a, rng);
    resample_into(b, work_b, rng);
    const double ratio = median_in_place(work_a) / median_in_place(work_b);
    // 0/0 when both resampled medians are 0: it says nothing about the ratio, and NaN would
    // break the sort.
    if (!std::isnan(ratio)) ratios.push_back(ratio);
  }
  if (ratios.empty()) return r;
  std::sort(ratios.begin(), ratios.end());
  const double tail = (1 - confidence) / 2 * 100;
  r.low = sorted_percentile(ratios, tail);
  r.high = sorted_percentile(ratios, 100 - tail);
  return r;
}

regression_check compare_to_baseline(double baseline_median, double current_median,
                                     double max_regression, double min_delta_ms) {
  regression_check c;
  c.ratio = current_median / baseline_median;
  c.delta_ms = current_median - baseline_median;
  c.regressed =
      current_median > baseline_median * (1 + max_regression) && c.delta_ms > min_delta_ms;
  c.message = "median " + format_number(current_median) + " ms vs baseline " +
              format_number(baseline_median) + " ms: " + signed_number((c.ratio - 1) * 100) +
              "% (" + signed_number(c.delta_ms) + " ms), limits " +
              signed_number(max_regression * 100) + "% and " + signed_number(min_delta_ms) + " ms";
  return c;
}

std::uint64_t derive_seed(std::uint64_t base, std::uint64_t index) {
  // The (index + 1)-th output of a splitmix64 stream whose state starts at mix64(base); mixing
  // the base first keeps (S, i + 1) and (S + gamma, i) apart.
  return mix64(mix64(base) + (index + 1) * golden_gamma);
}

double uniform_in(std::uint64_t seed, double low, double high) {
  // The top 53 bits fill a double's mantissa exactly: u in [0, 1) on a 2^-53 grid.
  const double u = static_cast<double>(mix64(seed + golden_gamma) >> 11) * 0x1.0p-53;
  const double x = low + u * (high - low);
  // Rounding in the scaling can land on `high` itself.
  return (high > low && x >= high) ? std::nextafter(high, low) : x;
}

}  // namespace wsrepro
