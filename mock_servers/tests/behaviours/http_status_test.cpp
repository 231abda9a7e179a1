#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using testing::raw_client;
using testing::wait_for;
using namespace std::chrono_literals;

TEST(http_status, answers_503_with_content_length_then_keeps_the_connection_open) {
  server_thread srv("http_status");
  raw_client client(srv.port(), 300ms);
  client.send(testing::upgrade_request);
  const std::string expected =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 17\r\n\r\nwsrepro: refused\n";
  const auto response = client.read_exactly(expected.size());
  ASSERT_TRUE(response);
  EXPECT_EQ(*response, expected);
  // keep_open: nothing more, neither FIN nor RST, while the client stays.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_FALSE(srv.events().first("server.fin_out"));
  const auto response_event = wait_for(srv, "server.response");
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(response_event && fault);
  EXPECT_EQ(response_event->int_attr("status"), 503);
  EXPECT_LE(response_event->t_ns, fault->t_ns);
  // It keeps reading: the client's FIN is seen.
  client.shutdown_send();
  EXPECT_TRUE(wait_for(srv, "server.fin_in"));
}

// hold (seed bug 1's server A): the client's FIN changes nothing, the socket stays open, and a
// client that waits for the server to close first waits its whole timeout. The same step ends
// redirect's answer.
TEST(http_status, hold_keeps_the_connection_open_even_after_the_clients_fin) {
  server_thread srv("http_status", {{"then", "hold"}});
  raw_client client(srv.port(), 300ms);
  client.send(testing::upgrade_request);
  ASSERT_TRUE(client.read_until("refused\n"));
  client.shutdown_send();
  EXPECT_TRUE(wait_for(srv, "server.fin_in"));
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_FALSE(srv.events().first("server.fin_out"));
  EXPECT_FALSE(srv.events().first("server.close"));
}

TEST(http_status, writes_extra_headers_and_a_body_without_content_length_then_closes) {
  // The header lines are separated by the two characters \n, as typed on a command line.
  server_thread srv("http_status", {{"status", "401"},
                                    {"header", "WWW-Authenticate: Basic\\nRetry-After: 1"},
                                    {"body", "no\\r\\nway"},
                                    {"content_length", "false"},
                                    {"then", "close"}});
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  const std::string expected =
      "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic\r\nRetry-After: 1\r\n\r\nno\r\nway";
  const auto response = client.read_exactly(expected.size());
  ASSERT_TRUE(response);
  EXPECT_EQ(*response, expected);
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
}

TEST(http_status, accepts_real_line_breaks_a_custom_reason_and_any_status) {
  server_thread srv("http_status", {{"status", "599"},
                                    {"reason", "Go Away"},
                                    {"header", "A: 1\r\n\nB: 2\n"},
                                    {"body", ""},
                                    {"then", "close"}});
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  const auto response = client.read_until("\r\n\r\n");
  ASSERT_TRUE(response);
  // Empty lines are dropped: they would end the header early.
  EXPECT_EQ(*response, "HTTP/1.1 599 Go Away\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
}

TEST(http_status, reset_sends_rst_after_the_delay) {
  server_thread srv("http_status", {{"status", "200"}, {"then", "reset"}, {"delay_ms", "100"}});
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  const auto response = client.read_until("refused\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->substr(0, 17), "HTTP/1.1 200 OK\r\n");
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(client.next_end(), raw_client::end::rst);
  // Generous tolerance: timing goals live in benchmarks.
  EXPECT_GE(std::chrono::steady_clock::now() - before, 50ms);
  EXPECT_TRUE(wait_for(srv, "server.rst_out"));
}

TEST(http_status, refuses_statuses_outside_100_to_599) {
  EXPECT_THROW(server_thread("http_status", {{"status", "99"}}), std::invalid_argument);
  EXPECT_THROW(server_thread("http_status", {{"status", "600"}}), std::invalid_argument);
  EXPECT_THROW(server_thread("http_status", {{"then", "fin"}}), std::invalid_argument);
}

}  // namespace
}  // namespace wsrepro::mock
