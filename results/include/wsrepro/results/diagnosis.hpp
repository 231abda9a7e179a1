#pragma once
// Where a hung client is stuck: the stacks of every thread of every process in its tree, taken
// by the tool of each process's runtime just before wsrepro ends the run (or when the scenario
// asks), and the one line that names the frame the client waits in. Plain data, like the rest
// of the results model; the harness fills it, the reporters write it.

#include <cstdint>
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

/// A TCP socket of the client's tree as the kernel saw it during the capture.
struct socket_state {
  int pid = 0;
  std::string local;             ///< 127.0.0.1:54321
  std::string remote;            ///< 127.0.0.1:8080
  std::string state;             ///< ESTABLISHED, CLOSE_WAIT, FIN_WAIT2, ...
  std::uint64_t send_queue = 0;  ///< bytes not yet acknowledged by the peer
  std::uint64_t recv_queue = 0;  ///< bytes received and not yet read by the client
  std::string timer;             ///< "retransmit in 200 ms", "keepalive in 7200 s"; empty: none
  /// The same connection as the server saw it, in words (what it sent last, whether it saw a FIN
  /// or a close frame); empty when the socket is not one of the server's connections.
  std::string server_view;

  /// "127.0.0.1:54321 -> 127.0.0.1:8080 CLOSE_WAIT, Recv-Q 0, Send-Q 0"
  std::string describe() const;
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
  std::vector<socket_state> sockets;  ///< every TCP socket of the tree
  /// The frame the client waits in: the innermost frame of the thread that blocks its exit,
  /// and the innermost frame of the program or a library below it. Empty when nothing was taken.
  std::string blocked_at;
  /// The client's connection to the server at that moment, both sides in one line ("server
  /// sent FIN 9.9 s ago, saw no FIN from the client; the client's socket: CLOSE_WAIT, ...").
  std::string connection;
};

struct diagnosis {
  std::vector<stack_capture> captures;
  /// The line of the first capture that has one: what reports print under the verdict.
  std::string summary() const;
  /// The connection line of the capture the summary comes from (or of the first with one).
  std::string connection_summary() const;
  bool empty() const { return captures.empty(); }
};

}  // namespace wsrepro::results
