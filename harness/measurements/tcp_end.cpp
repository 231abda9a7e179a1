// tcp_end: how TCP ended.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  const auto& c = in.connection;
  if (!c.connected) {
    set_missing(m, "the client never connected");
  } else if (c.tcp_end == nullptr) {
    set_missing(m, "the server saw no FIN or RST");
  } else {
    m.to_event = c.tcp_end->name();
    set_text(m, c.any_rst ? "RST" : "FIN");
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_tcp_end() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "tcp_end",
      .unit = "",
      .from = "server.accept",
      .to = "",
      .doc = "FIN or RST: how TCP ended (RST when either side reset it)",
      .needs = "server.accept",
      .text = true,
      .text_values = {"FIN", "RST"},
      .order = 160,
      .probe = probe,
  });
}
