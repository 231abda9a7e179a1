#pragma once
// Lines written to a descriptor by a thread of their own, so that whoever holds the other end of
// a pipe and never reads it cannot stop the caller: push() never blocks on the descriptor. Past
// a bound of bytes waiting, lines are dropped and counted, and the next line that fits is
// preceded by one that says how many were lost (drop_note).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace wsrepro {

class line_sink {
 public:
  /// Builds the line that reports `dropped` lines lost since the previous such line.
  using drop_note = std::function<std::string(std::uint64_t dropped)>;

  /// Writes to fd (not owned: the caller keeps it open for the sink's life).
  line_sink(int fd, std::size_t capacity_bytes, drop_note note);
  line_sink(const line_sink&) = delete;
  line_sink& operator=(const line_sink&) = delete;
  /// Calls stop().
  ~line_sink();

  /// Queues one line (a newline is added). Never waits for the reader. An essential line (a
  /// last word, such as a stop) is queued past the bound, with the note of any drop before it.
  void push(std::string line, bool essential = false);

  /// Waits until every queued line is written; gives up when nothing has been written for
  /// `idle`, or at `limit`. True when all were.
  bool drain(std::chrono::milliseconds idle, std::chrono::milliseconds limit);

  /// Ends the writer at once (within a poll interval, never stuck in write()); what is still
  /// waiting is lost. Returns the lines lost in all: dropped at the bound, left unwritten
  /// because the reader went away, or still waiting.
  std::uint64_t stop();

 private:
  void write_loop();
  /// Writes all of `bytes` unless stopping or the descriptor fails; false then.
  bool write_all(const std::string& bytes);

  int fd_;
  std::size_t capacity_bytes_;
  drop_note note_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;  ///< a batch is out of the queue, being written
  bool stopping_ = false;
  bool broken_ = false;  ///< the descriptor failed (e.g. EPIPE): nothing more is written
  std::uint64_t dropped_unreported_ = 0;
  std::uint64_t lost_ = 0;
  std::uint64_t batches_written_ = 0;  ///< progress, for drain()
  std::thread writer_;
};

}  // namespace wsrepro
