// wsrepro on a terminal: the status line is drawn (what runs, for how long) and cleared before
// each line and at the end, and never wider than the terminal. Into a pipe or a log there is no
// status line at all (checked in cli_test.cpp).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utmp.h>

#include <chrono>
#include <string>
#include <vector>

#include "cli_helpers.hpp"

namespace {

using namespace wsrepro::test;

struct pty_result {
  int exit_code = -1;
  bool timed_out = false;
  std::string out;  ///< everything written to the terminal (stdout and stderr)
};

/// Runs `argv` with a pseudo-terminal of `columns` columns as its stdin, stdout and stderr,
/// within a deadline (then its group is killed).
pty_result run_in_pty(const std::vector<std::string>& argv, unsigned short columns,
                      std::chrono::milliseconds deadline) {
  pty_result result;
  int master = -1;
  winsize size{};
  size.ws_row = 40;
  size.ws_col = columns;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) {
    ADD_FAILURE() << "forkpty failed";
    return result;
  }
  if (pid == 0) {
    ::setenv("TERM", "xterm", 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::fcntl(master, F_SETFD, FD_CLOEXEC);
  const auto until = std::chrono::steady_clock::now() + deadline;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000))) <= 0) continue;
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO: the terminal's last writer is gone
    result.out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

TEST(terminal, a_status_line_shows_the_run_under_way_and_is_cleared_before_each_line) {
  temp_dir out;
  const auto r = run_in_pty(wsrepro_argv({"run", "--scenario", keep_open_id, "--client",
                                          "beast-threaded-naive", "--out", out.str()}),
                            100, std::chrono::milliseconds(60'000));
  ASSERT_FALSE(r.timed_out) << r.out;
  EXPECT_EQ(r.exit_code, 1) << r.out;
  // The naive client hangs for seconds: the status line is drawn meanwhile.
  const auto status = r.out.find("| running: " + keep_open_id + " on beast-threaded-naive (");
  ASSERT_NE(status, std::string::npos) << r.out;
  // Every status line is wiped ("\r" + erase to the end of the line) before the run line.
  const auto line = r.out.find("[1/1] FAIL");
  ASSERT_NE(line, std::string::npos) << r.out;
  EXPECT_LT(status, line);
  EXPECT_EQ(r.out.substr(line - 4, 4), "\r\033[K") << r.out;
  // No status line is longer than the terminal is wide.
  for (std::size_t at = r.out.find("\r[0/1]"); at != std::string::npos;
       at = r.out.find("\r[0/1]", at + 1)) {
    const auto end = r.out.find("\033[K", at);
    ASSERT_NE(end, std::string::npos) << r.out;
    EXPECT_LT(end - at - 1, 100u) << r.out.substr(at, end - at);
  }
  // The summary comes after the last status line was wiped.
  const auto summary = r.out.find("1 run failed:");
  ASSERT_NE(summary, std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\r[0/1]", summary), std::string::npos) << r.out;
}

}  // namespace
