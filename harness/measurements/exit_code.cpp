// exit_code: the client's exit status, when it exited on its own.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  if (in.exit == nullptr) {
    set_missing(m, "the client's exit was not seen");
  } else if (auto code = in.exit->int_attr("code")) {
    set_value(m, static_cast<double>(*code));
  } else {
    set_not_applicable(m, "the client was killed by a signal");
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_exit_code() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "exit_code",
      .unit = "code",
      .from = "client.exit",
      .to = "client.exit",
      .doc = "the exit status; not applicable when a signal killed the client",
      .order = 40,
      .probe = probe,
  });
}
