#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/frame.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::events_named;
using testing::raw_client;
using testing::wait_for;

std::string client_frame(std::uint8_t opcode, std::string payload) {
  frame f;
  f.opcode = opcode;
  f.masked = true;
  f.mask_key = {1, 2, 3, 4};
  f.payload = std::move(payload);
  return encode_frame(f);
}

TEST(ignore_client_close, echoes_and_answers_pings_before_the_close) {
  server_thread srv("ignore_client_close");
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  const auto response = client.read_until("\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  client.send(client_frame(opcodes::text, "hello"));
  auto echoed = client.read_exactly(7);
  ASSERT_TRUE(echoed);
  EXPECT_EQ(*echoed, std::string("\x81\x05hello"));
  client.send(client_frame(opcodes::ping, "p"));
  auto pong = client.read_exactly(3);
  ASSERT_TRUE(pong);
  EXPECT_EQ(*pong, std::string("\x8a\x01p"));
  EXPECT_FALSE(srv.events().first("server.fault"));
}

TEST(ignore_client_close, never_answers_the_clients_close_and_keeps_tcp_open) {
  server_thread srv("ignore_client_close");
  raw_client client(srv.port(), 500ms);
  client.send(testing::upgrade_request);
  ASSERT_TRUE(client.read_until("\r\n\r\n"));
  client.send(client_frame(opcodes::close, close_payload(1000)));
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);
  const auto in = srv.events().first("server.frame_in");
  ASSERT_TRUE(in);
  EXPECT_EQ(in->int_attr("code"), 1000);
  EXPECT_LE(in->t_ns, fault->t_ns);
  // Withheld: no close frame back, no FIN, for as long as we wait.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);

  // It still echoes, and a second close frame is ignored too, without a second fault.
  client.send(client_frame(opcodes::text, "still"));
  auto echoed = client.read_exactly(7);
  ASSERT_TRUE(echoed);
  EXPECT_EQ(*echoed, std::string("\x81\x05still"));
  client.send(client_frame(opcodes::close, close_payload(1001)));
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_EQ(events_named(srv, "server.fault").size(), 1u);
  EXPECT_FALSE(srv.events().first("server.fin_out"));
  for (const auto& out : events_named(srv, "server.frame_out")) {
    EXPECT_NE(out.string_attr("opcode"), "close");
  }

  client.shutdown_send();
  ASSERT_TRUE(wait_for(srv, "server.fin_in"));
}

}  // namespace
}  // namespace wsrepro::mock
