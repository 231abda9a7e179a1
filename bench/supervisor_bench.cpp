// Spawn-to-reap cost of the supervisor next to a bare posix_spawn + waitpid of the same program.
// The difference is what wsrepro adds to every run: the shim, its control protocol, the pidfd,
// the output pipes and the end-of-run tree scan.

#include "bench_support.hpp"

namespace wsrepro::bench {
namespace {

/// Bare baseline: posix_spawn of /bin/true, then a (bounded) blocking reap.
void spawn_to_reap_bare(benchmark::State& state) {
  for (auto _ : state) {
    const std::int64_t t0 = now_ns();
    const pid_t pid = bare_spawn({"/bin/true"});
    if (pid == 0) {
      state.SkipWithError("posix_spawn /bin/true failed");
      break;
    }
    if (!bounded_waitpid(pid)) {
      state.SkipWithError("/bin/true did not exit in time");
      break;
    }
    state.SetIterationTime(ns_to_s(now_ns() - t0));
  }
}
BENCHMARK(spawn_to_reap_bare)
    ->Name("spawn_to_reap/bare_posix_spawn")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

/// wsrepro: child_process::start through the shim, then what the runner's supervise() does
/// for a client that exits by itself: wait_exit, then kill_tree (tree scan, shim reaped). The
/// io_context is built outside the timed part; everything from start() to the reaped shim is in.
void spawn_to_reap_supervisor(benchmark::State& state) {
  double exit_seen_s = 0;  // start -> exit known (pidfd readable and the shim's status)
  double teardown_s = 0;   // exit known -> kill_tree done and the shim reaped
  for (auto _ : state) {
    supervised run;
    const std::int64_t t0 = now_ns();
    if (auto problem = run.start({"/bin/true"})) {
      state.SkipWithError(problem->c_str());
      break;
    }
    std::int64_t exit_ns = 0;
    bool exited = false;
    const bool finished = run.run([&](harness::child_process& child) -> net::awaitable<void> {
      const auto status = co_await child.wait_exit(std::chrono::steady_clock::now() + wait_bound);
      exit_ns = now_ns();
      exited = status.has_value();
    });
    const std::int64_t t1 = now_ns();
    if (!finished || !exited) {
      state.SkipWithError("the supervised /bin/true did not finish in time");
      break;
    }
    state.SetIterationTime(ns_to_s(t1 - t0));
    exit_seen_s += ns_to_s(exit_ns - t0);
    teardown_s += ns_to_s(t1 - exit_ns);
  }
  // Per-iteration averages, in the same unit as the time columns would be read (µs).
  const auto n = static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  state.counters["exit_seen_us"] = exit_seen_s / n * 1e6;
  state.counters["teardown_us"] = teardown_s / n * 1e6;
}
BENCHMARK(spawn_to_reap_supervisor)
    ->Name("spawn_to_reap/wsrepro_supervisor")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace wsrepro::bench
