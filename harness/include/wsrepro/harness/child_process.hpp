#pragma once
// A client under test as a supervised child: started through wsrepro-shim (own process group,
// default signal dispositions, empty mask), its exit timed by a pidfd on the run's io_context,
// its output captured up to a bound and drained past it, signals sent to the process or its
// group, and its whole tree killed at the end with a list of what was left over.

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wsrepro/common/timeline.hpp"
#include "wsrepro/harness/process_types.hpp"
#include "wsrepro/results/result.hpp"

namespace wsrepro::harness {

struct spawn_request {
  std::vector<std::string> argv;
  std::vector<std::string> env;  ///< the client's whole environment, "KEY=VALUE"
  stdin_mode input = stdin_mode::null;
  std::filesystem::path shim;
  std::size_t output_limit_bytes = 1 << 20;  ///< per stream; the rest is drained and counted
  std::size_t max_line_events = 2000;        ///< per stream, to keep the timeline bounded
  std::size_t max_driver_events = 5000;      ///< driver-protocol events kept; the rest counted
};

struct exit_status {
  mono_ns t_ns = 0;  ///< when wsrepro saw the exit (pidfd readable)
  std::optional<int> code;
  std::optional<int> signal;
};

/// The environment for a client: ours, less every *_PROXY variable (any case).
std::vector<std::string> client_environment(const std::vector<std::string>& extra = {});

class child_process {
 public:
  child_process(boost::asio::io_context& ioc, timeline& log);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Starts the client; logs `client.spawn`. On failure returns the reason (a missing program
  /// says so). Blocks at most a few seconds, for the shim's first word.
  std::optional<std::string> start(const spawn_request& request);

  int pid() const { return pid_; }
  bool running() const { return pid_ > 0 && !exit_.has_value(); }

  /// Completes when the client has exited (status known) or `deadline` passed (nullopt).
  boost::asio::awaitable<std::optional<exit_status>> wait_exit(
      std::chrono::steady_clock::time_point deadline);

  /// Sends a signal to the client or its process group; logs `harness.signal`. False if the
  /// client is already gone.
  bool send_signal(int sig, signal_target target, std::string_view why = "plan");

  /// Reads whatever output is still buffered in the pipes, without waiting.
  void drain_output();
  /// Kills the whole process tree (daemonised grandchildren included) and returns the
  /// processes that were still alive: leaks. Bounded by `deadline`.
  boost::asio::awaitable<std::vector<results::leaked_process>> kill_tree(
      std::chrono::milliseconds deadline);

  /// Set when the shim died on its own (the client, or one of its children, killed it): how it
  /// died. The client's tree is then hunted down among wsrepro's adopted orphans.
  const std::optional<std::string>& supervisor_lost() const { return supervisor_lost_; }
  /// What kill_tree() (or a failed start) found left behind.
  const std::vector<results::leaked_process>& leaks() const { return leaks_; }

  const results::captured_output& output(bool stderr_stream) const {
    return stderr_stream ? stderr_ : stdout_;
  }

 private:
  struct stream_reader;
  void start_reader(stream_reader& reader);
  void on_output(stream_reader& reader, std::string_view bytes);
  void on_line(stream_reader& reader, std::string_view line);
  void on_control_line(const std::string& line);
  void read_control();
  std::optional<std::string> open_channels(const spawn_request& request, int control[2],
                                           int out_pipe[2], int err_pipe[2], int& stdin_read,
                                           std::string& pty_path);
  std::optional<std::string> take_shim_report(int control_fd, const spawn_request& request);
  void start_watching();
  /// Drains and closes the output, control, pidfd, stdin and terminal channels.
  void close_channels();
  void watch_pidfd();
  void emit_exit();
  void on_supervisor_lost();
  void collect_orphaned_status();
  std::string shim_death();
  std::string lost_before_report();

  boost::asio::io_context& ioc_;
  timeline& log_;
  int pid_ = 0;
  int shim_pid_ = 0;
  mono_ns exit_seen_ns_ = 0;
  mono_ns spawn_ns_ = 0;  ///< just before posix_spawn: no driver line can be older
  std::optional<int> wait_status_;
  bool status_lost_ = false;  ///< the shim reaped the client and died before reporting it
  std::optional<std::string> supervisor_lost_;
  std::optional<exit_status> exit_;
  std::unique_ptr<boost::asio::posix::stream_descriptor> pidfd_;
  std::unique_ptr<boost::asio::posix::stream_descriptor> control_;
  std::string control_buffer_;
  std::array<char, 512> control_chunk_{};
  std::vector<results::leaked_process> leaks_;
  bool tree_done_ = false;
  bool tree_killed_ = false;  ///< kill_tree() has run to its end
  int stdin_write_fd_ = -1;
  int pty_master_fd_ = -1;
  std::unique_ptr<stream_reader> terminal_reader_;
  results::captured_output terminal_;
  std::unique_ptr<stream_reader> stdout_reader_;
  std::unique_ptr<stream_reader> stderr_reader_;
  results::captured_output stdout_;
  results::captured_output stderr_;
  boost::asio::steady_timer wake_;  ///< cancelled whenever the exit or tree_done arrive
  std::size_t max_line_events_ = 2000;
  std::size_t max_driver_events_ = 5000;
  std::size_t driver_events_ = 0;
  std::size_t output_limit_ = 1 << 20;
};

}  // namespace wsrepro::harness
