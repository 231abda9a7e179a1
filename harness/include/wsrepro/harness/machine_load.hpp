#pragma once
// How busy the whole machine was between two moments, from the kernel's CPU counters
// (/proc/stat) and, where the kernel has it, its CPU pressure (/proc/pressure/cpu: the time some
// task was ready to run but had no CPU). A run reads them at its start and its end.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wsrepro/common/clock.hpp"
#include "wsrepro/harness/scenario.hpp"
#include "wsrepro/results/result.hpp"

namespace wsrepro::harness {

struct cpu_counters {
  mono_ns t_ns = 0;
  std::uint64_t busy_ticks = 0;
  std::uint64_t total_ticks = 0;
  std::optional<std::uint64_t> wait_us;  ///< PSI "some" total
};

/// Now's counters; zero ticks when /proc/stat cannot be read.
cpu_counters read_cpu_counters();

/// The first "cpu " line of /proc/stat and the "some" line of /proc/pressure/cpu, parsed.
cpu_counters parse_cpu_counters(const std::string& stat, const std::string& pressure);

/// The load between two readings; `runs_at_once` as the runner counted it. Saturated when the
/// CPUs were nearly all busy, or tasks waited for one for a noticeable share of the time.
results::machine_load load_between(const cpu_counters& before, const cpu_counters& after,
                                   int runs_at_once);

/// The share of the run's time tasks waited for a CPU (PSI); without PSI, all of it when the
/// CPUs were saturated, else none.
double cpu_wait_share(const results::machine_load& load);

/// Whether waiting for a CPU may have pushed a time (an `_ms` measurement with a limit in
/// `expect`) to or past its limit: it is, but by less than `wait_share` of itself; or, on a
/// `saturated` machine, the harness cut it short below its maximum (the client was still
/// going). A time short of its limit is not in doubt: waiting only makes times longer.
bool timing_near_a_limit(const std::vector<results::measurement>& measurements,
                         const expectation& expect, double wait_share, bool saturated);

/// The thresholds of `saturated`, for documentation and tests.
inline constexpr double saturated_busy_pct = 95;
inline constexpr double saturated_wait_pct = 20;

}  // namespace wsrepro::harness
