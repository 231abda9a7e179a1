// The server core against clients that misbehave on purpose or by accident: descriptors that
// must not leak into child processes, requests that never end. (A process out of descriptors is
// in descriptor_exhaustion_test.cpp, a program of its own.)

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "behaviours/keepalive_wire.hpp"
#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/frame.hpp"
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

/// A frame as a broken client sends it: not masked.
std::string unmasked_frame(std::uint8_t opcode, std::string payload) {
  frame f;
  f.opcode = opcode;
  f.payload = std::move(payload);
  return encode_frame(f);
}

const std::string close_1002("\x88\x02\x03\xea", 4);

TEST(unmasked_frames, fail_the_connection_with_1002_in_the_shared_echo_steps) {
  server_thread srv("echo");
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  client.send(unmasked_frame(opcodes::text, "hello"));
  // Not echoed: a close frame 1002, then the server's FIN.
  EXPECT_EQ(client.read_exactly(4), close_1002);
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  const auto error = wait_for(srv, "server.protocol_error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->int_attr("code"), 1002);
  EXPECT_NE(error->string_attr("reason").value_or("").find("not masked"), std::string::npos);
  EXPECT_EQ(testing::count_events(srv, "server.frame_out", "text"), 0u);
  // It ends as the close steps end a connection: after the client's FIN.
  client.shutdown_send();
  EXPECT_TRUE(wait_for(srv, "server.fin_in"));
  EXPECT_TRUE(wait_for(srv, "server.close"));
}

TEST(unmasked_frames, fail_the_connection_in_a_behaviour_that_reads_frames_itself) {
  // frames_back_to_back echoes with its own read loop until the client's close frame.
  server_thread srv("frames_back_to_back", {{"when", "after_client_close"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  client.send(unmasked_frame(opcodes::ping, "p"));
  EXPECT_EQ(client.read_exactly(4), close_1002);
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  EXPECT_TRUE(wait_for(srv, "server.protocol_error"));
  EXPECT_EQ(testing::count_events(srv, "server.frame_out", "pong"), 0u);
}

TEST(unmasked_frames, after_the_servers_close_frame_get_no_second_close_frame) {
  server_thread srv("immediate_close");  // close 1000, then waits for the client's answer
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  EXPECT_EQ(client.read_exactly(4), std::string("\x88\x02\x03\xe8", 4));
  client.send(unmasked_frame(opcodes::close, close_payload(1000)));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);  // FIN, no frame before it
  EXPECT_TRUE(wait_for(srv, "server.protocol_error"));
  EXPECT_EQ(testing::count_events(srv, "server.frame_out", "close"), 1u);
}

TEST(unmasked_frames, are_echoed_by_a_lenient_echo_server_on_request) {
  server_thread srv("echo", {{"allow_unmasked", "true"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  client.send(unmasked_frame(opcodes::text, "hello"));
  EXPECT_EQ(client.read_exactly(7), std::string("\x81\x05hello"));
  client.send(testing::client_frame(opcodes::close, close_payload(1000)));
  EXPECT_EQ(client.read_exactly(4), std::string("\x88\x02\x03\xe8", 4));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  EXPECT_FALSE(srv.events().first("server.protocol_error"));
}

TEST(unmasked_frames, are_taken_by_a_script_on_request) {
  server_thread srv("script",
                    {{"steps", "upgrade; expect text; frame text ok"}, {"allow_unmasked", "true"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  client.send(unmasked_frame(opcodes::text, "hi"));
  EXPECT_EQ(client.read_exactly(4), std::string("\x81\x02ok"));
  EXPECT_FALSE(srv.events().first("server.protocol_error"));
}

server_options with_request_timeout(std::chrono::milliseconds timeout) {
  server_options options;
  options.request_timeout = timeout;
  return options;
}

const std::string half_request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n";

TEST(request_timeout, is_30_s_unless_told) {
  EXPECT_EQ(server_options{}.request_timeout, std::chrono::seconds(30));
}

TEST(request_timeout, closes_a_connection_whose_request_never_completes) {
  server_thread srv("echo", {}, with_request_timeout(300ms));
  raw_client client(srv.port(), 10s);
  const auto sent = std::chrono::steady_clock::now();
  client.send(half_request);
  EXPECT_EQ(client.next_end(), raw_client::end::fin);  // closed, not answered
  EXPECT_GE(std::chrono::steady_clock::now() - sent, 250ms);
  const auto timeout = wait_for(srv, "server.request_timeout", 10s);
  ASSERT_TRUE(timeout);
  EXPECT_EQ(timeout->int_attr("timeout_ms"), 300);
  EXPECT_EQ(timeout->int_attr("bytes"), static_cast<std::int64_t>(half_request.size()));
  EXPECT_TRUE(wait_for(srv, "server.close", 10s));
  EXPECT_FALSE(srv.events().first("server.request"));
  EXPECT_FALSE(srv.events().first("server.response"));
}

TEST(request_timeout, bounds_the_whole_request_not_the_pause_between_bytes) {
  // Slowloris: a byte every 20 ms never leaves the connection idle for long.
  server_thread srv("echo", {}, with_request_timeout(300ms));
  raw_client client(srv.port(), 10s);
  const auto until = std::chrono::steady_clock::now() + 10s;
  std::size_t offset = 0;
  while (!srv.events().first("server.request_timeout") &&
         std::chrono::steady_clock::now() < until) {
    try {
      client.send(std::string(1, half_request[offset++ % half_request.size()]));
    } catch (const std::runtime_error&) {
      break;  // the server has closed
    }
    std::this_thread::sleep_for(20ms);
  }
  const auto timeout = wait_for(srv, "server.request_timeout", 10s);
  ASSERT_TRUE(timeout);
  EXPECT_GT(timeout->int_attr("bytes").value_or(0), 0);
  EXPECT_TRUE(wait_for(srv, "server.close", 10s));
}

TEST(request_timeout, zero_means_none) {
  server_thread srv("echo", {}, with_request_timeout(0ms));
  raw_client client(srv.port(), 600ms);
  client.send(half_request);
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_FALSE(srv.events().first("server.request_timeout"));
  // The request, finished late, is still answered.
  client.send(
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n");
  const auto response = client.read_until("\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
}

TEST(request_timeout, spares_a_behaviour_that_never_reads_the_request) {
  server_thread srv("blackhole", {}, with_request_timeout(100ms));
  raw_client client(srv.port(), 600ms);
  client.send(half_request);
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_FALSE(srv.events().first("server.request_timeout"));
  EXPECT_FALSE(srv.events().first("server.close"));
}

TEST(request_size, an_endless_header_is_cut_off_at_64_kib_as_a_bad_request) {
  server_thread srv("echo");
  raw_client client(srv.port(), 2s);
  client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: ");
  const std::string junk(16 * 1024, 'a');
  for (int i = 0; i < 64 && !srv.events().first("server.bad_request"); ++i) {  // up to 1 MiB
    try {
      client.send(junk);
    } catch (const std::runtime_error&) {
      break;  // the server has closed (RST: it had unread bytes)
    }
  }
  const auto refused = wait_for(srv, "server.bad_request", 10s);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->string_attr("error"), "header limit exceeded");
  EXPECT_LE(refused->int_attr("bytes").value_or(0), 64 * 1024 + 16 * 1024);
  EXPECT_TRUE(wait_for(srv, "server.close", 10s));
  EXPECT_FALSE(srv.events().first("server.request"));
}

}  // namespace
}  // namespace wsrepro::mock
