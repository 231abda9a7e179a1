// Lines written by a thread of their own: a reader that never reads costs lines (counted, and
// said in a line of their own), never a blocked writer or a stuck exit.

#include "wsrepro/common/line_sink.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <string>

namespace {

using std::chrono::milliseconds;
using wsrepro::line_sink;

struct pipe_pair {
  pipe_pair() { EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0); }
  ~pipe_pair() {
    close_read();
    if (fds[1] >= 0) ::close(fds[1]);
  }
  /// Fills the pipe (bytes without a newline), so that a writer blocks until someone reads:
  /// what the sink then does past its bound no longer depends on how fast its thread runs.
  void fill() const {
    const int flags = ::fcntl(fds[1], F_GETFL);
    ::fcntl(fds[1], F_SETFL, flags | O_NONBLOCK);
    const std::string block(4096, 'f');
    while (::write(fds[1], block.data(), block.size()) > 0) {
    }
    ::fcntl(fds[1], F_SETFL, flags);
  }
  void close_read() {
    if (fds[0] >= 0) ::close(fds[0]);
    fds[0] = -1;
  }
  /// Everything readable within `quiet` of the last byte.
  std::string read_all(milliseconds quiet = milliseconds(300)) const {
    std::string got;
    for (;;) {
      pollfd p{fds[0], POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) return got;
      char buffer[65536];
      const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
      if (n <= 0) return got;
      got.append(buffer, static_cast<std::size_t>(n));
    }
  }
  int fds[2] = {-1, -1};
};

std::string note(std::uint64_t dropped) { return "dropped " + std::to_string(dropped); }

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(line_sink, writes_every_line_in_order_to_a_reader_that_keeps_up) {
  pipe_pair pipe;
  line_sink sink(pipe.fds[1], 1 << 20, note);
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    sink.push("line " + std::to_string(i));
    expected += "line " + std::to_string(i) + "\n";
  }
  EXPECT_EQ(pipe.read_all(), expected);
  EXPECT_TRUE(sink.drain(milliseconds(250), milliseconds(5000)));
  EXPECT_EQ(sink.stop(), 0u);
}

TEST(line_sink, past_its_bound_drops_and_says_how_many_before_the_next_line) {
  pipe_pair pipe;
  // The pipe is full and the sink holds 4 KiB more; nobody reads meanwhile.
  pipe.fill();
  line_sink sink(pipe.fds[1], 4096, note);
  const std::string line(99, 'x');                 // 100 bytes with its newline
  for (int i = 0; i < 2000; ++i) sink.push(line);  // pushes never wait
  std::string got = pipe.read_all();
  sink.push("after");
  got += pipe.read_all();
  // Drops may come in more than one stretch while the writer fills the pipe: each has its note.
  std::uint64_t dropped = 0;
  std::size_t notes = 0;
  for (auto at = got.find("dropped "); at != std::string::npos; at = got.find("dropped ", at + 1)) {
    dropped += std::stoull(got.substr(at + 8));
    ++notes;
  }
  ASSERT_GT(notes, 0u);
  EXPECT_EQ(count(got, "\n") - notes + dropped, 2001u) << "every line is written or counted, once";
  EXPECT_TRUE(got.ends_with("\nafter\n")) << "the note comes before the next line";
  EXPECT_EQ(sink.stop(), dropped);
}

TEST(line_sink, an_essential_line_passes_the_bound_with_the_count_before_it) {
  pipe_pair pipe;
  pipe.fill();
  line_sink sink(pipe.fds[1], 4096, note);
  for (int i = 0; i < 2000; ++i) sink.push(std::string(99, 'x'));
  sink.push("stop", /*essential=*/true);
  const std::string got = pipe.read_all();
  EXPECT_TRUE(got.ends_with("\nstop\n")) << got.substr(got.size() - 200);
  const auto last_note = got.rfind("dropped ");
  ASSERT_NE(last_note, std::string::npos);
  EXPECT_EQ(got.find('\n', last_note), got.size() - 6) << "the count comes just before it";
}

TEST(line_sink, stops_promptly_when_nobody_ever_reads) {
  pipe_pair pipe;
  line_sink sink(pipe.fds[1], 1 << 20, note);
  for (int i = 0; i < 5000; ++i) sink.push(std::string(200, 'y'));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(sink.drain(milliseconds(100), milliseconds(5000)));
  const std::uint64_t lost = sink.stop();
  // Generous: a drain with no progress for 100 ms and a writer that polls every 50 ms.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_GT(lost, 0u);
  EXPECT_LE(lost, 5000u);
}

TEST(line_sink, a_reader_that_goes_away_ends_the_writing) {
  pipe_pair pipe;
  line_sink sink(pipe.fds[1], 1 << 20, note);
  pipe.close_read();
  for (int i = 0; i < 100; ++i) sink.push("z");
  EXPECT_FALSE(sink.drain(milliseconds(1000), milliseconds(5000)));
  EXPECT_EQ(sink.stop(), 100u);
}

}  // namespace
