// client_close_code: the code in the client's close frame.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  const event* close = in.connection.client_close;
  if (close == nullptr) {
    set_missing(m, "the client sent no close frame");
  } else if (auto code = close->int_attr("code")) {
    set_value(m, static_cast<double>(*code));
  } else {
    set_missing(m, "the client's close frame had no code");
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_client_close_code() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "client_close_code",
      .unit = "code",
      .from = "server.frame_in",
      .to = "server.frame_in",
      .doc = "the code in the client's close frame",
      .needs = "server.accept",
      .order = 130,
      .probe = probe,
  });
}
