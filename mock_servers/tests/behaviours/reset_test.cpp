#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using namespace std::chrono_literals;
using testing::raw_client;
using testing::wait_for;

TEST(reset, sends_rst_right_after_the_101) {
  server_thread srv("reset");
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  // Wait for the RST before reading: the 101 queued ahead of it is still delivered.
  ASSERT_TRUE(wait_for(srv, "server.fault"));
  const auto response = client.read_until("\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  EXPECT_TRUE(response->ends_with("\r\n\r\n"));  // no frame after the 101
  EXPECT_EQ(client.next_end(), raw_client::end::rst);
  const auto rst = srv.events().first("server.rst_out");
  const auto fault = srv.events().first("server.fault");
  ASSERT_TRUE(rst && fault);
  EXPECT_LE(rst->t_ns, fault->t_ns);
  EXPECT_FALSE(srv.events().first("server.fin_out"));
  EXPECT_FALSE(srv.events().first("server.frame_out"));
}

TEST(reset, after_ms_delays_the_rst) {
  server_thread srv("reset", {{"after_ms", "300"}});
  raw_client client(srv.port(), 100ms);
  client.send(testing::upgrade_request);
  ASSERT_TRUE(client.read_until("\r\n\r\n"));
  // Within the delay the connection stays open and silent.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_FALSE(srv.events().first("server.rst_out"));
  ASSERT_TRUE(wait_for(srv, "server.fault"));
  EXPECT_EQ(client.next_end(), raw_client::end::rst);
  const auto response = srv.events().first("server.response");
  const auto fault = srv.events().first("server.fault");
  ASSERT_TRUE(response && fault);
  // Generous tolerance: timing goals live in benchmarks.
  EXPECT_GE(fault->t_ns - response->t_ns, std::chrono::nanoseconds(200ms).count());
}

}  // namespace
}  // namespace wsrepro::mock
