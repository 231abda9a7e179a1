// wss://: any behaviour behind TLS, with a throwaway CA that clients can be told to trust.

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <fstream>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/server.hpp"
#include "wsrepro/mock/tls.hpp"

namespace wsrepro::mock {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

/// Connects with certificate and host-name verification against our CA; returns the error
/// text of the TLS handshake, empty on success, and the first HTTP response line after it.
std::pair<std::string, std::string> tls_upgrade(std::uint16_t port, const std::string& host) {
  net::io_context ioc;
  net::ssl::context context(net::ssl::context::tls_client);
  context.load_verify_file(tls_material().ca_file.string());
  context.set_verify_mode(net::ssl::verify_peer);
  net::ssl::stream<tcp::socket> stream(ioc, context);
  stream.set_verify_callback(net::ssl::host_name_verification(host));
  stream.next_layer().connect({net::ip::make_address("127.0.0.1"), port});
  // A receive timeout bounds every read: the test never hangs on a server that says nothing.
  timeval tv{5, 0};
  ::setsockopt(stream.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  boost::system::error_code ec;
  stream.handshake(net::ssl::stream_base::client, ec);
  if (ec) return {ec.message(), ""};
  net::write(stream, net::buffer(std::string(testing::upgrade_request)), ec);
  net::streambuf response;
  net::read_until(stream, response, "\r\n", ec);
  std::string line;
  std::istream in(&response);
  std::getline(in, line);
  return {"", line};
}

TEST(tls, the_ca_file_is_a_p256_ca_certificate) {
  std::ifstream in(tls_material().ca_file);
  std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(pem.find("BEGIN CERTIFICATE"), std::string::npos);
}

TEST(tls, any_behaviour_can_be_served_over_wss_and_verified_by_ip_and_name) {
  server_options options;
  options.tls = true;
  server_thread srv("echo", {}, options);
  EXPECT_EQ(srv.url().rfind("wss://127.0.0.1:", 0), 0u) << srv.url();
  for (const char* host : {"127.0.0.1", "localhost"}) {
    const auto [error, line] = tls_upgrade(srv.port(), host);
    EXPECT_EQ(error, "") << host;
    EXPECT_EQ(line, "HTTP/1.1 101 Switching Protocols\r") << host;
  }
  EXPECT_TRUE(testing::wait_for(srv, "server.tls_handshake"));
}

TEST(tls, a_plain_client_on_a_tls_server_is_logged_as_a_tls_error) {
  server_options options;
  options.tls = true;
  server_thread srv("echo", {}, options);
  testing::raw_client client(srv.port(), std::chrono::milliseconds(2000));
  client.send(testing::upgrade_request);
  EXPECT_TRUE(testing::wait_for(srv, "server.tls_error"));
}

TEST(tls, a_server_listens_on_ipv6_loopback) {
  server_options options;
  options.address = "::1";
  server_thread srv("echo", {}, options);
  EXPECT_EQ(srv.url().rfind("ws://[::1]:", 0), 0u) << srv.url();
}

}  // namespace
}  // namespace wsrepro::mock
