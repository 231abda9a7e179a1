// client_pong_latency_ms: how fast the client answers the server's pings.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  // The n-th pong answers the n-th ping.
  std::vector<mono_ns> pings;
  std::vector<double> latencies;
  for (const auto* e : in.connection.events) {
    if (is_frame(*e, "frame_out", "ping")) pings.push_back(e->t_ns);
    if (is_frame(*e, "frame_in", "pong") && latencies.size() < pings.size()) {
      latencies.push_back(ns_to_ms(e->t_ns - pings[latencies.size()]));
    }
  }
  if (pings.empty()) {
    set_not_applicable(m, "the server sent no ping");
  } else if (latencies.empty()) {
    set_missing(m, "the client answered none of " + std::to_string(pings.size()) + " pings");
  } else {
    set_value(m, mean(latencies),
              "mean over " + std::to_string(latencies.size()) + " of " +
                  std::to_string(pings.size()) + " pings answered");
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_client_pong_latency_ms() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "client_pong_latency_ms",
      .unit = "ms",
      .from = "server.frame_out",
      .to = "server.frame_in",
      .doc = "the mean time the client took to answer the server's pings",
      .needs = "server.accept",
      .order = 110,
      .probe = probe,
  });
}
