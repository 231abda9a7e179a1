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
using testing::complete;
using testing::events_named;
using testing::raw_client;
using testing::upgrade;
using testing::wait_for;

std::string client_close(std::uint16_t code) {
  frame f;
  f.opcode = opcodes::close;
  f.masked = true;
  f.mask_key = {9, 8, 7, 6};
  f.payload = close_payload(code);
  return encode_frame(f);
}

TEST(immediate_close, writes_101_and_close_1000_then_closes_tcp_after_the_clients_close) {
  server_thread srv("immediate_close");
  raw_client client(srv.port(), 500ms);
  auto after = upgrade(client);
  ASSERT_TRUE(after);
  const auto close = complete(client, *after, 4);
  ASSERT_TRUE(close);
  EXPECT_EQ(*close, std::string("\x88\x02\x03\xe8", 4));
  // Nothing more until the client answers: no data, no FIN.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_FALSE(srv.events().first("server.fin_out"));

  client.send(client_close(1000));
  // The client's close frame is answered by nothing but the FIN.
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  const auto in = wait_for(srv, "server.frame_in");
  ASSERT_TRUE(in);
  EXPECT_EQ(in->string_attr("opcode"), "close");
  EXPECT_EQ(in->int_attr("code"), 1000);

  const auto out = srv.events().first("server.frame_out");
  const auto fault = srv.events().first("server.fault");
  const auto response = srv.events().first("server.response");
  ASSERT_TRUE(out && fault && response);
  EXPECT_EQ(response->int_attr("status"), 101);
  EXPECT_EQ(out->string_attr("opcode"), "close");
  EXPECT_EQ(out->int_attr("code"), 1000);
  EXPECT_LE(out->t_ns, fault->t_ns);
  EXPECT_EQ(events_named(srv, "server.frame_out").size(), 1u);
  client.shutdown_send();
  ASSERT_TRUE(wait_for(srv, "server.fin_in"));
}

TEST(immediate_close, code_zero_sends_an_empty_close_and_a_reason_follows_the_code) {
  {
    server_thread srv("immediate_close", {{"code", "0"}, {"reason", "ignored"}});
    raw_client client(srv.port(), 2s);
    auto after = upgrade(client);
    ASSERT_TRUE(after);
    const auto close = complete(client, *after, 2);
    ASSERT_TRUE(close);
    EXPECT_EQ(*close, std::string("\x88\x00", 2));
    ASSERT_TRUE(wait_for(srv, "server.fault"));
    const auto out = srv.events().first("server.frame_out");
    ASSERT_TRUE(out);
    EXPECT_FALSE(out->int_attr("code"));
  }
  {
    server_thread srv("immediate_close", {{"code", "4000"}, {"reason", "bye"}});
    raw_client client(srv.port(), 2s);
    auto after = upgrade(client);
    ASSERT_TRUE(after);
    const auto close = complete(client, *after, 7);
    ASSERT_TRUE(close);
    EXPECT_EQ(*close, std::string("\x88\x05\x0f\xa0"
                                  "bye",
                                  7));
  }
}

TEST(immediate_close, refuses_out_of_range_codes_and_unknown_endings) {
  EXPECT_THROW(server_thread("immediate_close", {{"code", "5000"}}), std::invalid_argument);
  EXPECT_THROW(server_thread("immediate_close", {{"then", "later"}}), std::invalid_argument);
  EXPECT_THROW(server_thread("immediate_close", {{"code", "-1"}}), std::invalid_argument);
}

TEST(immediate_close, keep_open_never_closes_tcp_and_logs_the_clients_close) {
  server_thread srv("immediate_close", {{"then", "keep_open"}});
  raw_client client(srv.port(), 500ms);
  auto after = upgrade(client);
  ASSERT_TRUE(after);
  ASSERT_TRUE(complete(client, *after, 4));
  client.send(client_close(1000));
  const auto in = wait_for(srv, "server.frame_in");
  ASSERT_TRUE(in);
  EXPECT_EQ(in->int_attr("code"), 1000);
  // Withheld: neither a FIN nor any byte after the client's close frame.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_FALSE(srv.events().first("server.fin_out"));
  client.shutdown_send();
  ASSERT_TRUE(wait_for(srv, "server.fin_in"));
}

TEST(immediate_close, fin_sends_fin_right_after_the_close_frame) {
  server_thread srv("immediate_close", {{"then", "fin"}, {"code", "1001"}});
  raw_client client(srv.port(), 2s);
  auto after = upgrade(client);
  ASSERT_TRUE(after);
  const auto close = complete(client, *after, 4);
  ASSERT_TRUE(close);
  EXPECT_EQ(*close, std::string("\x88\x02\x03\xe9", 4));
  // The FIN comes without waiting for the client's close frame.
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  // Half-closed, the server still reads and logs the client's close frame.
  client.send(client_close(1001));
  const auto in = wait_for(srv, "server.frame_in");
  ASSERT_TRUE(in);
  EXPECT_EQ(in->int_attr("code"), 1001);
  const auto fin = srv.events().first("server.fin_out");
  const auto fault = srv.events().first("server.fault");
  ASSERT_TRUE(fin && fault);
  EXPECT_LE(fault->t_ns, fin->t_ns);
}

}  // namespace
}  // namespace wsrepro::mock
