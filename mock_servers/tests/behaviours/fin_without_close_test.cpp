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
using testing::raw_client;
using testing::upgrade;
using testing::wait_for;

TEST(fin_without_close, sends_fin_with_no_close_frame_then_keeps_reading) {
  server_thread srv("fin_without_close");
  raw_client client(srv.port(), 2s);
  auto after = upgrade(client);
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->empty());
  // The very next thing is the FIN: not a single byte of a close frame before it.
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  const auto fault = wait_for(srv, "server.fault");
  const auto fin = srv.events().first("server.fin_out");
  ASSERT_TRUE(fault && fin);
  EXPECT_LE(fin->t_ns, fault->t_ns);
  EXPECT_FALSE(srv.events().first("server.frame_out"));

  // Half-closed: the server still reads and logs what the client sends.
  frame close;
  close.opcode = opcodes::close;
  close.masked = true;
  close.payload = close_payload(1001);
  client.send(encode_frame(close));
  const auto in = wait_for(srv, "server.frame_in");
  ASSERT_TRUE(in);
  EXPECT_EQ(in->int_attr("code"), 1001);
  EXPECT_FALSE(srv.events().first("server.close"));
  client.shutdown_send();
  ASSERT_TRUE(wait_for(srv, "server.fin_in"));
}

TEST(fin_without_close, delay_ms_delays_the_fin) {
  server_thread srv("fin_without_close", {{"delay_ms", "300"}});
  raw_client client(srv.port(), 100ms);
  ASSERT_TRUE(upgrade(client));
  // Within the delay: nothing at all, the connection just stays open.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_FALSE(srv.events().first("server.fault"));
  ASSERT_TRUE(wait_for(srv, "server.fault"));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  const auto response = srv.events().first("server.response");
  const auto fault = srv.events().first("server.fault");
  ASSERT_TRUE(response && fault);
  // Generous tolerance: timing goals live in benchmarks.
  EXPECT_GE(fault->t_ns - response->t_ns, std::chrono::nanoseconds(200ms).count());
}

}  // namespace
}  // namespace wsrepro::mock
