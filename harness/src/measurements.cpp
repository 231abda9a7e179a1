#include "wsrepro/harness/measurements.hpp"

#include <algorithm>
#include <mutex>
#include <sstream>

#include "probe_support.hpp"

// Generated from harness/measurements/*.cpp: calls each file's registration function.
void wsrepro_register_builtin_measurements();

namespace wsrepro::harness {

using detail::set_missing;
using detail::set_span;
using detail::set_text;
using detail::set_value;

namespace {

std::vector<measurement_spec>& table() {
  static std::vector<measurement_spec> specs;
  return specs;
}

const event* first(const std::vector<event>& timeline, std::string_view name, mono_ns after = 0) {
  for (const auto& e : timeline) {
    if (e.t_ns >= after && e.name() == name) return &e;
  }
  return nullptr;
}

const event* first_plan_signal(const std::vector<event>& timeline) {
  for (const auto& e : timeline) {
    if (e.name() == "harness.signal" && e.string_attr("why") == "plan") return &e;
  }
  return nullptr;
}

/// deadline, or the last signal wsrepro sent before the exit, or exit.
std::string ended_by(const std::vector<event>& timeline, const event* exit) {
  if (exit == nullptr) return "";
  std::string result = "exit";
  for (const auto& e : timeline) {
    if (e.t_ns > exit->t_ns) break;
    if (e.name() == "harness.deadline") return "deadline";
    if (e.name() == "harness.signal" && !e.attr("error")) {
      result = e.string_attr("signal").value_or("exit");
    }
  }
  return result;
}

/// The connection the scenario is about: the fault's, else the first accepted.
std::optional<int> focus_connection(const std::vector<event>& timeline) {
  for (const auto& e : timeline) {
    if (e.name() == "server.fault" && e.connection >= 0) return e.connection;
  }
  for (const auto& e : timeline) {
    if (e.name() == "server.accept") return e.connection;
  }
  return std::nullopt;
}

connection_view view_connection(const std::vector<event>& timeline) {
  connection_view v;
  const auto conn = focus_connection(timeline);
  v.connected = conn.has_value();
  for (const auto& e : timeline) {
    const bool ours = e.source == "server" && conn && e.connection == *conn;
    if (ours || e.name() == "client.exit") v.events.push_back(&e);
  }
  for (const auto* e : v.events) {
    if (v.fault == nullptr && e->kind == "fault") v.fault = e;
    if (v.exit == nullptr && e->name() == "client.exit") v.exit = e;
    if (v.client_close == nullptr && detail::is_frame(*e, "frame_in", "close")) v.client_close = e;
    if (v.server_close == nullptr && detail::is_frame(*e, "frame_out", "close")) v.server_close = e;
    const bool end =
        e->kind == "fin_in" || e->kind == "rst_in" || e->kind == "fin_out" || e->kind == "rst_out";
    if (v.tcp_end == nullptr && end) v.tcp_end = e;
    v.any_rst = v.any_rst || e->kind == "rst_in" || e->kind == "rst_out";
  }
  return v;
}

/// A scenario's own measurements: windows from one event to the next, counts and fields.
void measure_scenario_own(const std::vector<event>& timeline, const scenario& s,
                          std::vector<results::measurement>& out) {
  const auto make = [](std::string name, std::string unit, std::string from, std::string to) {
    return measurement_spec{.name = std::move(name),
                            .unit = std::move(unit),
                            .from = std::move(from),
                            .to = std::move(to)}
        .blank();
  };
  for (const auto& w : s.windows) {
    auto m = make(w.name, "ms", w.from, w.to);
    const event* from = first(timeline, w.from);
    const event* to = from != nullptr ? first(timeline, w.to, from->t_ns) : nullptr;
    if (from == nullptr) {
      set_missing(m, "no " + w.from + " event");
    } else if (to == nullptr) {
      set_missing(m, "no " + w.to + " event after " + w.from);
    } else if (detail::is_client_reaction(w.to)) {
      set_span(m, timeline, *from, *to);
    } else {
      set_value(m, ns_to_ms(to->t_ns - from->t_ns));
    }
    out.push_back(m);
  }
  for (const auto& c : s.counts) {
    auto m = make(c.name, "count", c.event, "");
    double n = 0;
    for (const auto& e : timeline) n += e.name() == c.event ? 1 : 0;
    set_value(m, n);
    out.push_back(m);
  }
  for (const auto& f : s.fields) {
    auto m = make(f.name, "", f.event, "");
    int seen = 0;
    for (const auto& e : timeline) {
      if (e.name() != f.event || ++seen != f.nth) continue;
      if (const attr_value* value = e.attr(f.attr)) {
        set_text(m, wsrepro::to_string(*value));
      } else {
        set_missing(m, f.event + " #" + std::to_string(f.nth) + " has no attribute " + f.attr);
      }
      break;
    }
    if (seen < f.nth) {
      set_missing(m, seen == 0 ? "no " + f.event + " event"
                               : "only " + std::to_string(seen) + " " + f.event + " events");
    }
    out.push_back(m);
  }
}

}  // namespace

results::measurement measurement_spec::blank() const {
  results::measurement m;
  m.name = name;
  m.unit = unit;
  m.from_event = from;
  m.to_event = to;
  return m;
}

void register_measurement(measurement_spec spec) { table().push_back(std::move(spec)); }

const std::vector<measurement_spec>& measurement_specs() {
  static std::once_flag once;
  std::call_once(once, [] {
    wsrepro_register_builtin_measurements();
    std::stable_sort(table().begin(), table().end(),
                     [](const auto& a, const auto& b) { return a.order < b.order; });
  });
  return table();
}

const measurement_spec* find_measurement(std::string_view name) {
  for (const auto& m : measurement_specs()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::optional<observable_bound> deadline_bound(const scenario& s) {
  std::ostringstream why;
  why << "deadline_ms = " << s.deadline_ms << " ends the client first";
  return observable_bound{s.deadline_ms, why.str()};
}

std::vector<results::measurement> measure(const std::vector<event>& timeline, const scenario& s,
                                          const run_facts& facts) {
  probe_input in{timeline, s, facts, {}, {}, {}, {}, {}, {}};
  in.spawn = first(timeline, "client.spawn");
  in.exit = first(timeline, "client.exit");
  in.fault = first(timeline, "server.fault");
  in.plan_signal = first_plan_signal(timeline);
  in.ending = ended_by(timeline, in.exit);
  in.connection = view_connection(timeline);
  std::vector<results::measurement> out;
  for (const auto& spec : measurement_specs()) {
    auto m = spec.blank();
    spec.probe(in, m);
    out.push_back(std::move(m));
  }
  measure_scenario_own(timeline, s, out);
  return out;
}

}  // namespace wsrepro::harness
