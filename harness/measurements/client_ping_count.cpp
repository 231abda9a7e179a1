// client_ping_count: the keepalive pings the client sent.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  if (!in.connection.connected) {
    set_missing(m, "the client never connected");
  } else {
    set_value(m, static_cast<double>(client_pings(in.connection).size()));
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_client_ping_count() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "client_ping_count",
      .unit = "count",
      .from = "server.accept",
      .to = "client.exit",
      .doc = "pings the client sent (keepalive)",
      .needs = "server.accept",
      .order = 80,
      .probe = probe,
  });
}
