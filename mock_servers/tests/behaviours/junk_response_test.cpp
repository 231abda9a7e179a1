#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using testing::raw_client;
using testing::wait_for;
using namespace std::chrono_literals;

TEST(junk_response, answers_an_ssh_banner_then_keeps_the_connection_open) {
  server_thread srv("junk_response");
  raw_client client(srv.port(), 300ms);
  client.send(testing::upgrade_request);
  const std::string banner = "SSH-2.0-OpenSSH_9.0\r\n";
  const auto answer = client.read_exactly(banner.size());
  ASSERT_TRUE(answer);
  EXPECT_EQ(*answer, banner);
  // Nothing more, neither FIN nor RST.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  const auto request = srv.events().first("server.request");
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(request && fault);
  EXPECT_LE(request->t_ns, fault->t_ns);
  EXPECT_FALSE(srv.events().first("server.response"));
  client.shutdown_send();
  EXPECT_TRUE(wait_for(srv, "server.fin_in"));
}

TEST(junk_response, unescapes_control_and_hex_bytes) {
  server_thread srv("junk_response", {{"bytes", "\\x00\\xffA\\tB\\r\\n\\\\\\0"}});
  raw_client client(srv.port(), 300ms);
  client.send(testing::upgrade_request);
  const std::string expected(
      "\x00\xff"
      "A\tB\r\n\\\x00",
      9);
  const auto answer = client.read_exactly(expected.size());
  ASSERT_TRUE(answer);
  EXPECT_EQ(*answer, expected);
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
}

}  // namespace
}  // namespace wsrepro::mock
