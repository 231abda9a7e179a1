// ended_by: what ended the client.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  if (in.exit == nullptr) {
    set_missing(m, "the client's exit was not seen");
  } else {
    set_text(m, in.ending);
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_ended_by() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "ended_by",
      .unit = "",
      .from = "client.spawn",
      .to = "client.exit",
      .doc = "exit (on its own), the last signal sent before it exited, or deadline",
      .text = true,
      .text_values = {"exit", "SIGINT", "SIGTERM", "SIGKILL", "SIGHUP", "SIGQUIT", "deadline"},
      .order = 60,
      .probe = probe,
  });
}
