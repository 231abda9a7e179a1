#pragma once
// Runs a helper command to completion (a client's set-up step, a version probe): its own
// process group, stdin from /dev/null, stdout and stderr merged, a deadline and a cancel flag.
// Not for clients under test: those go through child_process and the shim.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace wsrepro::harness {

struct subprocess_result {
  bool started = false;
  bool timed_out = false;
  bool cancelled = false;
  int exit_code = -1;   ///< when it exited
  int exit_signal = 0;  ///< when a signal killed it
  std::string output;   ///< stdout + stderr, up to the capture bound
  std::string error;    ///< why it could not start
  double duration_ms = 0;

  bool succeeded() const { return started && !timed_out && !cancelled && exit_code == 0; }
  /// "exited 1", "killed by signal 9", "timed out after 600 s", "cancelled"
  std::string describe() const;
  /// The last non-empty line of the output, for one-line reasons.
  std::string last_line() const;
};

struct subprocess_request {
  std::vector<std::string> argv;
  std::vector<std::string> extra_env;  ///< NAME=VALUE added to (or replacing in) ours
  std::chrono::milliseconds timeout{600'000};
  const std::atomic<bool>* cancel = nullptr;
  std::size_t capture_limit_bytes = std::size_t{256} * 1024;
  /// Every chunk of output as it comes (for a set-up log); called on the calling thread.
  std::function<void(std::string_view)> on_output;
};

/// Never throws; the whole process group is killed on timeout or cancel, and after the exit.
subprocess_result run_subprocess(const subprocess_request& request);

}  // namespace wsrepro::harness
