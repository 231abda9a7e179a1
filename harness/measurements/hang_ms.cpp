// hang_ms: how long the client lived after the server misbehaved.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  if (in.fault == nullptr) {
    set_missing(m, "the server never reached its fault (did the client connect?)");
  } else if (in.exit == nullptr) {
    set_missing(m, "the client's exit was not seen");
  } else if (in.exit->t_ns < in.fault->t_ns) {
    set_missing(m, "the client exited before the fault");
  } else {
    set_span(m, in.timeline, *in.fault, *in.exit);
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_hang_ms() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "hang_ms",
      .unit = "ms",
      .from = "server.fault",
      .to = "client.exit",
      .doc = "how long the client lived after the server misbehaved",
      .needs = "server.fault",
      .observable = deadline_bound,
      .order = 10,
      .probe = probe,
  });
}
