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
using testing::raw_client;
using testing::upgrade;
using testing::wait_for;

std::string client_close(std::uint16_t code) {
  frame f;
  f.opcode = opcodes::close;
  f.masked = true;
  f.payload = close_payload(code);
  return encode_frame(f);
}

TEST(bad_close_code, sends_1005_on_the_wire_then_closes_tcp_after_the_clients_close) {
  server_thread srv("bad_close_code");
  raw_client client(srv.port(), 500ms);
  auto after = upgrade(client);
  ASSERT_TRUE(after);
  const auto close = complete(client, *after, 4);
  ASSERT_TRUE(close);
  EXPECT_EQ(*close, std::string("\x88\x02\x03\xed", 4));
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);
  EXPECT_FALSE(srv.events().first("server.fin_out"));

  client.send(client_close(1002));  // what a correct client answers: protocol error
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  const auto in = srv.events().first("server.frame_in");
  ASSERT_TRUE(in);
  EXPECT_EQ(in->int_attr("code"), 1002);
  const auto out = srv.events().first("server.frame_out");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->int_attr("code"), 1005);
  EXPECT_LE(out->t_ns, fault->t_ns);
}

TEST(bad_close_code, sends_any_code_as_two_bytes_with_its_reason) {
  {
    server_thread srv("bad_close_code", {{"code", "0"}});
    raw_client client(srv.port(), 2s);
    auto after = upgrade(client);
    ASSERT_TRUE(after);
    const auto close = complete(client, *after, 4);
    ASSERT_TRUE(close);
    EXPECT_EQ(*close, std::string("\x88\x02\x00\x00", 4));
  }
  {
    server_thread srv("bad_close_code", {{"code", "65535"}, {"reason", "x"}});
    raw_client client(srv.port(), 2s);
    auto after = upgrade(client);
    ASSERT_TRUE(after);
    const auto close = complete(client, *after, 5);
    ASSERT_TRUE(close);
    EXPECT_EQ(*close, std::string("\x88\x03\xff\xffx", 5));
  }
  EXPECT_THROW(server_thread("bad_close_code", {{"code", "65536"}}), std::invalid_argument);
}

TEST(bad_close_code, keep_open_withholds_the_fin_and_fin_sends_it_at_once) {
  {
    server_thread srv("bad_close_code", {{"then", "keep_open"}, {"code", "1006"}});
    raw_client client(srv.port(), 500ms);
    auto after = upgrade(client);
    ASSERT_TRUE(after);
    const auto close = complete(client, *after, 4);
    ASSERT_TRUE(close);
    EXPECT_EQ(*close, std::string("\x88\x02\x03\xee", 4));
    client.send(client_close(1002));
    ASSERT_TRUE(wait_for(srv, "server.frame_in"));
    EXPECT_EQ(client.next_end(), raw_client::end::timeout);
    EXPECT_FALSE(srv.events().first("server.fin_out"));
    client.shutdown_send();
    ASSERT_TRUE(wait_for(srv, "server.fin_in"));
  }
  {
    server_thread srv("bad_close_code", {{"then", "fin"}});
    raw_client client(srv.port(), 2s);
    auto after = upgrade(client);
    ASSERT_TRUE(after);
    ASSERT_TRUE(complete(client, *after, 4));
    EXPECT_EQ(client.next_end(), raw_client::end::fin);
  }
}

}  // namespace
}  // namespace wsrepro::mock
