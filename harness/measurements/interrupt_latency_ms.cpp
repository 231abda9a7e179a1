// interrupt_latency_ms: from the plan's first signal to the client's exit.

#include <sstream>

#include "probe_support.hpp"

namespace wsrepro::harness {

namespace {

using namespace detail;

/// The deadline, or sooner: the deadline counted from a signal sent at a fixed delay, or the
/// plan's next signal.
std::optional<observable_bound> observable(const scenario& s) {
  if (s.signals.empty()) return std::nullopt;
  const signal_step& first = s.signals.front();
  auto bound = deadline_bound(s);
  if (first.after == "client.spawn") {
    std::ostringstream why;
    why << "deadline_ms = " << s.deadline_ms << " comes " << s.deadline_ms - first.delay_ms
        << " ms after the " << first.signal_text;
    bound = observable_bound{s.deadline_ms - first.delay_ms, why.str()};
  }
  if (s.signals.size() > 1 && s.signals[1].delay_ms < bound->max_ms) {
    std::ostringstream why;
    why << "the next signal (" << s.signals[1].signal_text << ") goes out " << s.signals[1].delay_ms
        << " ms after the " << first.signal_text;
    bound = observable_bound{s.signals[1].delay_ms, why.str()};
  }
  return bound;
}

void probe(const probe_input& in, results::measurement& m) {
  const event* signal = in.plan_signal;
  if (in.s.signals.empty()) {
    set_not_applicable(m, "the scenario sends no signal");
  } else if (signal == nullptr && in.ending == "exit") {
    set_not_applicable(m, "no signal was sent: the client exited first");
  } else if (signal == nullptr) {
    // Killed at the deadline (or by wsrepro's own stop) before the plan's anchor came: the
    // client was never asked to stop, so nothing says how it would have reacted.
    set_missing(m, "no signal was sent: its anchor event " + in.s.signals.front().after +
                       " never happened before the client ended (" +
                       (in.ending.empty() ? std::string("not seen") : in.ending) + ")");
  } else if (in.exit == nullptr) {
    set_missing(m, "the client's exit was not seen");
  } else if (const event* action = first_intervention(in.timeline, *signal, in.exit->t_ns)) {
    // A later signal (the plan's escalation, the deadline) came first: the client did not
    // react to this one within that time.
    cut_short(m, *signal, *action, *in.exit);
    m.note = "the client ignored " + signal->string_attr("signal").value_or("") +
             " until wsrepro intervened again; " + m.note;
  } else {
    set_value(m, ns_to_ms(in.exit->t_ns - signal->t_ns),
              "from " + signal->string_attr("signal").value_or(""));
  }
}

}  // namespace

}  // namespace wsrepro::harness

void wsrepro_register_measurement_interrupt_latency_ms() {
  using namespace wsrepro::harness;
  register_measurement({
      .name = "interrupt_latency_ms",
      .unit = "ms",
      .from = "harness.signal",
      .to = "client.exit",
      .doc = "signal to exit; not applicable when the client exited before any signal went out",
      .observable = observable,
      .order = 20,
      .probe = probe,
  });
}
