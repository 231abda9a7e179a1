#include <gtest/gtest.h>

#include "keepalive_wire.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::client_frame;
using testing::raw_client;
using testing::wait_for;
using testing::wait_for_nth;

TEST(withhold_pongs, drops_pings_but_echoes_data) {
  server_thread srv("withhold_pongs");
  raw_client client(srv.port(), 300ms);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  EXPECT_FALSE(srv.events().first("server.fault"));  // nothing wrong before the first ping

  client.send(client_frame(opcodes::ping, "p1"));
  const auto ping = wait_for_nth(srv, "server.frame_in", 1, "ping");
  ASSERT_TRUE(ping);
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);
  EXPECT_GE(fault->t_ns, ping->t_ns);
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);  // no pong within 300 ms

  // Data is still echoed, and the next frame on the wire is that echo, not a late pong.
  client.send(client_frame(opcodes::ping, "p2"));
  client.send(client_frame(opcodes::text, "hi"));
  ASSERT_TRUE(wait_for_nth(srv, "server.frame_out", 1, "text"));
  const auto echo = testing::read_server_frame(client);
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->opcode, opcodes::text);
  EXPECT_EQ(echo->payload, "hi");
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_EQ(testing::count_events(srv, "server.frame_out", "pong"), 0u);
  EXPECT_EQ(testing::count_events(srv, "server.fault"), 1u);
}

TEST(withhold_pongs, completes_the_close_handshake) {
  server_thread srv("withhold_pongs");
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  client.send(client_frame(opcodes::close, close_payload(1000, "bye")));
  EXPECT_EQ(client.read_exactly(4), std::string("\x88\x02\x03\xe8"));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
}

}  // namespace
}  // namespace wsrepro::mock
