// process_ms: the client's whole life.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  if (in.spawn == nullptr || in.exit == nullptr) {
    set_missing(m, "the client's spawn or exit was not seen");
  } else {
    set_span(m, in.timeline, *in.spawn, *in.exit);
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_process_ms() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "process_ms",
      .unit = "ms",
      .from = "client.spawn",
      .to = "client.exit",
      .doc = "the client's whole life",
      .observable = deadline_bound,
      .order = 30,
      .probe = probe,
  });
}
