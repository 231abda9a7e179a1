// dead_peer_detect_ms: how long the client took to give up on a stalled server.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  const event* fault = in.connection.fault;
  if (fault == nullptr) {
    set_missing(m, "no fault: the server never stalled");
    return;
  }
  const event* sign = nullptr;
  for (const auto* e : in.connection.events) {
    if (e->t_ns < fault->t_ns) continue;
    if (is_frame(*e, "frame_in", "close") || e->kind == "fin_in" || e->kind == "rst_in" ||
        e->name() == "client.exit") {
      sign = e;
      break;
    }
  }
  if (sign == nullptr) {
    set_missing(m, "the client never gave up");
  } else if (const event* action = first_intervention(in.timeline, *fault, sign->t_ns)) {
    // wsrepro's own signal or deadline came first: whatever the client did next is not a
    // detection of the stall.
    cut_short(m, *fault, *action, *sign);
  } else {
    m.to_event = sign->name();
    set_value(m, ns_to_ms(sign->t_ns - fault->t_ns));
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_dead_peer_detect_ms() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "dead_peer_detect_ms",
      .unit = "ms",
      .from = "server.fault",
      .to = "",
      .doc = "from the stall to the client's close frame, FIN, RST or exit: how long it took to "
             "give up",
      .needs = "server.fault",
      .observable = deadline_bound,
      .order = 120,
      .probe = probe,
  });
}
