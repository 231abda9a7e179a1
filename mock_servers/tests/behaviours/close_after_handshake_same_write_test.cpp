#include <gtest/gtest.h>

#include "keepalive_wire.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::client_frame;
using testing::raw_client;
using testing::wait_for;

const std::string close_1000("\x88\x02\x03\xe8", 4);

TEST(close_after_handshake_same_write, writes_the_101_and_the_close_frame_together) {
  server_thread srv("close_after_handshake_same_write");
  raw_client client(srv.port(), 300ms);
  client.send(testing::upgrade_request);
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);
  const auto response = testing::read_http_head(client);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->substr(0, 34), "HTTP/1.1 101 Switching Protocols\r\n");
  EXPECT_EQ(client.read_exactly(4), close_1000);
  // One write carried both.
  const auto raw = srv.events().first("server.raw_out");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->int_attr("bytes"), static_cast<std::int64_t>(response->size() + 4));
  EXPECT_EQ(srv.events().first("server.response")->int_attr("status"), 101);
  EXPECT_EQ(srv.events().first("server.frame_out")->int_attr("code"), 1000);

  // Then it reads until EOF: our close reply does not make it close TCP.
  client.send(client_frame(opcodes::close, close_payload(1000)));
  ASSERT_TRUE(testing::wait_for_nth(srv, "server.frame_in", 1, "close"));
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  client.shutdown_send();
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
}

TEST(close_after_handshake_same_write, delay_sends_the_close_frame_later) {
  server_thread srv("close_after_handshake_same_write", {{"delay_ms", "300"}, {"code", "1001"}});
  raw_client client(srv.port(), 2s);
  const auto response = testing::open_websocket(client, srv);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->substr(0, 34), "HTTP/1.1 101 Switching Protocols\r\n");
  EXPECT_EQ(response->find("\r\n\r\n") + 4, response->size());  // nothing after the 101 yet
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client.read_exactly(4), std::string("\x88\x02\x03\xe9", 4));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
  EXPECT_FALSE(srv.events().first("server.raw_out"));
}

TEST(close_after_handshake_same_write, close_after_reply_sends_fin_after_the_clients_close) {
  server_thread srv("close_after_handshake_same_write", {{"then", "close_after_reply"}});
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  ASSERT_TRUE(testing::read_http_head(client));
  EXPECT_EQ(client.read_exactly(4), close_1000);
  client.send(client_frame(opcodes::close, close_payload(1000)));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
}

}  // namespace
}  // namespace wsrepro::mock
