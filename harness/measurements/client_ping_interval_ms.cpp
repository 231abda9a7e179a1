// client_ping_interval_ms: the mean time between the client's pings.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  const auto g = ping_gaps(in.connection);
  if (g.empty()) {
    set_not_applicable(m, "fewer than two client pings");
  } else {
    set_value(m, mean(g), "mean of " + std::to_string(g.size()) + " intervals");
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_client_ping_interval_ms() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "client_ping_interval_ms",
      .unit = "ms",
      .from = "server.frame_in",
      .to = "server.frame_in",
      .doc = "the mean time between the client's pings",
      .needs = "server.accept",
      .order = 90,
      .probe = probe,
  });
}
