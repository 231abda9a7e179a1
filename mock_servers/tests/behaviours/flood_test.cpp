#include <gtest/gtest.h>

#include "keepalive_wire.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::client_frame;
using testing::raw_client;
using testing::wait_for;

TEST(flood, sends_messages_as_fast_as_they_are_read) {
  server_thread srv("flood", {{"message_bytes", "1000"}, {"opcode", "text"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  for (int i = 0; i < 2000; ++i) {
    const auto f = testing::read_server_frame(client);
    ASSERT_TRUE(f);
    ASSERT_EQ(f->opcode, opcodes::text);
    ASSERT_EQ(f->payload, std::string(1000, 'x'));
  }
  EXPECT_FALSE(srv.events().first("server.fault"));
  const auto begins = srv.events().first("server.flood_begins");
  ASSERT_TRUE(begins);
  EXPECT_EQ(begins->int_attr("messages_per_write"), (4 << 20) / 1004);
}

TEST(flood, answers_pings_before_the_close) {
  server_thread srv("flood", {{"message_bytes", "100"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  client.send(client_frame(opcodes::ping, "p"));
  bool ponged = false;
  for (int i = 0; i < 1'000'000 && !ponged; ++i) {
    const auto f = testing::read_server_frame(client);
    ASSERT_TRUE(f);
    ponged = f->opcode == opcodes::pong;
    if (!ponged) {
      ASSERT_EQ(f->opcode, opcodes::binary);
    }
  }
  EXPECT_TRUE(ponged);
}

TEST(flood, keeps_sending_after_the_close_frame_and_never_answers_it) {
  server_thread srv("flood", {{"message_bytes", "1000"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  client.send(client_frame(opcodes::close, close_payload(1000)));
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);
  // Read on until the server has written a whole batch after the fault: all data, no close.
  const auto written_after_fault = [&] {
    for (const auto& e : srv.events().snapshot()) {
      if (e.name() == "server.flood_out" && e.t_ns > fault->t_ns) return true;
    }
    return false;
  };
  bool flooded_on = false;
  for (int i = 0; i < 100'000 && !flooded_on; ++i) {
    const auto f = testing::read_server_frame(client);
    ASSERT_TRUE(f);
    ASSERT_EQ(f->opcode, opcodes::binary);
    flooded_on = i % 100 == 0 && written_after_fault();
  }
  EXPECT_TRUE(flooded_on);
  EXPECT_EQ(testing::count_events(srv, "server.frame_out", "close"), 0u);
  EXPECT_FALSE(srv.events().first("server.fin_out"));
}

}  // namespace
}  // namespace wsrepro::mock
