#include "interventions.hpp"

#include <cstdio>
#include <string>

namespace wsrepro::harness::detail {

bool is_harness_action(const event& e) {
  return (e.name() == "harness.signal" && e.attr("error") == nullptr) ||
         e.name() == "harness.deadline";
}

bool is_client_reaction(std::string_view event_name) {
  if (event_name.starts_with("client.") || event_name.starts_with("driver.")) return true;
  static constexpr std::string_view from_the_client[] = {
      "server.request",   "server.bad_request", "server.frame_in",
      "server.bad_frame", "server.data_in",     "server.fin_in",
      "server.rst_in",    "server.read_error",  "server.tls_error"};
  for (const auto name : from_the_client) {
    if (event_name == name) return true;
  }
  return false;
}

const event* first_intervention(const std::vector<event>& timeline, const event& from,
                                mono_ns until) {
  for (const auto& e : timeline) {
    if (e.t_ns > until) break;
    if (&e == &from || e.t_ns < from.t_ns) continue;
    if (is_harness_action(e)) return &e;
  }
  return nullptr;
}

void cut_short(results::measurement& m, const event& from, const event& action, const event& end) {
  m.status = results::measurement_status::measured;
  m.value = ns_to_ms(action.t_ns - from.t_ns);
  m.lower_bound = true;
  m.span_from_ns = from.t_ns;
  m.span_to_ns = action.t_ns;
  const std::string what = action.name() == "harness.deadline"
                               ? std::string("the deadline came")
                               : "wsrepro sent " + action.string_attr("signal").value_or("?") +
                                     " (" + action.string_attr("why").value_or("plan") + ")";
  char later[64];
  std::snprintf(later, sizeof later, "%.1f ms later", ns_to_ms(end.t_ns - action.t_ns));
  m.to_event = action.name();
  m.note = "cut short: " + what + " before " + end.name() + " (which came " + later +
           "); the client's own value is at least this";
}

}  // namespace wsrepro::harness::detail
