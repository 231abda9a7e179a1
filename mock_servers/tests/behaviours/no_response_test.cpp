#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using testing::raw_client;
using testing::wait_for;
using namespace std::chrono_literals;

TEST(no_response, reads_the_request_and_never_answers) {
  server_thread srv("no_response");
  raw_client client(srv.port(), 500ms);
  client.send(testing::upgrade_request);
  const auto request = wait_for(srv, "server.request");
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(request && fault);
  EXPECT_LE(request->t_ns, fault->t_ns);
  // Not a byte, no FIN, no RST.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  EXPECT_FALSE(srv.events().first("server.response"));
  EXPECT_FALSE(srv.events().first("server.fin_out"));
}

TEST(no_response, keeps_reading_and_logging_until_the_client_leaves) {
  server_thread srv("no_response");
  raw_client client(srv.port(), 300ms);
  client.send(testing::upgrade_request);
  ASSERT_TRUE(wait_for(srv, "server.fault"));
  client.send("more bytes");
  const auto data = wait_for(srv, "server.data_in");
  ASSERT_TRUE(data);
  EXPECT_EQ(data->int_attr("bytes"), 10);
  client.shutdown_send();
  EXPECT_TRUE(wait_for(srv, "server.fin_in"));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
}

TEST(no_response, logs_no_fault_when_the_client_sends_no_request) {
  server_thread srv("no_response");
  {
    raw_client client(srv.port(), 300ms);
    client.shutdown_send();
    ASSERT_TRUE(wait_for(srv, "server.fin_in"));
  }
  EXPECT_FALSE(srv.events().first("server.fault"));
}

}  // namespace
}  // namespace wsrepro::mock
