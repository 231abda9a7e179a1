#include <gtest/gtest.h>

#include "keepalive_wire.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::client_frame;
using testing::raw_client;
using testing::wait_for;

TEST(ping_flood, floods_pings_echoes_data_and_stops_at_the_close) {
  server_thread srv("ping_flood");
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);

  for (int i = 1; i <= 50; ++i) {
    const auto ping = testing::read_server_frame(client);
    ASSERT_TRUE(ping);
    ASSERT_EQ(ping->opcode, opcodes::ping);
    EXPECT_EQ(ping->payload.size(), 4u);
    EXPECT_EQ(ping->payload.substr(0, std::to_string(i).size()), std::to_string(i));
  }
  // Data is echoed in between the pings.
  client.send(client_frame(opcodes::text, "hi"));
  bool echoed = false;
  for (int i = 0; i < 100'000 && !echoed; ++i) {
    const auto f = testing::read_server_frame(client);
    ASSERT_TRUE(f);
    echoed = f->opcode == opcodes::text && f->payload == "hi";
    if (!echoed) {
      ASSERT_EQ(f->opcode, opcodes::ping);
    }
  }
  EXPECT_TRUE(echoed);

  // The close ends the flood: after our close frame comes back, only the FIN.
  client.send(client_frame(opcodes::close, close_payload(1000)));
  bool closed = false;
  for (int i = 0; i < 100'000 && !closed; ++i) {
    const auto f = testing::read_server_frame(client);
    ASSERT_TRUE(f);
    closed = f->opcode == opcodes::close;
  }
  EXPECT_TRUE(closed);
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  EXPECT_GE(testing::count_events(srv, "server.frame_out", "ping"), 50u);
}

TEST(ping_flood, honours_interval_and_payload_size) {
  server_thread srv("ping_flood", {{"interval_ms", "40"}, {"payload_bytes", "0"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(client.read_exactly(2), std::string("\x89\x00", 2));
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);  // 5 intervals of 40 ms, generous
}

}  // namespace
}  // namespace wsrepro::mock
