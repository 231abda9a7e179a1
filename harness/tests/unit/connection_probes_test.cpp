#include <gtest/gtest.h>

#include "wsrepro/harness/judge.hpp"
#include "wsrepro/harness/measurements.hpp"

namespace wsrepro::harness {
namespace {

constexpr mono_ns ms = 1'000'000;

event server(mono_ns t, std::string kind, std::string opcode = {}, std::int64_t code = -1) {
  event e;
  e.t_ns = t;
  e.source = "server";
  e.kind = std::move(kind);
  e.connection = 1;
  if (!opcode.empty()) e.with("opcode", std::move(opcode));
  if (code >= 0) e.with("code", code);
  return e;
}

event client_exit(mono_ns t) {
  event e;
  e.t_ns = t;
  e.source = "client";
  e.kind = "exit";
  e.with("code", std::int64_t{1});
  return e;
}

const results::measurement& get(const std::vector<results::measurement>& list,
                                std::string_view name) {
  for (const auto& m : list) {
    if (m.name == name) return m;
  }
  throw std::runtime_error(std::string(name));
}

run_facts facts() {
  run_facts f;
  f.leak_scan_done = true;
  return f;
}

TEST(connection_probes, keepalive_pings_their_spacing_and_dead_peer_detection) {
  // A client pinging every second; the server stalls at 1.5 s; the client sends close 1011 at
  // 3.5 s and its FIN follows.
  const std::vector<event> t{server(0, "accept"),
                             server(1000 * ms, "frame_in", "ping"),
                             server(1500 * ms, "fault"),
                             server(2000 * ms, "frame_in", "ping"),
                             server(3000 * ms, "frame_in", "ping"),
                             server(3500 * ms, "frame_in", "close", 1011),
                             server(5500 * ms, "fin_in"),
                             client_exit(5501 * ms)};
  const auto m = measure(t, scenario{}, facts());
  EXPECT_DOUBLE_EQ(*get(m, "client_ping_count").value, 3);
  EXPECT_DOUBLE_EQ(*get(m, "client_ping_interval_ms").value, 1000);
  EXPECT_DOUBLE_EQ(*get(m, "client_ping_interval_stddev_ms").value, 0);
  EXPECT_DOUBLE_EQ(*get(m, "dead_peer_detect_ms").value, 2000);
  EXPECT_EQ(get(m, "dead_peer_detect_ms").to_event, "server.frame_in");
  EXPECT_DOUBLE_EQ(*get(m, "client_close_code").value, 1011);
  EXPECT_EQ(*get(m, "closed_by").text, "client");
  EXPECT_EQ(*get(m, "clean_close").text, "false");  // the server never answered the close
  EXPECT_EQ(*get(m, "tcp_end").text, "FIN");
  EXPECT_EQ(get(m, "client_pong_latency_ms").status, results::measurement_status::not_applicable);
}

TEST(connection_probes, pong_latency_pairs_server_pings_with_client_pongs) {
  const std::vector<event> t{server(0, "accept"),
                             server(100 * ms, "frame_out", "ping"),
                             server(102 * ms, "frame_in", "pong"),
                             server(200 * ms, "frame_out", "ping"),
                             server(206 * ms, "frame_in", "pong"),
                             server(300 * ms, "frame_out", "ping"),
                             server(400 * ms, "frame_out", "close", 1000),
                             server(401 * ms, "frame_in", "close", 1000),
                             server(402 * ms, "fin_out"),
                             server(403 * ms, "fin_in")};
  const auto m = measure(t, scenario{}, facts());
  EXPECT_DOUBLE_EQ(*get(m, "client_pong_latency_ms").value, 4);
  EXPECT_NE(get(m, "client_pong_latency_ms").note.find("2 of 3"), std::string::npos);
  EXPECT_EQ(*get(m, "closed_by").text, "server");
  EXPECT_EQ(*get(m, "clean_close").text, "true");
}

TEST(connection_probes, a_reset_is_not_a_clean_close) {
  const std::vector<event> t{server(0, "accept"), server(10 * ms, "frame_in", "close", 1000),
                             server(11 * ms, "frame_out", "close", 1000),
                             server(12 * ms, "rst_in")};
  const auto m = measure(t, scenario{}, facts());
  EXPECT_EQ(*get(m, "tcp_end").text, "RST");
  EXPECT_EQ(*get(m, "clean_close").text, "false");
}

TEST(connection_probes, text_expectations_must_be_reached) {
  const std::vector<event> t{server(0, "accept"), server(10 * ms, "rst_out")};
  expectation e;
  e.one_of["tcp_end"] = {"RST"};
  e.one_of["closed_by"] = {"client"};
  const auto checks = judge(measure(t, scenario{}, facts()), e);
  ASSERT_GE(checks.size(), 2u);
  EXPECT_FALSE(checks[0].met);  // closed_by = server
  EXPECT_EQ(checks[0].message, "closed_by = server, expected client");
  EXPECT_TRUE(checks[1].met);
}

}  // namespace
}  // namespace wsrepro::harness
