// process_ms: the client's whole life.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

results::measurement probe(const probe_input& in) {
  auto m = find_measurement("process_ms")->blank();
  if (in.spawn == nullptr || in.exit == nullptr) {
    set_missing(m, "the client's spawn or exit was not seen");
  } else {
    set_span(m, in.timeline, *in.spawn, *in.exit);
  }
  return m;
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
