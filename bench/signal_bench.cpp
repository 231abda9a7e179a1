// Signal-to-exit detection: how long from sending SIGINT to an idle child until its exit is
// known, bare (kill + waitpid) and through the supervisor (send_signal, then the pidfd and the
// shim's status on the io_context). Spawning and teardown are outside the timed part: only
// the latency the measurements of a run are made of is timed.

#include "bench_support.hpp"

namespace wsrepro::bench {
namespace {

/// Bare baseline: kill(SIGINT), then a blocking reap (pidfd poll + waitpid, bounded).
void signal_to_exit_bare(benchmark::State& state) {
  for (auto _ : state) {
    const pid_t pid = bare_spawn({"/bin/sleep", "60"});
    if (pid == 0) {
      state.SkipWithError("posix_spawn /bin/sleep failed");
      break;
    }
    if (!wait_until_sleeping(pid)) {
      ::kill(pid, SIGKILL);
      bounded_waitpid(pid);
      state.SkipWithError("sleep did not start in time");
      break;
    }
    const std::int64_t t0 = now_ns();
    ::kill(pid, SIGINT);
    const bool reaped = bounded_waitpid(pid);
    const std::int64_t t1 = now_ns();
    if (!reaped) {
      state.SkipWithError("sleep did not exit on SIGINT in time");
      break;
    }
    state.SetIterationTime(ns_to_s(t1 - t0));
  }
}
BENCHMARK(signal_to_exit_bare)
    ->Name("signal_to_exit/bare_kill_waitpid")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

/// wsrepro: send_signal(SIGINT) to the process, then wait_exit on the io_context, as the
/// runner's signal plan and supervise() do. Timed until wait_exit returns, that is until both
/// the pidfd fired and the shim reported the status; the tree is killed afterwards, untimed.
void signal_to_exit_supervisor(benchmark::State& state) {
  double pidfd_seen_s = 0;  // signal -> our pidfd readable (the exit's timestamp in a run)
  for (auto _ : state) {
    supervised run;
    if (auto problem = run.start({"/bin/sleep", "60"})) {
      state.SkipWithError(problem->c_str());
      break;
    }
    if (!wait_until_sleeping(run.child().pid())) {
      run.run([](harness::child_process&) -> net::awaitable<void> { co_return; });
      state.SkipWithError("sleep did not start in time");
      break;
    }
    std::int64_t t0 = 0;
    std::int64_t t1 = 0;
    std::int64_t pidfd_ns = 0;
    const bool finished = run.run([&](harness::child_process& child) -> net::awaitable<void> {
      t0 = now_ns();
      child.send_signal(SIGINT, harness::signal_target::process);
      const auto status = co_await child.wait_exit(std::chrono::steady_clock::now() + wait_bound);
      t1 = now_ns();
      if (status) pidfd_ns = status->t_ns;
    });
    if (!finished || pidfd_ns == 0) {
      state.SkipWithError("the supervised sleep did not exit on SIGINT in time");
      break;
    }
    state.SetIterationTime(ns_to_s(t1 - t0));
    pidfd_seen_s += ns_to_s(pidfd_ns - t0);
  }
  const auto n = static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  state.counters["pidfd_seen_us"] = pidfd_seen_s / n * 1e6;
}
BENCHMARK(signal_to_exit_supervisor)
    ->Name("signal_to_exit/wsrepro_supervisor")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace wsrepro::bench
