#pragma once
// What repeated runs add up to, computed once for every output: per (scenario, client) pair the
// outcomes, the runs that missed the expectation with the missed rate's 95% Wilson interval, and
// each numeric measurement's sample. One rule for lower bounds everywhere: a value the harness
// cut short is not a value, so it is counted beside the sample and never mixed into it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wsrepro/common/statistics.hpp"
#include "wsrepro/results/result.hpp"

namespace wsrepro::results {

/// A run that did not meet the expectation (fail or known_bug), by its place in the plan.
struct missed_run {
  std::size_t index = 0;
  std::uint64_t seed = 0;
};

/// One numeric measurement across runs.
struct measurement_series {
  std::string name;
  std::string unit;
  std::vector<double> values;    ///< measured values only, in run order
  std::size_t lower_bounds = 0;  ///< runs whose value was only a lower bound (left out)
};

/// The runs of one (scenario, client) pair.
struct pair_statistics {
  std::string scenario;
  std::string client;
  std::string headline;  ///< the measurement that sums a run up
  run_counts outcomes;
  std::vector<std::size_t> runs;  ///< their places in the plan
  std::vector<missed_run> missed;
  std::vector<measurement_series> measurements;  ///< in first-seen order
  std::optional<std::string> headline_text;      ///< the first run's, for a text headline

  void add(const run_result& r);
  /// Runs with a verdict on the expectation: pass, fail or known_bug.
  std::size_t judged() const;
  /// Missed among judged, with its 95% Wilson interval; none when nothing was judged.
  std::optional<proportion_interval> missed_rate() const;
  const measurement_series* find(std::string_view name) const;
  /// The median of the headline's measured values; none without one.
  std::optional<double> headline_median() const;
};

/// Pairs in the order their first run finished.
class run_statistics {
 public:
  void add(const run_result& r);
  const std::vector<pair_statistics>& pairs() const { return pairs_; }
  /// Some pair ran more than once: only then is a rate worth showing.
  bool repeated() const;
  void clear() {
    pairs_.clear();
    index_.clear();
  }

 private:
  std::vector<pair_statistics> pairs_;  ///< in the order they first ran
  /// (scenario, client) -> its place in pairs_: adding a run stays O(log n) with 100,000 pairs.
  std::map<std::pair<std::string, std::string>, std::size_t> index_;
};

}  // namespace wsrepro::results
