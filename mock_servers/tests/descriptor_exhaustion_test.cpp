// The server core in a process out of descriptors: accept fails with EMFILE, the server says so
// once and accepts again once descriptors are free. A program of its own because the sanitizers'
// runtime needs descriptors too: UBSan's vptr check probes memory through a pipe, and without a
// free descriptor it reports a valid object as having an "invalid vptr". CMakeLists.txt turns
// that one check off for this program (descriptor_exhaustion.ubsan.supp), and only for it.
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/frame.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::raw_client;
using testing::wait_for;

/// Lowers RLIMIT_NOFILE's soft limit for a test, and restores it however the test ends.
class descriptor_limit {
 public:
  explicit descriptor_limit(rlim_t soft) {
    if (::getrlimit(RLIMIT_NOFILE, &saved_) != 0) return;
    rlimit lowered = saved_;
    lowered.rlim_cur = soft;
    lowered_ = ::setrlimit(RLIMIT_NOFILE, &lowered) == 0;
  }
  ~descriptor_limit() {
    if (lowered_) ::setrlimit(RLIMIT_NOFILE, &saved_);
  }
  descriptor_limit(const descriptor_limit&) = delete;
  descriptor_limit& operator=(const descriptor_limit&) = delete;
  bool lowered() const { return lowered_; }

 private:
  rlimit saved_{};
  bool lowered_ = false;
};

/// A descriptor closed when it goes.
class unique_fd {
 public:
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&&) = delete;
  ~unique_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::size_t open_descriptors() {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)entry;
    ++n;
  }
  return n - 1;  // the directory being listed
}

TEST(server_accept, runs_out_of_descriptors_logs_it_once_and_accepts_again_once_some_are_free) {
  server_thread srv("echo");
  // The clients' sockets are made while descriptors are plenty; then the limit leaves the server
  // a few, so that connecting them all (connect() takes no descriptor) starves its accept.
  constexpr int clients = 48;
  constexpr rlim_t spare = 8;
  std::vector<unique_fd> sockets;
  for (int i = 0; i < clients; ++i) {
    sockets.emplace_back(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_GE(sockets.back().get(), 0);
  }
  const descriptor_limit limit(open_descriptors() + spare);
  ASSERT_TRUE(limit.lowered());
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(srv.port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (const auto& s : sockets) {
    // The kernel completes the handshake from the backlog, accepted or not.
    ASSERT_EQ(::connect(s.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  }
  const auto starved = wait_for(srv, "server.accept_error", 10s);
  ASSERT_TRUE(starved);
  EXPECT_EQ(starved->string_attr("error"),
            std::error_code(EMFILE, std::system_category()).message());
  EXPECT_EQ(starved->int_attr("errno"), EMFILE);
  // Several retries later (every 50 ms), still one event for the episode.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(testing::events_named(srv, "server.accept_error").size(), 1u);

  // The clients leave: the connections the server holds end and free their descriptors, and the
  // ones still in the backlog are accepted (and end) in turn. Then a new client is answered,
  // under the same lowered limit.
  sockets.clear();
  raw_client client(srv.port(), 10s);
  const auto after_header = testing::upgrade(client);
  ASSERT_TRUE(after_header);
  EXPECT_TRUE(after_header->empty());
  frame hello;
  hello.masked = true;
  hello.mask_key = {9, 8, 7, 6};
  hello.payload = "still here";
  client.send(encode_frame(hello));
  EXPECT_EQ(client.read_exactly(12), std::string("\x81\x0astill here"));
  EXPECT_EQ(testing::events_named(srv, "server.accept_error").size(), 1u);
}

}  // namespace
}  // namespace wsrepro::mock
