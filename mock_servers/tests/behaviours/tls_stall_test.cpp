#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <memory>
#include <thread>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "tls_client.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using testing::raw_client;
using testing::wait_for;
using namespace std::chrono_literals;

/// The bytes a real OpenSSL client sends first: one TLS record holding its ClientHello, made
/// in memory so a raw socket can send it in pieces.
std::string client_hello() {
  const std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()),
                                                                  SSL_CTX_free);
  const std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context.get()), SSL_free);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl.get(), in, out);  // the SSL owns both now
  SSL_set_tlsext_host_name(ssl.get(), "localhost");
  SSL_set_connect_state(ssl.get());
  SSL_do_handshake(ssl.get());  // writes the ClientHello, then wants to read
  char* data = nullptr;
  const long size = BIO_get_mem_data(out, &data);
  return {data, static_cast<std::size_t>(size)};
}

TEST(tls_stall, reads_the_client_hello_and_never_answers) {
  server_thread srv("tls_stall");
  EXPECT_EQ(srv.url().rfind("wss://", 0), 0u) << srv.url();
  const std::string hello = client_hello();
  ASSERT_GT(hello.size(), 5u);
  raw_client client(srv.port(), 1000ms);
  client.send(hello);
  const auto logged = wait_for(srv, "server.client_hello");
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(logged && fault);
  EXPECT_EQ(logged->int_attr("bytes"), static_cast<std::int64_t>(hello.size()));
  EXPECT_LE(logged->t_ns, fault->t_ns);
  // No ServerHello, no alert, no FIN, no RST within the window.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_FALSE(srv.events().first("server.tls_handshake"));
  EXPECT_FALSE(srv.events().first("server.tls_error"));
}

TEST(tls_stall, the_fault_waits_for_the_whole_client_hello) {
  server_thread srv("tls_stall");
  const std::string hello = client_hello();
  raw_client client(srv.port(), 1000ms);
  client.send(hello.substr(0, 3));  // not even a whole record header
  std::this_thread::sleep_for(100ms);
  client.send(hello.substr(3, 20));
  EXPECT_FALSE(wait_for(srv, "server.fault", 200ms));
  client.send(hello.substr(23));
  const auto logged = wait_for(srv, "server.client_hello");
  ASSERT_TRUE(logged);
  EXPECT_EQ(logged->int_attr("bytes"), static_cast<std::int64_t>(hello.size()));
  EXPECT_TRUE(wait_for(srv, "server.fault"));
}

TEST(tls_stall, a_tls_client_times_out_in_its_handshake) {
  server_thread srv("tls_stall");
  testing::tls_client client(srv.port(), {.verify = true, .host = "127.0.0.1", .timeout = 500ms});
  EXPECT_EQ(client.handshake(), boost::asio::error::timed_out);
  EXPECT_TRUE(wait_for(srv, "server.fault"));
}

TEST(tls_stall, keeps_reading_and_logging_until_the_client_leaves) {
  server_thread srv("tls_stall");
  raw_client client(srv.port(), 1000ms);
  client.send(client_hello());
  ASSERT_TRUE(wait_for(srv, "server.fault"));
  client.send("more bytes");
  const auto data = wait_for(srv, "server.data_in");
  ASSERT_TRUE(data);
  EXPECT_EQ(data->int_attr("bytes"), 10);
  client.shutdown_send();
  EXPECT_TRUE(wait_for(srv, "server.fin_in"));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
}

TEST(tls_stall, logs_no_fault_when_the_client_leaves_before_its_hello) {
  server_thread srv("tls_stall");
  {
    raw_client client(srv.port(), 300ms);
    client.send(client_hello().substr(0, 4));
    client.shutdown_send();
    ASSERT_TRUE(wait_for(srv, "server.fin_in"));
  }
  EXPECT_FALSE(srv.events().first("server.fault"));
}

}  // namespace
}  // namespace wsrepro::mock
