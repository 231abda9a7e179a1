// clean_close: whether the close handshake was complete.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  const auto& c = in.connection;
  if (!c.connected) {
    set_missing(m, "the client never connected");
  } else {
    // RFC 6455 7.1.4: both close frames exchanged, and TCP closed without a reset.
    const bool clean = c.client_close != nullptr && c.server_close != nullptr && !c.any_rst;
    set_text(m, clean ? "true" : "false");
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_clean_close() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "clean_close",
      .unit = "",
      .from = "server.frame_in",
      .to = "server.close",
      .doc = "true when both close frames were exchanged and TCP ended without RST",
      .needs = "server.accept",
      .text = true,
      .text_values = {"true", "false"},
      .order = 150,
      .probe = probe,
  });
}
