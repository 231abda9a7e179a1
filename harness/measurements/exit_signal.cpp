// exit_signal: the signal that killed the client.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  if (in.exit == nullptr) {
    set_missing(m, "the client's exit was not seen");
  } else if (in.exit->int_attr("code")) {
    set_not_applicable(m, "the client exited normally");
  } else {
    set_text(m, in.exit->string_attr("signal").value_or("?"));
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_exit_signal() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "exit_signal",
      .unit = "",
      .from = "client.exit",
      .to = "client.exit",
      .doc = "the signal that killed the client; not applicable when it exited",
      .text = true,
      .order = 50,
      .probe = probe,
  });
}
