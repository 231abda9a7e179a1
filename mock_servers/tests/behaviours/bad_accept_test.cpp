#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/connection.hpp"
#include "wsrepro/mock/frame.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using testing::raw_client;
using testing::wait_for;
using namespace std::chrono_literals;

TEST(bad_accept, sends_a_101_with_a_plausible_but_wrong_key_then_keeps_open) {
  server_thread srv("bad_accept");
  raw_client client(srv.port(), 300ms);
  client.send(testing::upgrade_request);
  const auto response = client.read_until("\r\n\r\n");
  ASSERT_TRUE(response);
  const std::string head =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: ";
  ASSERT_EQ(response->substr(0, head.size()), head);
  const std::string key = response->substr(head.size(), response->size() - head.size() - 4);
  EXPECT_NE(key, websocket_accept_key("dGhlIHNhbXBsZSBub25jZQ=="));
  EXPECT_EQ(key.size(), 28u);  // looks like a real one
  EXPECT_EQ(response->size(), head.size() + 28 + 4);

  // Keeps the connection open and answers nothing, not even a ping.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  frame ping;
  ping.opcode = opcodes::ping;
  ping.masked = true;
  ping.payload = "p";
  client.send(encode_frame(ping));
  const auto logged = wait_for(srv, "server.frame_in");
  ASSERT_TRUE(logged);
  EXPECT_EQ(logged->string_attr("opcode"), "ping");
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);

  const auto response_event = srv.events().first("server.response");
  const auto fault = srv.events().first("server.fault");
  ASSERT_TRUE(response_event && fault);
  EXPECT_EQ(response_event->int_attr("status"), 101);
  EXPECT_LE(response_event->t_ns, fault->t_ns);
  client.shutdown_send();
  EXPECT_TRUE(wait_for(srv, "server.fin_in"));
}

TEST(bad_accept, sends_the_accept_value_it_is_given) {
  server_thread srv("bad_accept", {{"accept", "nope"}});
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  const auto response = client.read_until("\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_NE(response->find("\r\nSec-WebSocket-Accept: nope\r\n\r\n"), std::string::npos);
}

}  // namespace
}  // namespace wsrepro::mock
