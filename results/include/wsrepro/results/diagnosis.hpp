#pragma once
// Where a hung client is stuck: the stacks of every thread of every process in its tree, taken
// by the tool of each process's runtime just before wsrepro ends the run (or when the scenario
// asks), and the one line that names the frame the client waits in. Plain data, like the rest
// of the results model; the harness fills it, the reporters write it.

#include <string>
#include <vector>

#include "wsrepro/common/event.hpp"

namespace wsrepro::results {

struct stack_frame {
  std::string function;  ///< as the tool names it: `join`, `__futex_abstimed_wait_common`
  std::string file;      ///< source file (short form when the tool has one), or the module
  int line = 0;          ///< 0 when unknown
  /// The program's or a library's code, as opposed to the runtime's (CPython's standard
  /// library, libc, node:internal, java.base): where the one-line diagnosis looks for the cause.
  bool user_code = false;

  /// "join (threading.py:1123)"
  std::string describe() const;
};

struct thread_stack {
  int tid = 0;
  std::string name;   ///< MainThread, "Thread-1 (recv_events)", goroutine 1, main
  std::string state;  ///< what the tool says: idle, WAITING, chan receive; may be empty
  bool main = false;  ///< the thread whose end ends the process (or the JS thread, goroutine 1)
  std::vector<stack_frame> frames;  ///< innermost first
};

/// One process of the client's tree, as its runtime's tool saw it.
struct process_stacks {
  int pid = 0;
  std::string command;  ///< from /proc: what it is
  std::string runtime;  ///< native, python, node, go, java
  std::string tool;     ///< the command that took the stacks: "py-spy dump --nonblocking"
  double duration_ms = 0;
  bool paused = false;  ///< the tool stopped the process while it worked (ptrace, a safepoint)
  std::string error;    ///< why there are no stacks; empty when there are
  std::vector<thread_stack> threads;
  /// Extra state the tool reports (Node's libuv handles), one line each.
  std::vector<std::string> notes;
  std::string raw;  ///< the tool's output, bounded, for whoever needs more than the frames
};

/// One capture: every process of the tree at one moment.
struct stack_capture {
  mono_ns t_ns = 0;
  std::string why;  ///< "the deadline came", "hang_ms passed its maximum (1000 ms)", "[[capture]]"
  double duration_ms = 0;
  std::vector<process_stacks> processes;
  /// The frame the client waits in: the innermost frame of the thread that blocks its exit,
  /// and the innermost frame of the program or a library below it. Empty when nothing was taken.
  std::string blocked_at;
};

struct diagnosis {
  std::vector<stack_capture> captures;
  /// The line of the first capture that has one: what reports print under the verdict.
  std::string summary() const;
  bool empty() const { return captures.empty(); }
};

}  // namespace wsrepro::results
