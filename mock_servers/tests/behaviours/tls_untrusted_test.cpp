#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "tls_client.hpp"
#include "wsrepro/mock/frame.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using testing::tls_client;
using testing::wait_for;
using namespace std::chrono_literals;

TEST(tls_untrusted, a_verifying_client_refuses_the_self_signed_certificate) {
  server_thread srv("tls_untrusted");
  EXPECT_EQ(srv.url().rfind("wss://", 0), 0u) << srv.url();
  tls_client client(srv.port(), {.verify = true, .host = "127.0.0.1", .timeout = 5s});
  const auto ec = client.handshake();
  ASSERT_TRUE(ec);
  EXPECT_NE(ec, boost::asio::error::timed_out) << "the server sent no certificate at all";
  EXPECT_EQ(client.verify_result(), X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
      << X509_verify_cert_error_string(client.verify_result());
  // The server learns of the refusal from the client's alert.
  const auto refused = wait_for(srv, "server.tls_error");
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->string_attr("error").value_or("").find("alert"), std::string::npos)
      << refused->string_attr("error").value_or("");
  EXPECT_FALSE(srv.events().first("server.tls_handshake"));
  EXPECT_FALSE(srv.events().first("server.request"));
}

TEST(tls_untrusted, the_fault_is_logged_on_accept_before_any_handshake) {
  server_thread srv("tls_untrusted");
  tls_client client(srv.port(), {.verify = true, .host = "localhost", .timeout = 5s});
  // Connected, no ClientHello yet: the fault is already there.
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault);
  EXPECT_TRUE(client.handshake());
  const auto accept = wait_for(srv, "server.accept");
  const auto refused = wait_for(srv, "server.tls_error");
  ASSERT_TRUE(accept && refused);
  EXPECT_LE(accept->t_ns, fault->t_ns);
  EXPECT_LE(fault->t_ns, refused->t_ns);
  EXPECT_EQ(testing::events_named(srv, "server.fault").size(), 1u);
}

TEST(tls_untrusted, a_client_that_accepts_the_certificate_gets_an_echo_server) {
  server_thread srv("tls_untrusted");
  tls_client client(srv.port(), {.verify = false, .host = "localhost", .timeout = 5s});
  ASSERT_FALSE(client.handshake());
  EXPECT_TRUE(client.peer_is_self_signed());
  ASSERT_TRUE(client.write(testing::upgrade_request));
  const auto response = client.read_until("\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->rfind("HTTP/1.1 101 ", 0), 0u) << *response;

  frame hello;
  hello.payload = "hello";
  hello.masked = true;
  hello.mask_key = {1, 2, 3, 4};
  ASSERT_TRUE(client.write(encode_frame(hello)));
  frame echoed;
  echoed.payload = "hello";
  EXPECT_EQ(client.read_exactly(encode_frame(echoed).size()), encode_frame(echoed));
  EXPECT_TRUE(wait_for(srv, "server.tls_handshake"));
}

}  // namespace
}  // namespace wsrepro::mock
