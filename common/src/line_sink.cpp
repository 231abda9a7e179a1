#include "wsrepro/common/line_sink.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <utility>

namespace wsrepro {

namespace {
// A pipe that polls writable takes this much without blocking (POSIX's PIPE_BUF on Linux), so
// the writer can look at stopping_ between chunks and is never stuck in write() at exit.
constexpr std::size_t chunk_bytes = 4096;
constexpr int poll_ms = 50;
}  // namespace

line_sink::line_sink(int fd, std::size_t capacity_bytes, drop_note note)
    : fd_(fd), capacity_bytes_(capacity_bytes), note_(std::move(note)) {
  writer_ = std::thread([this] { write_loop(); });
}

line_sink::~line_sink() { stop(); }

std::uint64_t line_sink::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (writer_.joinable()) writer_.join();
  std::lock_guard lock(mutex_);
  return lost_;
}

void line_sink::push(std::string line, bool essential) {
  line.push_back('\n');
  {
    std::lock_guard lock(mutex_);
    if (broken_ || stopping_) {
      ++lost_;
      return;
    }
    const std::size_t bound = essential ? SIZE_MAX : capacity_bytes_;
    if (dropped_unreported_ > 0) {
      std::string note = note_(dropped_unreported_) + "\n";
      if (queued_bytes_ + note.size() + line.size() > bound) {
        ++dropped_unreported_;
        ++lost_;
        return;
      }
      dropped_unreported_ = 0;
      queued_bytes_ += note.size();
      queue_.push_back(std::move(note));
    } else if (queued_bytes_ + line.size() > bound) {
      ++dropped_unreported_;
      ++lost_;
      return;
    }
    queued_bytes_ += line.size();
    queue_.push_back(std::move(line));
  }
  changed_.notify_all();
}

bool line_sink::drain(std::chrono::milliseconds idle, std::chrono::milliseconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  std::unique_lock lock(mutex_);
  const auto done = [this] { return broken_ || (queue_.empty() && !writing_); };
  while (!done()) {
    const auto progress = batches_written_;
    const auto until = std::min(give_up, std::chrono::steady_clock::now() + idle);
    changed_.wait_until(lock, until, [&] { return done() || batches_written_ != progress; });
    if (done()) break;
    if (batches_written_ == progress || std::chrono::steady_clock::now() >= give_up) return false;
  }
  return !broken_;
}

void line_sink::write_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) break;
    std::string batch;
    std::uint64_t batch_lines = 0;
    while (!queue_.empty() && batch.size() < 64 * chunk_bytes) {
      ++batch_lines;
      batch += queue_.front();
      queued_bytes_ -= queue_.front().size();
      queue_.pop_front();
    }
    writing_ = true;
    lock.unlock();
    const bool written = write_all(batch);
    lock.lock();
    writing_ = false;
    if (written) ++batches_written_;
    if (!written) {
      lost_ += batch_lines;  // some of it may have gone out: an upper bound
      if (!stopping_) {
        // The reader is gone: count what can never be written, and stop queueing.
        broken_ = true;
        lost_ += queue_.size();
        queue_.clear();
        queued_bytes_ = 0;
      }
    }
    changed_.notify_all();
    if (broken_) break;
  }
  lost_ += queue_.size();
}

bool line_sink::write_all(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    pollfd p{fd_, POLLOUT, 0};
    const int ready = ::poll(&p, 1, poll_ms);
    if (ready < 0 && errno != EINTR) return false;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return false;
    }
    if (ready <= 0) continue;
    if ((p.revents & (POLLERR | POLLNVAL)) != 0) return false;
    const std::size_t want = std::min(chunk_bytes, bytes.size() - done);
    const ssize_t n = ::write(fd_, bytes.data() + done, want);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace wsrepro
