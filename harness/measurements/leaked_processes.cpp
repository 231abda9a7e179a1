// leaked_processes: processes the client left behind.

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

void probe(const probe_input& in, results::measurement& m) {
  if (!in.facts.leak_scan_done) {
    set_missing(m, "the process tree could not be scanned");
    return;
  }
  set_value(m, static_cast<double>(in.facts.leaks.size()));
  if (!in.facts.leaks.empty()) {
    std::string list;
    for (const auto& l : in.facts.leaks) {
      list += (list.empty() ? "" : "; ") + std::to_string(l.pid) + " " + l.command;
    }
    m.note = "left behind (and killed): " + list;
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_leaked_processes() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "leaked_processes",
      .unit = "count",
      .from = "client.exit",
      .to = "harness.kill_tree",
      .doc = "processes the client left behind (always expected to be 0)",
      .order = 70,
      .probe = probe,
  });
}
