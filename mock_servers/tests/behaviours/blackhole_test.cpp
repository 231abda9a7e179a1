#include <gtest/gtest.h>

#include <thread>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using testing::raw_client;
using testing::wait_for;
using namespace std::chrono_literals;

TEST(blackhole, marks_the_fault_on_accept_and_never_reads_or_writes) {
  server_thread srv("blackhole");
  raw_client client(srv.port(), 500ms);
  const auto accept = wait_for(srv, "server.accept");
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(accept && fault);
  EXPECT_LE(accept->t_ns, fault->t_ns);
  client.send(testing::upgrade_request);
  // Not a byte, no FIN, no RST.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  // The request was never read: no request event, nothing logged as read.
  EXPECT_FALSE(srv.events().first("server.request"));
  EXPECT_FALSE(srv.events().first("server.data_in"));
  EXPECT_FALSE(srv.events().first("server.response"));
  EXPECT_FALSE(srv.events().first("server.fin_out"));
}

TEST(blackhole, does_not_close_when_the_client_leaves) {
  server_thread srv("blackhole");
  {
    raw_client client(srv.port(), 300ms);
    ASSERT_TRUE(wait_for(srv, "server.fault"));
    client.send(testing::upgrade_request);
    client.shutdown_send();
  }
  std::this_thread::sleep_for(200ms);
  // It never reads, so it sees neither the FIN nor the close, and keeps its socket open.
  EXPECT_FALSE(srv.events().first("server.fin_in"));
  EXPECT_FALSE(srv.events().first("server.close"));
  // Stopping the server still ends it.
  srv.stop();
  EXPECT_TRUE(srv.events().first("server.close"));
}

}  // namespace
}  // namespace wsrepro::mock
