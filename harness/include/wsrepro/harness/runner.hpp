#pragma once
// The runner: pairs a scenario's server with a client, supervises the client, sends the signal
// plan, measures and judges. Every run ends in a result, whatever happens: errors become the
// `error` verdict, never an exception, and every wait has a deadline.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wsrepro/harness/client.hpp"
#include "wsrepro/harness/paths.hpp"
#include "wsrepro/harness/scenario.hpp"
#include "wsrepro/results/reporter.hpp"
#include "wsrepro/results/result.hpp"

namespace wsrepro::harness {

struct planned_run;
class startup_gate;
class duration_history;

struct run_options {
  search_paths paths;
  double time_scale = 1.0;  ///< already applied to the scenarios; scales the harness's own waits
  int jobs = 1;
  std::size_t output_limit_bytes = 1 << 20;
  bool tls = false;    ///< --tls: every scenario's server speaks wss://
  std::string listen;  ///< --listen: overrides every scenario's address when set
  /// False: execute_plan() hands each whole result to its callback, then keeps only its summary
  /// (no timeline, no captured output), so memory does not grow with the number of runs.
  bool keep_details = true;
  /// Set (e.g. by wsrepro's own SIGINT handler) to stop: running clients are killed, runs not
  /// yet started are skipped.
  const std::atomic<bool>* cancel = nullptr;
  /// False (--diagnose none): no stacks are taken of any client.
  bool capture_stacks = true;
  /// The time one capture of a client's tree may take (scaled by time_scale).
  std::chrono::milliseconds capture_budget{5000};
  /// --retries: a run that fails (fail or error) is made again up to this many times; the
  /// attempts that failed go into its result (failed_attempts), the last one is its verdict.
  int retries = 0;
  /// Called (serialised with execute_plan's on_finished) as each run starts, for progress.
  std::function<void(const planned_run&)> on_started;
  /// With more than one job: what earlier invocations measured, to start the longest runs
  /// first (scenario deadlines stand in for the rest). Unset: plan order.
  const duration_history* history = nullptr;
  /// How many clients may be starting at once (spawn to the first connection or exit) when more
  /// runs than that overlap; 0: one per usable CPU.
  int startup_slots = 0;
  /// Set by execute_plan for each run; nullptr: no limit.
  startup_gate* gate = nullptr;
};

struct planned_run {
  const scenario* scenario_ptr = nullptr;
  client_spec client;
  int repetition = 0;
  std::size_t index = 0;   ///< its place in the invocation's plan (the report's order)
  std::uint64_t seed = 0;  ///< this run's seed (jitter is drawn from it); recorded
  /// Integer server parameters set for this run only (--jitter, --replay, sweep), already in
  /// their final (scaled) values.
  std::map<std::string, std::int64_t> param_overrides;
  std::optional<std::string> skip_reason;
};

/// What progress reporters are told of a run before it runs.
results::run_outline outline(const planned_run& run);
/// The whole plan as outlines, for reporter::plan_known().
results::plan_outline outline(const std::vector<planned_run>& plan, int jobs);

results::run_result execute_run(const planned_run& plan, const run_options& options);

/// Runs the plan with `options.jobs` workers, longest expected first when options.history is
/// set; `on_finished` is called (serialised) as each run ends. Results come back in plan order
/// (without their details unless options.keep_details).
std::vector<results::run_result> execute_plan(
    const std::vector<planned_run>& plan, const run_options& options,
    const std::function<void(const results::run_result&)>& on_finished = {});

}  // namespace wsrepro::harness
