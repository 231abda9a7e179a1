// exit_after_close_ms: how long the client lived after its own close frame.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

// Seen from outside, so it holds for any client: from the server reading the client's close
// frame to the process's exit. A client whose close waits on a server that never answers shows
// its close timeout here (or the deadline, as a lower bound).
void probe(const probe_input& in, results::measurement& m) {
  const event* close = in.connection.client_close;
  if (close == nullptr) {
    set_missing(m, "the client sent no close frame");
  } else if (in.exit == nullptr) {
    set_missing(m, "the client's exit was not seen");
  } else if (in.exit->t_ns < close->t_ns) {
    set_missing(m, "the client exited before the server read its close frame");
  } else {
    set_span(m, in.timeline, *close, *in.exit);
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_exit_after_close_ms() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "exit_after_close_ms",
      .unit = "ms",
      .from = "server.frame_in",
      .from_first = false,  // the close, not the client's first frame
      .to = "client.exit",
      .doc = "the client's close frame (as the server read it) to its exit",
      .needs = "server.accept",
      .observable = deadline_bound,
      .order = 135,
      .probe = probe,
  });
}
