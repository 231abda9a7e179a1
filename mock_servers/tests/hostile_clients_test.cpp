// The server core against clients that misbehave on purpose or by accident: descriptors that
// must not leak into child processes, a process out of descriptors, requests that never end.

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::raw_client;
using testing::wait_for;

/// This process's TCP sockets whose local port is `port`: the server's listener and the
/// connections it accepted (a client's own socket has an ephemeral local port).
struct server_sockets {
  int listening = -1;
  std::vector<int> accepted;
};

server_sockets sockets_on_port(std::uint16_t port) {
  server_sockets found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::stoi(entry.path().filename().string());
    sockaddr_storage address{};
    socklen_t size = sizeof address;
    // Not a socket (a file, the directory being listed): ENOTSOCK.
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) continue;
    std::uint16_t local_port = 0;
    if (address.ss_family == AF_INET) {
      local_port = ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
    } else if (address.ss_family == AF_INET6) {
      local_port = ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
    }
    if (local_port != port) continue;
    int listening = 0;
    socklen_t option_size = sizeof listening;
    ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &option_size);
    if (listening != 0) {
      found.listening = fd;
    } else {
      found.accepted.push_back(fd);
    }
  }
  return found;
}

bool close_on_exec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

TEST(server_descriptors, the_listener_and_accepted_connections_are_close_on_exec) {
  server_thread srv("blackhole");  // keeps the accepted connection open, untouched
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(wait_for(srv, "server.accept", 10s));
  const server_sockets sockets = sockets_on_port(srv.port());
  ASSERT_NE(sockets.listening, -1);
  ASSERT_EQ(sockets.accepted.size(), 1u);
  EXPECT_TRUE(close_on_exec(sockets.listening));
  EXPECT_TRUE(close_on_exec(sockets.accepted[0]));
}

}  // namespace
}  // namespace wsrepro::mock
