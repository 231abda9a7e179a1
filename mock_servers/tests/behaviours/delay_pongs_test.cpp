#include <gtest/gtest.h>

#include "keepalive_wire.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::client_frame;
using testing::raw_client;
using testing::wait_for;
using testing::wait_for_nth;

TEST(delay_pongs, answers_pings_late_while_echoing_at_once) {
  server_thread srv("delay_pongs", {{"delay_ms", "400"}});
  raw_client client(srv.port(), 3s);
  ASSERT_TRUE(testing::open_websocket(client, srv));

  const auto sent = std::chrono::steady_clock::now();
  client.send(client_frame(opcodes::ping, "p1"));
  client.send(client_frame(opcodes::text, "hi"));
  // The echo overtakes the pong: reading went on while the pong waited.
  const auto echo = testing::read_server_frame(client);
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->opcode, opcodes::text);
  EXPECT_EQ(echo->payload, "hi");
  const auto pong = testing::read_server_frame(client);
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->opcode, opcodes::pong);
  EXPECT_EQ(pong->payload, "p1");
  // Generous tolerance: timing goals live in benchmarks.
  EXPECT_GE(std::chrono::steady_clock::now() - sent, 300ms);

  const auto ping_in = wait_for_nth(srv, "server.frame_in", 1, "ping");
  const auto pong_out = wait_for_nth(srv, "server.frame_out", 1, "pong");
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(ping_in && pong_out && fault);
  EXPECT_GE(fault->t_ns, ping_in->t_ns);
  EXPECT_LT(fault->t_ns, pong_out->t_ns);
  EXPECT_GE(pong_out->t_ns - ping_in->t_ns, 300'000'000);
}

TEST(delay_pongs, drops_pending_pongs_once_the_close_handshake_is_done) {
  server_thread srv("delay_pongs", {{"delay_ms", "200"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  client.send(client_frame(opcodes::ping, "late"));
  client.send(client_frame(opcodes::close, close_payload(1000)));
  EXPECT_EQ(client.read_exactly(4), std::string("\x88\x02\x03\xe8"));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);  // no pong after the close frame
  ASSERT_TRUE(wait_for(srv, "server.fin_out"));
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(testing::count_events(srv, "server.frame_out", "pong"), 0u);
}

}  // namespace
}  // namespace wsrepro::mock
