// client_ping_interval_stddev_ms: the spread of the time between the client's pings.

#include <cmath>

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  const auto g = ping_gaps(in.connection);
  if (g.empty()) {
    set_not_applicable(m, "fewer than two client pings");
    return;
  }
  const double average = mean(g);
  double squares = 0;
  for (const double d : g) squares += (d - average) * (d - average);
  set_value(m, std::sqrt(squares / static_cast<double>(g.size())));
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_client_ping_interval_stddev_ms() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "client_ping_interval_stddev_ms",
      .unit = "ms",
      .from = "server.frame_in",
      .to = "server.frame_in",
      .doc = "the spread (population standard deviation) of the time between the client's pings",
      .needs = "server.accept",
      .order = 100,
      .probe = probe,
  });
}
