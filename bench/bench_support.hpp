#pragma once
// Small helpers shared by the process benchmarks: the clock they time with, a bounded bare
// spawn/reap, and a supervised child driven the way the runner drives it.

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test_paths.hpp"
#include "wsrepro/common/clock.hpp"
#include "wsrepro/common/timeline.hpp"
#include "wsrepro/harness/child_process.hpp"

extern char** environ;

namespace wsrepro::bench {

namespace net = boost::asio;
using namespace std::chrono_literals;

inline double ns_to_s(std::int64_t ns) { return static_cast<double>(ns) * 1e-9; }

/// Generous bound on every wait: a wedged machine fails a benchmark instead of hanging CI.
inline constexpr auto wait_bound = 5s;

inline std::filesystem::path shim_path() {
  return std::filesystem::path(WSREPRO_BENCH_LIBEXEC_DIR) / "wsrepro-shim";
}

/// posix_spawn of `argv` with our environment; 0 on failure.
inline pid_t bare_spawn(std::vector<std::string> argv) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return 0;
  return pid;
}

/// Blocking waitpid bounded by `wait_bound`: a poll on a pidfd sleeps in the kernel until the
/// exit (no polling quantum), then waitpid reaps. Past the bound the child is killed; false.
inline bool bounded_waitpid(pid_t pid) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd pfd{pidfd, POLLIN, 0};
    const auto bound_ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait_bound);
    int n = 0;
    do {
      n = ::poll(&pfd, 1, static_cast<int>(bound_ms.count()));
    } while (n < 0 && errno == EINTR);
    ::close(pidfd);
    if (n == 0) ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return n > 0;
  }
  int status = 0;
  return ::waitpid(pid, &status, 0) == pid;
}

/// Waits (bounded) until `pid` sleeps in the kernel: a freshly exec'd `sleep` still loading its
/// libraries dies by a different path than one parked in nanosleep, as a waiting client is.
inline bool wait_until_sleeping(pid_t pid) {
  const auto until = std::chrono::steady_clock::now() + wait_bound;
  while (std::chrono::steady_clock::now() < until) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    const auto close = line.rfind(')');
    if (close != std::string::npos && line.size() > close + 2 && line[close + 2] == 'S') {
      return true;
    }
    std::this_thread::sleep_for(50us);
  }
  return false;
}

/// One supervised child on its own io_context. `body` runs as the runner's supervise()
/// coroutine would; the child's tree is always killed and the shim reaped before run()
/// returns, and a watchdog stops the loop if anything overruns.
class supervised {
 public:
  supervised() : child_(ioc_, log_) {}

  std::optional<std::string> start(std::vector<std::string> argv) {
    harness::spawn_request request;
    request.argv = std::move(argv);
    request.env = harness::client_environment();
    request.shim = shim_path();
    return child_.start(request);
  }

  harness::child_process& child() { return child_; }

  /// Runs `body`, then kill_tree, to completion; false on a watchdog stop or an exception.
  bool run(std::function<net::awaitable<void>(harness::child_process&)> body) {
    bool finished = false;
    net::co_spawn(
        ioc_,
        [&]() -> net::awaitable<void> {
          co_await body(child_);
          co_await child_.kill_tree(
              std::chrono::duration_cast<std::chrono::milliseconds>(wait_bound));
        },
        [&](const std::exception_ptr& ex) {
          finished = !ex;
          ioc_.stop();
        });
    net::steady_timer watchdog(ioc_, 2 * wait_bound);
    watchdog.async_wait([&](boost::system::error_code ec) {
      if (!ec) ioc_.stop();
    });
    ioc_.run();
    return finished;
  }

 private:
  timeline log_;  // outlives the io_context, as in the runner
  net::io_context ioc_{1};
  harness::child_process child_;
};

}  // namespace wsrepro::bench
