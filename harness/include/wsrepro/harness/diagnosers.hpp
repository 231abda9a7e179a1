#pragma once
// Stack capture per runtime, as plug-ins: each file under harness/diagnosers/ registers how to
// recognise a process of its runtime, what the client needs in its environment for a capture to
// work later, and how to take that process's stacks with the tool the runtime's own engineers
// use (py-spy, eu-stack or gdb, Node's diagnostic report, jstack). The capture itself
// (stack_capture.hpp) walks the client's tree and never names one.

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "wsrepro/results/diagnosis.hpp"

namespace wsrepro::harness {

/// A process of the client's tree as /proc shows it.
struct process_identity {
  int pid = 0;
  std::filesystem::path exe;  ///< /proc/PID/exe; empty when unreadable
  std::string command;        ///< the command line, bounded
};

struct capture_context {
  std::chrono::milliseconds budget{2000};  ///< for this process; the tool is killed past it
  std::filesystem::path scratch;           ///< a directory of the run's own, for tool files
};

struct diagnoser_spec {
  std::string name = {};   ///< what manifests and --diagnose say: python, node, native, ...
  std::string tools = {};  ///< the tools it uses and where they come from, for docs and errors
  std::string doc = {};
  /// Whether a process is this runtime's, from its executable; checked in registration order
  /// after the specific ones (native, the fallback, recognises everything).
  bool (*recognises)(const process_identity& p) = nullptr;
  /// Adds to the client's environment what a later capture needs (Node's report flags); may be
  /// null. `scratch` is the run's directory for tool files.
  void (*prepare)(std::vector<std::string>& env, const std::filesystem::path& scratch) = nullptr;
  /// Takes the stacks of `p` without ending it, within the context's budget; on failure sets
  /// `out.error` to why. `out` arrives with pid, command and runtime set.
  void (*capture)(const process_identity& p, const capture_context& ctx,
                  results::process_stacks& out) = nullptr;
  /// The line naming where the process waits, when the runtime needs more than the main
  /// thread's stack (Python's exit waiting for threads, Node's idle event loop); may be null.
  std::string (*blocked_at)(const results::process_stacks& p) = nullptr;
  /// Recognition order: lower first; native, the fallback, is last.
  int order = 100;
};

/// Every registered diagnoser, in recognition order.
const std::vector<diagnoser_spec>& diagnoser_specs();
const diagnoser_spec* find_diagnoser(std::string_view name);
/// For a diagnoser's own file, from its registration function.
void register_diagnoser(diagnoser_spec spec);
/// The diagnoser for a process: `hint` when given (the manifest's `diagnose`), else the first
/// that recognises it.
const diagnoser_spec* diagnoser_for(const process_identity& p, std::string_view hint);

/// Why `name` cannot be a `diagnose` value (a manifest's key, --diagnose), with the known names
/// and a did-you-mean; empty when it can (a diagnoser, "none", or empty for a guess).
std::string check_diagnose(std::string_view name);

/// Where the thread `t` waits, in one line: its innermost frame and, when that is the runtime's
/// own code, the runtime function the program called and the program's or library's frame that
/// called it ("MainThread waits in _wait_for_tstate_lock (threading.py:1139) via join
/// (threading.py:1123), called from handshake (websockets/sync/client.py:93)").
std::string describe_wait(const results::thread_stack& t);
/// The default one line for a process: its main thread's wait.
std::string main_thread_wait(const results::process_stacks& p);

}  // namespace wsrepro::harness
