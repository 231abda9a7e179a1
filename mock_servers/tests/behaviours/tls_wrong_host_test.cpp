#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "tls_client.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using testing::tls_client;
using testing::wait_for;
using namespace std::chrono_literals;

TEST(tls_wrong_host, verification_fails_on_the_name_for_an_ip_and_for_localhost) {
  server_thread srv("tls_wrong_host");
  const std::pair<const char*, long> cases[] = {
      {"127.0.0.1", X509_V_ERR_IP_ADDRESS_MISMATCH},
      {"localhost", X509_V_ERR_HOSTNAME_MISMATCH},
  };
  for (const auto& [host, reason] : cases) {
    tls_client client(srv.port(), {.verify = true, .host = host, .timeout = 5s});
    const auto ec = client.handshake();
    ASSERT_TRUE(ec) << host;
    EXPECT_NE(ec, boost::asio::error::timed_out) << host;
    EXPECT_EQ(client.verify_result(), reason)
        << host << ": " << X509_verify_cert_error_string(client.verify_result());
  }
  EXPECT_EQ(testing::events_named(srv, "server.fault").size(), 2u);
  EXPECT_TRUE(wait_for(srv, "server.tls_error"));
}

TEST(tls_wrong_host, the_chain_is_trusted_only_the_name_is_wrong) {
  server_thread srv("tls_wrong_host");
  tls_client client(srv.port(), {.verify = true, .host = "wrong.invalid", .timeout = 5s});
  ASSERT_FALSE(client.handshake());
  EXPECT_FALSE(client.peer_is_self_signed());
  ASSERT_TRUE(client.write(testing::upgrade_request));
  const auto response = client.read_until("\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->rfind("HTTP/1.1 101 ", 0), 0u) << *response;
}

TEST(tls_wrong_host, the_fault_comes_before_the_handshake_fails) {
  server_thread srv("tls_wrong_host");
  tls_client client(srv.port(), {.verify = true, .host = "localhost", .timeout = 5s});
  EXPECT_TRUE(client.handshake());
  const auto fault = wait_for(srv, "server.fault");
  const auto refused = wait_for(srv, "server.tls_error");
  ASSERT_TRUE(fault && refused);
  EXPECT_LE(fault->t_ns, refused->t_ns);
}

}  // namespace
}  // namespace wsrepro::mock
