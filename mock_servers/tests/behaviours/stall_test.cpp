#include <gtest/gtest.h>

#include "keepalive_wire.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::client_frame;
using testing::raw_client;
using testing::wait_for;
using testing::wait_for_nth;

TEST(stall, discards_pings_without_answering) {
  server_thread srv("stall");
  raw_client client(srv.port(), 300ms);  // each read below is a 300 ms window
  const auto response = testing::open_websocket(client, srv);
  ASSERT_TRUE(response);
  EXPECT_NE(response->find("HTTP/1.1 101 Switching Protocols\r\n"), std::string::npos);
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);
  EXPECT_GE(fault->t_ns, srv.events().first("server.response")->t_ns);

  client.send(client_frame(opcodes::ping, "are you there"));
  ASSERT_TRUE(wait_for_nth(srv, "server.frame_in", 1, "ping"));  // read and logged...
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);        // ...and no pong

  client.send(client_frame(opcodes::text, "hello"));
  ASSERT_TRUE(wait_for_nth(srv, "server.frame_in", 1, "text"));
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);  // no echo

  client.send(client_frame(opcodes::close, close_payload(1000)));
  const auto close = wait_for_nth(srv, "server.frame_in", 1, "close");
  ASSERT_TRUE(close);
  EXPECT_EQ(close->int_attr("code"), 1000);
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);  // no close frame back, no FIN

  client.shutdown_send();
  ASSERT_TRUE(wait_for(srv, "server.fin_in"));
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);  // TCP kept open even after our FIN
  EXPECT_EQ(testing::count_events(srv, "server.frame_out"), 0u);
  EXPECT_FALSE(srv.events().first("server.fin_out"));
}

TEST(stall, echoes_after_messages_first_then_stalls) {
  server_thread srv("stall", {{"after_messages", "2"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));

  // Before the stall: pings answered, messages echoed; a fragmented message counts once.
  client.send(client_frame(opcodes::ping, "p"));
  EXPECT_EQ(client.read_exactly(3), std::string("\x8a\x01p"));
  client.send(client_frame(opcodes::text, "one"));
  EXPECT_EQ(client.read_exactly(5), std::string("\x81\x03one"));
  client.send(client_frame(opcodes::text, "tw", false));
  client.send(client_frame(opcodes::continuation, "o"));
  EXPECT_EQ(client.read_exactly(4), std::string("\x01\x02tw"));
  EXPECT_EQ(client.read_exactly(3), std::string("\x80\x01o"));
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);
  EXPECT_GE(fault->t_ns, wait_for_nth(srv, "server.frame_out", 4)->t_ns);  // after the last echo

  // After it: nothing.
  client.send(client_frame(opcodes::text, "three"));
  client.send(client_frame(opcodes::ping, "p"));
  ASSERT_TRUE(wait_for_nth(srv, "server.frame_in", 2, "ping"));
  EXPECT_EQ(testing::count_events(srv, "server.frame_out"), 4u);
}

TEST(stall, stop_reading_reads_nothing_and_the_clients_buffer_fills) {
  server_thread srv("stall", {{"mode", "stop_reading"}});
  raw_client client(srv.port(), 300ms);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  ASSERT_TRUE(wait_for(srv, "server.fault"));

  client.send(client_frame(opcodes::ping, "p"));
  client.send(client_frame(opcodes::close, close_payload(1000)));
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_FALSE(srv.events().first("server.frame_in"));  // not even read
  EXPECT_FALSE(srv.events().first("server.data_in"));

  // Nobody reads: the kernel's buffers fill and a send times out (SO_SNDTIMEO), bounded.
  const std::string big = client_frame(opcodes::binary, std::string(1 << 20, 'x'));
  bool blocked = false;
  for (int i = 0; i < 256 && !blocked; ++i) {
    try {
      client.send(big);
    } catch (const std::runtime_error&) {
      blocked = true;
    }
  }
  EXPECT_TRUE(blocked);
  EXPECT_FALSE(srv.events().first("server.frame_in"));
}

}  // namespace
}  // namespace wsrepro::mock
