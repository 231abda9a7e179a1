#include <gtest/gtest.h>

#include <thread>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/connection.hpp"
#include "wsrepro/mock/registry.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using testing::raw_client;
using namespace std::chrono_literals;

using testing::wait_for;

TEST(accept_key, matches_rfc_6455_example) {
  EXPECT_EQ(websocket_accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(registry, lists_the_builtin_behaviours) {
  ASSERT_NE(find_behaviour("echo"), nullptr);
  ASSERT_NE(find_behaviour("redirect"), nullptr);
  EXPECT_EQ(find_behaviour("nope"), nullptr);
  for (const auto& b : all_behaviours()) {
    EXPECT_FALSE(b.summary.empty()) << b.name;
    EXPECT_FALSE(b.fault_event.empty()) << b.name;
  }
}

TEST(server_thread, refuses_unknown_behaviours_and_parameters) {
  EXPECT_THROW(server_thread("nope"), std::invalid_argument);
  EXPECT_THROW(server_thread("redirect", {{"colour", "red"}}), std::invalid_argument);
  EXPECT_THROW(server_thread("redirect", {{"status", "200"}}), std::invalid_argument);
  EXPECT_THROW(server_thread("redirect", {{"then", "explode"}}), std::invalid_argument);
}

TEST(redirect, writes_the_302_bytes_then_keeps_the_connection_open) {
  server_thread srv("redirect");
  ASSERT_NE(srv.port(), 0);
  raw_client client(srv.port(), 300ms);
  client.send(testing::upgrade_request);
  auto response = client.read_until("\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(*response,
            "HTTP/1.1 302 Found\r\nLocation: ws://127.0.0.1:1/\r\nContent-Length: 0\r\n\r\n");
  // keep_open: neither FIN nor RST while the client stays.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  ASSERT_TRUE(wait_for(srv, "server.fault"));
  EXPECT_FALSE(srv.events().first("server.fin_out"));
  client.shutdown_send();
  ASSERT_TRUE(wait_for(srv, "server.fin_in"));
  const auto response_event = srv.events().first("server.response");
  const auto fault = srv.events().first("server.fault");
  ASSERT_TRUE(response_event && fault);
  EXPECT_EQ(response_event->int_attr("status"), 302);
  EXPECT_LE(response_event->t_ns, fault->t_ns);
}

TEST(redirect, close_sends_fin_and_reset_sends_rst) {
  {
    server_thread srv("redirect", {{"then", "close"}, {"status", "307"}, {"location", "ws://x/"}});
    raw_client client(srv.port(), 2s);
    client.send(testing::upgrade_request);
    auto response = client.read_until("\r\n\r\n");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->substr(0, 33), "HTTP/1.1 307 Temporary Redirect\r\n");
    EXPECT_NE(response->find("Location: ws://x/\r\n"), std::string::npos);
    EXPECT_EQ(client.next_end(), raw_client::end::fin);
  }
  {
    server_thread srv("redirect", {{"then", "reset"}, {"delay_ms", "50"}});
    raw_client client(srv.port(), 2s);
    client.send(testing::upgrade_request);
    ASSERT_TRUE(client.read_until("\r\n\r\n"));
    const auto before = std::chrono::steady_clock::now();
    EXPECT_EQ(client.next_end(), raw_client::end::rst);
    // The delay is honoured (generous tolerance: timing goals live in benchmarks).
    EXPECT_GE(std::chrono::steady_clock::now() - before, 30ms);
    ASSERT_TRUE(wait_for(srv, "server.rst_out"));
  }
}

TEST(redirect, without_content_length_omits_the_header) {
  server_thread srv("redirect", {{"content_length", "false"}});
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  auto response = client.read_until("\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->find("Content-Length"), std::string::npos);
}

TEST(echo, answers_the_upgrade_echoes_and_completes_the_close_handshake) {
  server_thread srv("echo");
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  auto response = client.read_until("\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_NE(response->find("HTTP/1.1 101 Switching Protocols\r\n"), std::string::npos);
  EXPECT_NE(response->find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
            std::string::npos);

  frame hello;
  hello.masked = true;
  hello.mask_key = {1, 2, 3, 4};
  hello.payload = "hello";
  client.send(encode_frame(hello));
  auto echoed = client.read_exactly(7);
  ASSERT_TRUE(echoed);
  EXPECT_EQ(*echoed, std::string("\x81\x05hello"));

  frame ping;
  ping.opcode = opcodes::ping;
  ping.masked = true;
  ping.payload = "p";
  client.send(encode_frame(ping));
  auto pong = client.read_exactly(3);
  ASSERT_TRUE(pong);
  EXPECT_EQ(*pong, std::string("\x8a\x01p"));

  frame close;
  close.opcode = opcodes::close;
  close.masked = true;
  close.payload = close_payload(1000, "bye");
  client.send(encode_frame(close));
  auto close_reply = client.read_exactly(4);
  ASSERT_TRUE(close_reply);
  EXPECT_EQ(*close_reply, std::string("\x88\x02\x03\xe8"));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);

  // The frame log: each frame's first bytes, and a close frame's code and reason.
  const auto in = testing::events_named(srv, "server.frame_in");
  ASSERT_EQ(in.size(), 3u);
  EXPECT_EQ(in[0].string_attr("head"), "hello");
  EXPECT_EQ(in[1].string_attr("head"), "p");
  EXPECT_EQ(in[2].int_attr("code"), 1000);
  EXPECT_EQ(in[2].string_attr("reason"), "bye");
  EXPECT_FALSE(in[2].attr("head"));
}

}  // namespace
}  // namespace wsrepro::mock
