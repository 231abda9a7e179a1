#pragma once
// The one interface every output of wsrepro implements (report files, the terminal, bench and
// sweep tables): told of the invocation, fed each run as it finishes, then told it is over.
// The harness feeds it; the formats live in reports/.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "wsrepro/results/result.hpp"

namespace wsrepro::results {

/// One run of the plan as it is known before it runs: enough to count it, name it while it
/// runs and guess how long it will take.
struct run_outline {
  std::size_t index = 0;  ///< its place in the plan (run_result::index)
  std::string scenario_id;
  std::string client;
  int repetition = 0;
  double deadline_ms = 0;  ///< the scenario's deadline, scaled: the longest it may run
  bool skipped = false;    ///< known before it runs (a client that could not be set up)
};

/// The runs ahead, told before they start (a batch at a time for --until-fail).
struct plan_outline {
  std::vector<run_outline> runs;
  int jobs = 1;
  /// The runs are not all known ahead (--until-fail): at most this many in all; 0: they are.
  std::size_t open_ended_max = 0;
};

class reporter {
 public:
  virtual ~reporter() = default;
  virtual void begin(const report_context& context) = 0;
  /// The runs about to be made; reporters that show progress use it, the others ignore it.
  virtual void plan_known(const plan_outline& /*plan*/) {}
  /// A run has started (called serialised with run_finished, from the workers).
  virtual void run_started(const run_outline& /*run*/) {}
  virtual void run_finished(const run_result& result) = 0;
  virtual void end(const run_summary& summary) = 0;
};

/// Fans out every call to several reporters; one that throws does not stop the others (the
/// first exception is rethrown after all have had the call).
class multi_reporter final : public reporter {
 public:
  void add(std::unique_ptr<reporter> r) { reporters_.push_back(std::move(r)); }
  void begin(const report_context& context) override;
  void plan_known(const plan_outline& plan) override;
  void run_started(const run_outline& run) override;
  void run_finished(const run_result& result) override;
  void end(const run_summary& summary) override;

 private:
  std::vector<std::unique_ptr<reporter>> reporters_;
};

}  // namespace wsrepro::results
