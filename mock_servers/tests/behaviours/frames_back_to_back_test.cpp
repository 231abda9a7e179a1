#include <gtest/gtest.h>

#include "keepalive_wire.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::client_frame;
using testing::raw_client;
using testing::wait_for;
using testing::wait_for_nth;

const std::string three_frames =
    std::string("\x81\x05hello") + "\x89\x04ping" + std::string("\x88\x02\x03\xe8", 4);

TEST(frames_back_to_back, writes_data_ping_and_close_in_one_write) {
  server_thread srv("frames_back_to_back");
  raw_client client(srv.port(), 300ms);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);
  EXPECT_EQ(client.read_exactly(three_frames.size()), three_frames);
  // One write, logged as such, and its frames logged as frames.
  const auto raw = srv.events().first("server.raw_out");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->int_attr("bytes"), static_cast<std::int64_t>(three_frames.size()));
  EXPECT_EQ(wait_for_nth(srv, "server.frame_out", 1)->string_attr("opcode"), "text");
  EXPECT_EQ(wait_for_nth(srv, "server.frame_out", 2)->string_attr("opcode"), "ping");
  const auto close = wait_for_nth(srv, "server.frame_out", 3);
  ASSERT_TRUE(close);
  EXPECT_EQ(close->string_attr("opcode"), "close");
  EXPECT_EQ(close->int_attr("code"), 1000);

  // The server waits for the client's close frame before closing TCP first.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  client.send(client_frame(opcodes::pong, "ping"));
  client.send(client_frame(opcodes::close, close_payload(1000)));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  EXPECT_TRUE(wait_for_nth(srv, "server.frame_in", 1, "pong"));
}

TEST(frames_back_to_back, after_client_close_answers_the_close_with_the_three_frames) {
  server_thread srv("frames_back_to_back", {{"when", "after_client_close"},
                                            {"message", "late"},
                                            {"ping_payload", ""},
                                            {"close_code", "1001"}});
  raw_client client(srv.port(), 2s);
  ASSERT_TRUE(testing::open_websocket(client, srv));
  client.send(client_frame(opcodes::text, "a"));
  EXPECT_EQ(client.read_exactly(3), std::string("\x81\x01"
                                                "a"));
  EXPECT_FALSE(srv.events().first("server.fault"));
  client.send(client_frame(opcodes::close, close_payload(1000)));
  const std::string expected =
      std::string("\x81\x04late") + std::string("\x89\x00", 2) + std::string("\x88\x02\x03\xe9", 4);
  EXPECT_EQ(client.read_exactly(expected.size()), expected);
  EXPECT_EQ(client.next_end(), raw_client::end::fin);  // the client had closed already
  ASSERT_TRUE(wait_for(srv, "server.fault"));
}

}  // namespace
}  // namespace wsrepro::mock
