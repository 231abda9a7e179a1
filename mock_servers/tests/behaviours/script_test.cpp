#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/frame.hpp"

namespace wsrepro::mock {
namespace {

using testing::raw_client;
using namespace std::chrono_literals;

TEST(script, runs_its_steps_in_order_on_the_wire) {
  server_thread srv("script", {{"steps",
                                "upgrade; frame text \"hi\"; frame ping \"p\" fin=0; "
                                "raw \"\\x8a\\x00\"; fault \"scripted\"; expect close; "
                                "frame close 1000 \"bye\"; fin"}});
  raw_client client(srv.port(), 500ms);
  client.send(testing::upgrade_request);
  ASSERT_TRUE(client.read_until("\r\n\r\n"));
  EXPECT_EQ(client.read_exactly(4), std::string("\x81\x02hi", 4));
  EXPECT_EQ(client.read_exactly(3), std::string("\x09\x01p", 3));  // fin=0 on a ping: a fault
  EXPECT_EQ(client.read_exactly(2), std::string("\x8a\x00", 2));
  // Nothing more until the client's close frame: `expect close` waits for it.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  frame close_frame;
  close_frame.opcode = opcodes::close;
  close_frame.masked = true;
  close_frame.payload = close_payload(1000);
  client.send(encode_frame(close_frame));
  EXPECT_EQ(client.read_exactly(7), std::string("\x88\x05\x03\xe8"
                                                "bye",
                                                7));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  const auto fault = testing::wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);
  EXPECT_EQ(fault->string_attr("what"), "scripted");
}

TEST(script, can_lie_about_lengths_and_reset) {
  server_thread srv("script",
                    {{"steps", "upgrade; frame binary \"ab\" length=300 mask; wait 200; rst"}});
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  ASSERT_TRUE(client.read_until("\r\n\r\n"));
  // (The wait before rst: a reset discards what the client has not read yet.)
  // 0x82, mask bit + 126, then 300 in 16 bits, the mask key and the masked "ab".
  const auto bytes = client.read_exactly(10);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->substr(0, 4), std::string("\x82\xfe\x01\x2c", 4));
  EXPECT_EQ(client.next_end(), raw_client::end::rst);
}

TEST(script, bad_steps_are_refused_before_any_connection) {
  EXPECT_THROW(server_thread("script", {{"steps", "upgrade; dance"}}), std::invalid_argument);
  EXPECT_THROW(server_thread("script", {{"steps", "frame nonsense"}}), std::invalid_argument);
  EXPECT_THROW(server_thread("script", {{"steps", "wait soon"}}), std::invalid_argument);
  EXPECT_THROW(server_thread("script", {{"steps", "raw \"open"}}), std::invalid_argument);
}

}  // namespace
}  // namespace wsrepro::mock
