#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using testing::raw_client;
using testing::wait_for;
using namespace std::chrono_literals;

const std::string valid_101 =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

TEST(close_during_handshake, sends_20_bytes_of_the_101_then_fin) {
  server_thread srv("close_during_handshake");
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  const auto partial = client.read_exactly(20);
  ASSERT_TRUE(partial);
  EXPECT_EQ(*partial, valid_101.substr(0, 20));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  const auto sent = srv.events().first("server.raw_out");
  const auto fin = wait_for(srv, "server.fin_out");
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(sent && fin && fault);
  EXPECT_EQ(sent->int_attr("bytes"), 20);
  EXPECT_LE(fin->t_ns, fault->t_ns);
  EXPECT_FALSE(srv.events().first("server.response"));
}

TEST(close_during_handshake, reset_sends_rst_after_the_delay) {
  server_thread srv("close_during_handshake",
                    {{"after_bytes", "5"}, {"then", "reset"}, {"delay_ms", "100"}});
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  const auto partial = client.read_exactly(5);
  ASSERT_TRUE(partial);
  EXPECT_EQ(*partial, "HTTP/");
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(client.next_end(), raw_client::end::rst);
  EXPECT_GE(std::chrono::steady_clock::now() - before, 50ms);
  const auto rst = wait_for(srv, "server.rst_out");
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(rst && fault);
  EXPECT_LE(rst->t_ns, fault->t_ns);
}

TEST(close_during_handshake, zero_bytes_closes_at_once_and_a_large_count_sends_it_all) {
  {
    server_thread srv("close_during_handshake", {{"after_bytes", "0"}});
    raw_client client(srv.port(), 2s);
    client.send(testing::upgrade_request);
    EXPECT_EQ(client.next_end(), raw_client::end::fin);
    EXPECT_FALSE(srv.events().first("server.raw_out"));
  }
  {
    server_thread srv("close_during_handshake", {{"after_bytes", "10000"}});
    raw_client client(srv.port(), 2s);
    client.send(testing::upgrade_request);
    const auto whole = client.read_exactly(valid_101.size());
    ASSERT_TRUE(whole);
    EXPECT_EQ(*whole, valid_101);
    EXPECT_EQ(client.next_end(), raw_client::end::fin);
  }
}

}  // namespace
}  // namespace wsrepro::mock
