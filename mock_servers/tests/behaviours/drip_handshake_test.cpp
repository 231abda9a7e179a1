#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "server_events.hpp"
#include "wsrepro/mock/connection.hpp"
#include "wsrepro/mock/frame.hpp"
#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock {
namespace {

using testing::events_named;
using testing::raw_client;
using testing::wait_for;
using namespace std::chrono_literals;

const std::string valid_101 =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

TEST(drip_handshake, sends_a_valid_101_in_chunks_then_echoes) {
  server_thread srv("drip_handshake", {{"chunk_bytes", "10"}, {"interval_ms", "20"}});
  raw_client client(srv.port(), 2s);
  const auto start = std::chrono::steady_clock::now();
  client.send(testing::upgrade_request);
  const auto response = client.read_exactly(valid_101.size());
  ASSERT_TRUE(response);
  EXPECT_EQ(*response, valid_101);
  // 13 chunks, 12 pauses of 20 ms: at least half of that, to stay robust on a loaded machine.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 120ms);

  // The response event follows the last chunk's: wait for it before counting chunks.
  const auto complete = wait_for(srv, "server.response");
  const auto fault = wait_for(srv, "server.fault");
  ASSERT_TRUE(fault && complete);
  const auto chunks = events_named(srv, "server.raw_out");
  ASSERT_EQ(chunks.size(), (valid_101.size() + 9) / 10);
  for (std::size_t i = 0; i + 1 < chunks.size(); ++i) EXPECT_EQ(chunks[i].int_attr("bytes"), 10);
  // The fault is the first chunk, the response event the last.
  EXPECT_GE(fault->t_ns, chunks.front().t_ns);
  EXPECT_LT(fault->t_ns, chunks[1].t_ns);
  EXPECT_EQ(complete->int_attr("status"), 101);
  EXPECT_EQ(complete->int_attr("chunks"), static_cast<std::int64_t>(chunks.size()));

  frame hello;
  hello.masked = true;
  hello.mask_key = {1, 2, 3, 4};
  hello.payload = "hello";
  client.send(encode_frame(hello));
  const auto echoed = client.read_exactly(7);
  ASSERT_TRUE(echoed);
  EXPECT_EQ(*echoed, std::string("\x81\x05hello"));

  frame close;
  close.opcode = opcodes::close;
  close.masked = true;
  close.payload = close_payload(1000);
  client.send(encode_frame(close));
  const auto close_reply = client.read_exactly(4);
  ASSERT_TRUE(close_reply);
  EXPECT_EQ(*close_reply, std::string("\x88\x02\x03\xe8"));
  EXPECT_EQ(client.next_end(), raw_client::end::fin);
}

TEST(drip_handshake, sends_one_byte_at_a_time_by_default) {
  server_thread srv("drip_handshake", {{"interval_ms", "2"}});
  raw_client client(srv.port(), 2s);
  client.send(testing::upgrade_request);
  // The first byte alone, then nothing for a while: the rest is withheld between chunks.
  const auto first = client.read_exactly(1);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "H");
  const auto rest = client.read_exactly(valid_101.size() - 1);
  ASSERT_TRUE(rest);
  EXPECT_EQ(*first + *rest, valid_101);
  ASSERT_TRUE(wait_for(srv, "server.response"));
  const auto chunks = events_named(srv, "server.raw_out");
  EXPECT_EQ(chunks.size(), valid_101.size());
  for (const auto& c : chunks) EXPECT_EQ(c.int_attr("bytes"), 1);
}

TEST(drip_handshake, withholds_the_rest_between_chunks) {
  server_thread srv("drip_handshake", {{"chunk_bytes", "4"}, {"interval_ms", "1000"}});
  raw_client client(srv.port(), 300ms);
  client.send(testing::upgrade_request);
  const auto first = client.read_exactly(4);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "HTTP");
  // The next chunk is a second away: nothing within the 300 ms receive timeout.
  EXPECT_EQ(client.next_end(), raw_client::end::timeout);
}

}  // namespace
}  // namespace wsrepro::mock
