#pragma once
// Internal: stack captures during one run. The capture runs on a thread of its own, so the mock
// server keeps serving while a tool reads the client; the run's coroutine waits for it within
// the budget. A capture is logged (harness.capture, harness.captured) but is neither a signal,
// nor an end, nor a measurement.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "wsrepro/common/timeline.hpp"
#include "wsrepro/harness/child_process.hpp"
#include "wsrepro/harness/scenario.hpp"
#include "wsrepro/harness/stack_capture.hpp"
#include "wsrepro/results/diagnosis.hpp"

namespace wsrepro::harness::detail {

/// A moment to capture at: `delay_ms` after the first `after` event (for harness.signal, the
/// plan's first signal), with the reason reports give.
struct capture_trigger {
  std::string after;
  double delay_ms = 0;
  std::string why;
};

/// The scenario's [[capture]] steps, and, for every maximum on a duration that ends with the
/// client's exit, the moment it passes: from then on the client is stuck by the scenario's own
/// measure, and its stacks say where.
std::vector<capture_trigger> capture_triggers(const scenario& s);

class run_capture {
 public:
  /// `settings.diagnose == "none"` turns every capture off.
  run_capture(boost::asio::io_context& ioc, child_process& child, timeline& log,
              capture_settings settings);
  ~run_capture();
  run_capture(const run_capture&) = delete;
  run_capture& operator=(const run_capture&) = delete;

  /// Captures the client's tree now, unless captures are off, the client is gone, or the run
  /// already has its share; completes when the capture has, or its budget has passed.
  boost::asio::awaitable<void> take(std::string why);

  bool enabled() const { return settings_.diagnose != "none"; }
  /// The budget of one capture: what a wait on the client must add to its own bound.
  std::chrono::milliseconds budget() const { return settings_.budget; }
  results::diagnosis& diagnosis() { return diagnosis_; }
  const capture_settings& settings() const { return settings_; }

 private:
  struct pending;
  void record(results::stack_capture c);

  boost::asio::io_context& ioc_;
  child_process& child_;
  timeline& log_;
  capture_settings settings_;
  results::diagnosis diagnosis_;
  bool busy_ = false;
  std::vector<std::thread> workers_;  ///< joined at the end; each is bounded by the budget
};

}  // namespace wsrepro::harness::detail
