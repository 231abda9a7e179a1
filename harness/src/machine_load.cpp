#include "wsrepro/harness/machine_load.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>
#include <sstream>

#include "wsrepro/common/files.hpp"

namespace wsrepro::harness {

namespace {

std::string read_small_file(const char* path) {
  std::string error;
  return read_file(path, error, 1 << 20).value_or("");
}

double percent(double part, double whole) {
  return whole > 0 ? std::clamp(100.0 * part / whole, 0.0, 100.0) : 0.0;
}

}  // namespace

cpu_counters parse_cpu_counters(const std::string& stat, const std::string& pressure) {
  cpu_counters c;
  // "cpu  user nice system idle iowait irq softirq steal ..." (guest time is inside user).
  if (stat.rfind("cpu ", 0) == 0) {
    std::istringstream line(stat.substr(4, stat.find('\n') - 4));
    std::array<std::uint64_t, 8> ticks{};
    std::size_t read = 0;
    while (read < ticks.size() && line >> ticks[read]) ++read;
    if (read >= 4) {
      const std::uint64_t idle = ticks[3] + ticks[4];
      for (std::size_t i = 0; i < read; ++i) c.total_ticks += ticks[i];
      c.busy_ticks = c.total_ticks - idle;
    }
  }
  // "some avg10=0.00 avg60=0.00 avg300=0.00 total=12345"
  if (pressure.rfind("some ", 0) == 0) {
    const auto line = pressure.substr(0, pressure.find('\n'));
    const auto at = line.find("total=");
    if (at != std::string::npos) {
      std::istringstream total(line.substr(at + 6));
      std::uint64_t us = 0;
      if (total >> us) c.wait_us = us;
    }
  }
  return c;
}

cpu_counters read_cpu_counters() {
  // The kernel renders all of /proc/stat (every interrupt's count) on each read: runs that start
  // or end within a few milliseconds of each other share one reading.
  constexpr mono_ns shared_for_ns = 5'000'000;
  static std::mutex mutex;
  static cpu_counters last;
  std::lock_guard lock(mutex);
  const mono_ns now = now_ns();
  if (last.t_ns != 0 && now - last.t_ns < shared_for_ns) return last;
  last = parse_cpu_counters(read_small_file("/proc/stat"), read_small_file("/proc/pressure/cpu"));
  last.t_ns = now;
  return last;
}

results::machine_load load_between(const cpu_counters& before, const cpu_counters& after,
                                   int runs_at_once) {
  results::machine_load load;
  load.runs_at_once = runs_at_once;
  // The ticks are coarse (USER_HZ, 100 a second per CPU): too few of them say nothing.
  constexpr std::uint64_t fewest_ticks = 50;
  if (after.total_ticks >= before.total_ticks + fewest_ticks &&
      after.busy_ticks >= before.busy_ticks) {
    load.cpu_busy_pct = percent(static_cast<double>(after.busy_ticks - before.busy_ticks),
                                static_cast<double>(after.total_ticks - before.total_ticks));
  }
  if (before.wait_us && after.wait_us && *after.wait_us >= *before.wait_us &&
      after.t_ns > before.t_ns) {
    load.cpu_wait_pct = percent(static_cast<double>(*after.wait_us - *before.wait_us) * 1000.0,
                                static_cast<double>(after.t_ns - before.t_ns));
  }
  load.saturated = (load.cpu_busy_pct && *load.cpu_busy_pct >= saturated_busy_pct) ||
                   (load.cpu_wait_pct && *load.cpu_wait_pct >= saturated_wait_pct);
  return load;
}

double cpu_wait_share(const results::machine_load& load) {
  if (load.cpu_wait_pct) return *load.cpu_wait_pct / 100;
  return load.saturated ? 1.0 : 0.0;
}

bool timing_near_a_limit(const std::vector<results::measurement>& measurements,
                         const expectation& expect, double wait_share, bool saturated) {
  if (wait_share <= 0 && !saturated) return false;
  for (const auto& entry : expect.limits) {
    const std::string& name = entry.first;
    const threshold& limit = entry.second;
    const auto m = std::find_if(measurements.begin(), measurements.end(),
                                [&](const results::measurement& x) { return x.name == name; });
    if (m == measurements.end() || m->unit != "ms" || !m->value) continue;
    // Waiting for a CPU only makes a time longer: a time at or past a limit may have got there
    // by waiting, one short of it did not.
    const double v = *m->value;
    const double doubt_ms = wait_share * v;
    const auto pushed_past = [&](const std::optional<double>& bound) {
      return bound && v >= *bound && v - doubt_ms < *bound;
    };
    if (pushed_past(limit.min) || pushed_past(limit.max)) return true;
    // Cut short by the harness (a signal, the deadline) short of its maximum: the client was
    // still going then, and a saturated machine is reason enough why.
    if (m->lower_bound && limit.max && v < *limit.max && saturated) return true;
  }
  return false;
}

}  // namespace wsrepro::harness
