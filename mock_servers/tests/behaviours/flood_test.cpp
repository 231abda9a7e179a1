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
  EXPECT_EQ(begins->int_attr("messages_per_write"), (256 << 10) / 1004);
}

TEST(flood, holds_one_bounded_buffer_for_a_client_that_never_reads) {
  // The scenario's 1 MiB messages, the default 64 KiB, tiny ones and the largest allowed: the
  // flood's buffer, and so each write, stays within batch_bytes (256 KiB by default).
  for (const char* message_bytes : {"1048576", "65536", "10", "16777216"}) {
    SCOPED_TRACE(message_bytes);
    server_thread srv("flood", {{"message_bytes", message_bytes}});
    raw_client client(srv.port(), 2s);
    ASSERT_TRUE(testing::open_websocket(client, srv));
    const auto begins = wait_for(srv, "server.flood_begins");
    ASSERT_TRUE(begins);
    EXPECT_LE(begins->int_attr("buffer_bytes").value_or(INT64_MAX), 256 << 10);
    // A message of the size asked, whole messages per write, each write made of that buffer.
    const auto message = std::stoll(message_bytes);
    const auto per_write = begins->int_attr("messages_per_write").value_or(0);
    ASSERT_GE(per_write, 1);
    EXPECT_GE(begins->int_attr("write_bytes").value_or(0), per_write * message);
    if (per_write > 1) {
      EXPECT_LE(begins->int_attr("write_bytes").value_or(INT64_MAX), 256 << 10);
    }
    // Nobody reads: the writes soon block, and the buffer is all the flood holds.
  }
}

TEST(flood, batch_bytes_sets_the_buffer) {
  server_thread srv("flood", {{"message_bytes", "1000"}, {"batch_bytes", "16384"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  const auto begins = wait_for(srv, "server.flood_begins");
  ASSERT_TRUE(begins);
  EXPECT_EQ(begins->int_attr("messages_per_write"), 16384 / 1004);
  EXPECT_EQ(begins->int_attr("buffer_bytes"), 16384 / 1004 * 1004);
  EXPECT_THROW(server_thread("flood", {{"batch_bytes", "1024"}}), std::invalid_argument);
}

TEST(flood, messages_larger_than_the_buffer_go_out_whole_with_pongs_between_them) {
  server_thread srv("flood", {{"message_bytes", "1048576"}});
  raw_client client(srv.port(), 5s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  const auto first = testing::read_server_frame(client);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->opcode, opcodes::binary);
  EXPECT_TRUE(first->fin);
  EXPECT_EQ(first->payload, std::string(1 << 20, 'x'));
  client.send(client_frame(opcodes::ping, "p"));
  bool ponged = false;
  for (int i = 0; i < 64 && !ponged; ++i) {
    const auto f = testing::read_server_frame(client);
    ASSERT_TRUE(f);  // a pong inside a message would break the frame that follows
    ponged = f->opcode == opcodes::pong;
    if (!ponged) {
      ASSERT_EQ(f->opcode, opcodes::binary);
      ASSERT_EQ(f->payload.size(), 1u << 20);
    }
  }
  EXPECT_TRUE(ponged);
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(testing::read_server_frame(client));
  // At least 9 MiB went out: flood_out events, one per 4 MiB or so, with their byte counts.
  const auto out = wait_for(srv, "server.flood_out");
  ASSERT_TRUE(out);
  const auto write_bytes = srv.events().first("server.flood_begins")->int_attr("write_bytes");
  EXPECT_EQ(write_bytes, (1 << 20) + 10);  // header with a 64-bit length, then the payload
  EXPECT_GE(out->int_attr("bytes").value_or(0), 4 << 20);
  EXPECT_EQ(out->int_attr("bytes"), out->int_attr("writes").value_or(0) * *write_bytes);
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
