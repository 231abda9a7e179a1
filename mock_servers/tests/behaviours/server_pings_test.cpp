#include <gtest/gtest.h>

#include "keepalive_wire.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::client_frame;
using testing::raw_client;
using testing::wait_for;
using testing::wait_for_nth;

TEST(server_pings, pings_every_interval_and_is_content_with_pongs) {
  server_thread srv("server_pings", {{"interval_ms", "50"}, {"pong_timeout_ms", "300"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  for (int i = 1; i <= 8; ++i) {
    const auto ping = testing::read_server_frame(client);
    ASSERT_TRUE(ping);
    EXPECT_EQ(ping->opcode, opcodes::ping);
    EXPECT_EQ(ping->payload, std::to_string(i));  // a sequence number
    client.send(client_frame(opcodes::pong, ping->payload));
  }
  // Still a correct echo server.
  client.send(client_frame(opcodes::text, "hi"));
  for (;;) {
    const auto f = testing::read_server_frame(client);
    ASSERT_TRUE(f);
    if (f->opcode == opcodes::ping) {
      client.send(client_frame(opcodes::pong, f->payload));
      continue;
    }
    EXPECT_EQ(f->opcode, opcodes::text);
    EXPECT_EQ(f->payload, "hi");
    break;
  }
  EXPECT_FALSE(srv.events().first("server.fault"));

  // The pings are spaced by the interval (generous: at least 8 in no less than 200 ms).
  const auto first = wait_for_nth(srv, "server.frame_out", 1, "ping");
  const auto eighth = wait_for_nth(srv, "server.frame_out", 8, "ping");
  ASSERT_TRUE(first && eighth);
  EXPECT_GE(eighth->t_ns - first->t_ns, 200'000'000);

  client.send(client_frame(opcodes::close, close_payload(1000)));
  for (;;) {
    const auto f = testing::read_server_frame(client);
    ASSERT_TRUE(f);
    if (f->opcode == opcodes::close) break;
    EXPECT_EQ(f->opcode, opcodes::ping);  // one may have been on its way
  }
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
}

TEST(server_pings, closes_with_1011_when_a_pong_is_missing) {
  server_thread srv("server_pings", {{"interval_ms", "50"}, {"pong_timeout_ms", "200"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  const auto start = std::chrono::steady_clock::now();
  int pings = 0;
  std::optional<frame> close;
  while (!close) {
    auto f = testing::read_server_frame(client);
    ASSERT_TRUE(f);
    if (f->opcode == opcodes::close) {
      close = std::move(f);
    } else {
      EXPECT_EQ(f->opcode, opcodes::ping);
      ++pings;
    }
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  EXPECT_GE(pings, 1);
  EXPECT_EQ(close_code(close->payload), 1011);
  EXPECT_EQ(close->payload.substr(2), "keepalive ping timeout");
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);
  EXPECT_LE(fault->t_ns, wait_for_nth(srv, "server.frame_out", 1, "close")->t_ns);

  // Nothing follows the close frame but, once we answer, the server's FIN.
  client.send(client_frame(opcodes::close, close_payload(1011)));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
}

TEST(server_pings, closes_tcp_when_the_client_never_answers_its_close) {
  server_thread srv("server_pings", {{"interval_ms", "20"}, {"pong_timeout_ms", "100"}});
  raw_client client(srv.port(), 3s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  for (;;) {
    const auto f = testing::read_server_frame(client);
    ASSERT_TRUE(f);
    if (f->opcode == opcodes::close) break;
  }
  EXPECT_EQ(client.next_end(), raw_client::end::fin);  // after another pong_timeout_ms
  EXPECT_TRUE(wait_for(srv, "server.close_timeout"));
}

TEST(server_pings, without_require_pong_only_pings) {
  server_thread srv("server_pings",
                    {{"interval_ms", "20"}, {"pong_timeout_ms", "50"}, {"require_pong", "false"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  for (int i = 1; i <= 20; ++i) {  // at least 400 ms: eight pong timeouts
    const auto ping = testing::read_server_frame(client);
    ASSERT_TRUE(ping);
    EXPECT_EQ(ping->opcode, opcodes::ping);
  }
  EXPECT_FALSE(srv.events().first("server.fault"));
}

}  // namespace
}  // namespace wsrepro::mock
