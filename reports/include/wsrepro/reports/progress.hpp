#pragma once
// Progress of an invocation's runs for a person watching: a counter for each run line
// ("[ 3/68]"), a status line kept at the bottom of a terminal (what runs now and for how long,
// the ETA), redrawn in place and never written into a log, and in a log a line whenever nothing
// was printed for a while, so a long wait is never silent. Thread-safe: the workers report
// runs while a ticker thread redraws.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

#include "wsrepro/reports/eta.hpp"
#include "wsrepro/results/reporter.hpp"

namespace wsrepro::reports {

struct progress_settings {
  /// The terminal the status line is drawn on (its width is read from it); -1: `out` is a log.
  int tty_fd = -1;
  /// In a log: a line when nothing was printed for this long while runs are under way.
  std::chrono::milliseconds heartbeat{10'000};
  /// On a terminal: how often the status line is redrawn.
  std::chrono::milliseconds redraw{250};
  /// What is counted, for the status line: "runs", "rounds".
  std::string unit = "runs";
};

/// Whether `fd` is a terminal a status line can be redrawn on (not TERM=dumb).
bool is_live_terminal(int fd);

class run_progress {
 public:
  run_progress(std::ostream& out, progress_settings settings);
  ~run_progress();
  run_progress(const run_progress&) = delete;
  run_progress& operator=(const run_progress&) = delete;

  /// More runs ahead (called once, or per batch for --until-fail); starts the ticker.
  void plan(const results::plan_outline& plan);
  void started(const results::run_outline& run);
  /// Counts a finished run and returns its counter, e.g. "[ 3/68]".
  std::string finished(const results::run_result& r);
  /// Writes `text` (whole lines) above the status line.
  void print(std::string_view text);
  /// Clears the status line and stops the ticker; later prints go straight out.
  void stop();

  /// The status line as it would be drawn now (for tests and the log's heartbeat).
  std::string status() const;

 private:
  struct in_flight {
    std::string scenario;
    std::string client;
    int repetition = 0;
    double started_ms = 0;
    double deadline_ms = 0;
  };
  double now_ms() const;
  std::string counter(std::size_t k) const;
  std::string status_locked(bool for_log) const;
  void draw_locked();
  void clear_locked();
  void tick();

  std::ostream& out_;
  progress_settings settings_;
  std::chrono::steady_clock::time_point started_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::thread ticker_;
  bool stopping_ = false;
  bool drawn_ = false;  ///< a status line is on the screen
  std::size_t planned_ = 0;
  std::size_t open_ended_max_ = 0;
  std::size_t done_ = 0;
  std::map<std::size_t, in_flight> running_;
  eta_estimator eta_{1};
  double last_output_ms_ = 0;
};

}  // namespace wsrepro::reports
