// closed_by: who began the close.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  const auto& c = in.connection;
  // The client's side closing is its own doing only if wsrepro had not signalled it before.
  const auto client_side = [&](const event& e) {
    for (const auto& other : in.timeline) {
      if (other.t_ns > e.t_ns) break;
      if (is_harness_action(other)) return std::string("harness");
    }
    return std::string("client");
  };
  if (c.client_close != nullptr || c.server_close != nullptr) {
    const bool client_first =
        c.server_close == nullptr ||
        (c.client_close != nullptr && c.client_close->t_ns < c.server_close->t_ns);
    m.to_event = client_first ? "server.frame_in" : "server.frame_out";
    set_text(m, client_first ? client_side(*c.client_close) : "server");
  } else if (c.tcp_end != nullptr) {
    const bool client_first = c.tcp_end->kind == "fin_in" || c.tcp_end->kind == "rst_in";
    m.to_event = c.tcp_end->name();
    set_text(m, client_first ? client_side(*c.tcp_end) : "server");
  } else if (c.exit != nullptr && c.connected) {
    m.to_event = "client.exit";
    set_text(m, client_side(*c.exit));
  } else {
    set_missing(m, "no close was seen");
  }
  if (m.text == "harness") m.note = "the client closed after wsrepro signalled it (or killed it)";
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_closed_by() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "closed_by",
      .unit = "",
      .from = "server.accept",
      .to = "",
      .doc = "client, server or harness: who sent the first close frame (or ended TCP first)",
      .needs = "server.accept",
      .text = true,
      .text_values = {"client", "server", "harness"},
      .order = 140,
      .probe = probe,
  });
}
