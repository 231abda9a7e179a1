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
using testing::events_named;
using testing::raw_client;
using testing::upgrade;
using testing::wait_for;

std::string client_close() {
  frame f;
  f.opcode = opcodes::close;
  f.masked = true;
  f.payload = close_payload(1000);
  return encode_frame(f);
}

std::string data_frame(int i) {
  const std::string payload = "data after close " + std::to_string(i);
  return std::string("\x81") + static_cast<char>(payload.size()) + payload;
}

TEST(close_then_data, sends_data_frames_after_its_close_frame) {
  server_thread srv("close_then_data");
  raw_client client(srv.port(), 500ms);
  auto after = upgrade(client);
  ASSERT_TRUE(after);
  const std::string expected =
      std::string("\x88\x02\x03\xe8", 4) + data_frame(1) + data_frame(2) + data_frame(3);
  auto rest = client.read_exactly(expected.size() - after->size());
  ASSERT_TRUE(rest);
  EXPECT_EQ(*after + *rest, expected);
  // Then nothing more, not even a FIN, until the client's close frame.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
  client.send(client_close());
  EXPECT_EQ(client.next_end(), raw_client::end::fin);

  const auto outs = events_named(srv, "server.frame_out");
  ASSERT_EQ(outs.size(), 4u);
  EXPECT_EQ(outs[0].string_attr("opcode"), "close");
  const auto faults = events_named(srv, "server.fault");
  ASSERT_EQ(faults.size(), 1u);
  // The fault is the first data frame, not the close frame.
  EXPECT_GE(faults[0].t_ns, outs[1].t_ns);
  EXPECT_LE(faults[0].t_ns, outs[2].t_ns);
  // The close frame and the first data frame share one write: no client exits between them.
  const auto raws = events_named(srv, "server.raw_out");
  ASSERT_FALSE(raws.empty());
  EXPECT_EQ(raws[0].int_attr("bytes"), static_cast<std::int64_t>(4 + data_frame(1).size()));
}

TEST(close_then_data, keeps_sending_after_the_clients_close_and_spaces_the_frames) {
  server_thread srv("close_then_data", {{"frames", "3"}, {"interval_ms", "100"}});
  raw_client client(srv.port(), 2s);
  auto after = upgrade(client);
  ASSERT_TRUE(after);
  // The client answers at once, before the data frames: the server sends them all the same.
  client.send(client_close());
  const std::string expected =
      std::string("\x88\x02\x03\xe8", 4) + data_frame(1) + data_frame(2) + data_frame(3);
  auto rest = client.read_exactly(expected.size() - after->size());
  ASSERT_TRUE(rest);
  EXPECT_EQ(*after + *rest, expected);
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
  // The event follows the shutdown() call: the client may see the FIN first.
  const auto fin = wait_for(srv, "server.fin_out");
  const auto outs = events_named(srv, "server.frame_out");
  ASSERT_EQ(outs.size(), 4u);
  // Generous tolerance: timing goals live in benchmarks.
  EXPECT_GE(outs[3].t_ns - outs[1].t_ns, std::chrono::nanoseconds(150ms).count());
  // The client's close frame is logged when it arrives, while the frames are still going out;
  // the FIN waits for the last one.
  const auto in = srv.events().first("server.frame_in");
  ASSERT_TRUE(in && fin);
  EXPECT_EQ(in->string_attr("opcode"), "close");
  EXPECT_LT(in->t_ns, outs[2].t_ns);
  EXPECT_GT(fin->t_ns, outs[3].t_ns);
}

}  // namespace
}  // namespace wsrepro::mock
