#include <gtest/gtest.h>

#include "keepalive_wire.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::client_frame;
using testing::raw_client;
using testing::wait_for;
using testing::wait_for_nth;

TEST(slow_handler, answers_pings_at_once_while_no_message_is_handled) {
  server_thread srv("slow_handler");
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  client.send(client_frame(opcodes::ping, "p"));
  EXPECT_EQ(client.read_exactly(3), std::string("\x8a\x01p"));
  EXPECT_FALSE(srv.events().first("server.fault"));
}

TEST(slow_handler, blocks_before_echoing_and_reads_nothing_meanwhile) {
  server_thread srv("slow_handler", {{"block_ms", "500"}});
  raw_client client(srv.port(), 300ms);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  client.send(client_frame(opcodes::text, "work"));
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);
  client.send(client_frame(opcodes::ping, "p"));
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);  // neither the echo nor a pong yet

  // After the block: the echo, then the pong for the ping that waited unread.
  ASSERT_TRUE(wait_for_nth(srv, "server.frame_out", 1, "pong"));
  const auto echo = testing::read_server_frame(client);
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->opcode, opcodes::text);
  EXPECT_EQ(echo->payload, "work");
  const auto pong = testing::read_server_frame(client);
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->opcode, opcodes::pong);

  const auto echo_out = wait_for_nth(srv, "server.frame_out", 1, "text");
  const auto ping_in = wait_for_nth(srv, "server.frame_in", 1, "ping");
  ASSERT_TRUE(echo_out && ping_in);
  EXPECT_GE(echo_out->t_ns - fault->t_ns, 400'000'000);  // generous for 500 ms
  EXPECT_GE(ping_in->t_ns - fault->t_ns, 400'000'000);   // the ping was not even read
}

}  // namespace
}  // namespace wsrepro::mock
