#include "wsrepro/harness/measure.hpp"

#include "connection_probes.hpp"
#include "interventions.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace wsrepro::harness {

using detail::cut_short;
using detail::first_intervention;
using detail::is_client_reaction;

namespace {

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

results::measurement make(std::string name, std::string unit, std::string from, std::string to) {
  results::measurement m;
  m.name = std::move(name);
  m.unit = std::move(unit);
  m.from_event = std::move(from);
  m.to_event = std::move(to);
  return m;
}

void set_value(results::measurement& m, double v) {
  m.status = results::measurement_status::measured;
  m.value = v;
}

void set_text(results::measurement& m, std::string text) {
  m.status = results::measurement_status::measured;
  m.text = std::move(text);
}

void set_missing(results::measurement& m, std::string why) {
  m.status = results::measurement_status::missing;
  m.note = std::move(why);
}

void set_not_applicable(results::measurement& m, std::string why) {
  m.status = results::measurement_status::not_applicable;
  m.note = std::move(why);
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

std::string format(double v) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.3f", v);
  }
  return buf;
}

}  // namespace

std::vector<results::measurement> measure(const std::vector<event>& timeline, const scenario& s,
                                          const run_facts& facts) {
  std::vector<results::measurement> out;
  const event* spawn = first(timeline, "client.spawn");
  const event* exit = first(timeline, "client.exit");
  const event* fault = first(timeline, "server.fault");
  const event* signal = first_plan_signal(timeline);
  const std::string ending = ended_by(timeline, exit);

  auto hang = make("hang_ms", "ms", "server.fault", "client.exit");
  if (fault == nullptr) {
    set_missing(hang, "the server never reached its fault (did the client connect?)");
  } else if (exit == nullptr) {
    set_missing(hang, "the client's exit was not seen");
  } else if (exit->t_ns < fault->t_ns) {
    set_missing(hang, "the client exited before the fault");
  } else if (const event* action = first_intervention(timeline, *fault, exit->t_ns)) {
    cut_short(hang, *fault, *action, *exit);
  } else {
    set_value(hang, ns_to_ms(exit->t_ns - fault->t_ns));
  }
  out.push_back(hang);

  auto interrupt = make("interrupt_latency_ms", "ms", "harness.signal", "client.exit");
  if (s.signals.empty()) {
    set_not_applicable(interrupt, "the scenario sends no signal");
  } else if (signal == nullptr && ending == "exit") {
    set_not_applicable(interrupt, "no signal was sent: the client exited first");
  } else if (signal == nullptr) {
    // Killed at the deadline (or by wsrepro's own stop) before the plan's anchor came: the
    // client was never asked to stop, so nothing says how it would have reacted.
    set_missing(interrupt, "no signal was sent: its anchor event " + s.signals.front().after +
                               " never happened before the client ended (" +
                               (ending.empty() ? std::string("not seen") : ending) + ")");
  } else if (exit == nullptr) {
    set_missing(interrupt, "the client's exit was not seen");
  } else if (const event* action = first_intervention(timeline, *signal, exit->t_ns)) {
    // A later signal (the plan's escalation, the deadline) came first: the client did not
    // react to this one within that time.
    cut_short(interrupt, *signal, *action, *exit);
    interrupt.note = "the client ignored " + signal->string_attr("signal").value_or("") +
                     " until wsrepro intervened again; " + interrupt.note;
  } else {
    set_value(interrupt, ns_to_ms(exit->t_ns - signal->t_ns));
    interrupt.note = "from " + signal->string_attr("signal").value_or("");
  }
  out.push_back(interrupt);

  auto process = make("process_ms", "ms", "client.spawn", "client.exit");
  if (spawn == nullptr || exit == nullptr) {
    set_missing(process, "the client's spawn or exit was not seen");
  } else if (const event* action = first_intervention(timeline, *spawn, exit->t_ns)) {
    cut_short(process, *spawn, *action, *exit);
  } else {
    set_value(process, ns_to_ms(exit->t_ns - spawn->t_ns));
  }
  out.push_back(process);

  auto code = make("exit_code", "code", "client.exit", "client.exit");
  auto sig = make("exit_signal", "", "client.exit", "client.exit");
  if (exit == nullptr) {
    set_missing(code, "the client's exit was not seen");
    set_missing(sig, "the client's exit was not seen");
  } else if (auto c = exit->int_attr("code")) {
    set_value(code, static_cast<double>(*c));
    set_not_applicable(sig, "the client exited normally");
  } else {
    set_not_applicable(code, "the client was killed by a signal");
    set_text(sig, exit->string_attr("signal").value_or("?"));
  }
  out.push_back(code);
  out.push_back(sig);

  auto ended = make("ended_by", "", "client.spawn", "client.exit");
  if (exit == nullptr) {
    set_missing(ended, "the client's exit was not seen");
  } else {
    set_text(ended, ending);
  }
  out.push_back(ended);

  auto leaks = make("leaked_processes", "count", "client.exit", "harness.kill_tree");
  if (facts.leak_scan_done) {
    set_value(leaks, static_cast<double>(facts.leaks.size()));
    if (!facts.leaks.empty()) {
      std::string list;
      for (const auto& l : facts.leaks) {
        list += (list.empty() ? "" : "; ") + std::to_string(l.pid) + " " + l.command;
      }
      leaks.note = "left behind (and killed): " + list;
    }
  } else {
    set_missing(leaks, "the process tree could not be scanned");
  }
  out.push_back(leaks);

  detail::measure_connection(timeline, out);

  for (const auto& w : s.windows) {
    auto m = make(w.name, "ms", w.from, w.to);
    const event* from = first(timeline, w.from);
    const event* to = from != nullptr ? first(timeline, w.to, from->t_ns) : nullptr;
    if (from == nullptr) {
      set_missing(m, "no " + w.from + " event");
    } else if (to == nullptr) {
      set_missing(m, "no " + w.to + " event after " + w.from);
    } else if (const event* action = is_client_reaction(w.to)
                                         ? first_intervention(timeline, *from, to->t_ns)
                                         : nullptr) {
      cut_short(m, *from, *action, *to);
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
  return out;
}

std::vector<results::check> judge(const std::vector<results::measurement>& measurements,
                                  const expectation& expect) {
  std::vector<results::check> checks;
  const auto find = [&](std::string_view name) -> const results::measurement* {
    for (const auto& m : measurements) {
      if (m.name == name) return &m;
    }
    return nullptr;
  };

  if (expect.exit != exit_expectation::any) {
    results::check c;
    c.measurement = "exit_code";
    c.expected = expect.exit == exit_expectation::zero ? "0" : "non-zero";
    const results::measurement* code = find("exit_code");
    const results::measurement* sig = find("exit_signal");
    if (code != nullptr && code->value) {
      const bool zero = *code->value == 0;
      c.actual = format(*code->value);
      c.met = expect.exit == exit_expectation::zero ? zero : !zero;
    } else if (sig != nullptr && sig->text) {
      c.actual = "killed by " + *sig->text;
      c.met = expect.exit == exit_expectation::nonzero;
    } else {
      c.actual = "missing";
    }
    c.message = "exit_code = " + c.actual + ", expected " + c.expected;
    checks.push_back(c);
  }

  for (const auto& [name, allowed] : expect.one_of) {
    results::check c;
    c.measurement = name;
    for (const auto& v : allowed) c.expected += (c.expected.empty() ? "" : " or ") + v;
    const results::measurement* m = find(name);
    // A text expectation names a state that must be reached: not applicable is not met.
    if (m != nullptr && m->text) {
      c.actual = *m->text;
    } else {
      c.actual = m != nullptr ? std::string(to_string(m->status)) : "missing";
    }
    c.met = m != nullptr && m->text &&
            std::find(allowed.begin(), allowed.end(), *m->text) != allowed.end();
    c.message = name + " = " + c.actual + ", expected " + c.expected;
    checks.push_back(c);
  }

  auto limits = expect.limits;
  if (limits.find("leaked_processes") == limits.end()) limits["leaked_processes"].max = 0;
  for (const auto& [name, limit] : limits) {
    results::check c;
    c.measurement = name;
    if (limit.min && limit.max) {
      c.expected = "in [" + format(*limit.min) + ", " + format(*limit.max) + "]";
    } else if (limit.max) {
      c.expected = "<= " + format(*limit.max);
    } else if (limit.min) {
      c.expected = ">= " + format(*limit.min);
    }
    const results::measurement* m = find(name);
    const std::string unit = (m != nullptr && m->unit == "ms") ? " ms" : "";
    if (m == nullptr || m->status == results::measurement_status::missing) {
      c.actual = "missing";
      c.met = false;
      c.message = name + " could not be measured" +
                  (m != nullptr && !m->note.empty() ? ": " + m->note : "") + "; expected " +
                  c.expected + unit;
    } else if (m->status == results::measurement_status::not_applicable) {
      c.actual = "not applicable";
      c.met = true;
      c.message = name + " not applicable (" + m->note + ")";
    } else if (!m->value) {
      c.actual = m->text.value_or("?");
      c.met = false;
      c.message = name + " is not a number";
    } else {
      const double v = *m->value;
      c.actual = (m->lower_bound ? ">= " : "") + format(v);
      const bool over = limit.max && v > *limit.max;
      const bool under = limit.min && v < *limit.min;
      // A lower bound shows a min when it is at or above it; it never shows a max, nor a min it
      // falls short of: the real value is unknown above it.
      c.met = !over && !under && !(m->lower_bound && limit.max);
      c.message = name + " = " + c.actual + unit + ", expected " + c.expected + unit;
      if (!c.met && m->lower_bound && !over) {
        c.message +=
            " (cut short by the harness: the real value is unknown above " + format(v) + unit + ")";
      }
    }
    checks.push_back(c);
  }
  return checks;
}

results::verdict decide(const std::vector<results::check>& checks, std::string& reason) {
  std::string unmet;
  int met = 0;
  for (const auto& c : checks) {
    if (c.met) {
      ++met;
    } else {
      unmet += (unmet.empty() ? "" : "; ") + c.message;
    }
  }
  if (!unmet.empty()) {
    reason = unmet;
    return results::verdict::fail;
  }
  reason = "all " + std::to_string(met) + " expectations met";
  return results::verdict::pass;
}

namespace {
/// Why an event may be missing, in words a user can act on.
std::string missing_event_hint(const std::string& name) {
  if (name == "server.accept") return "the client never connected";
  if (name == "server.request") return "the client never sent its upgrade request";
  if (name == "server.response")
    return "the server never answered: the handshake did not get there";
  if (name == "server.fault") return "the server never reached its fault";
  if (name.starts_with("driver.")) return "the driver never reported " + name.substr(7);
  return "it never happened";
}
}  // namespace

void situation_not_reached(results::run_result& r, const known_bug* bug) {
  std::string missing;
  for (const auto& name : r.situation_missing) {
    missing += (missing.empty() ? "" : "; ") + name + " (" + missing_event_hint(name) + ")";
  }
  std::string ending;
  if (const results::measurement* code = r.find("exit_code"); code != nullptr && code->value) {
    ending = "the client exited with code " + format(*code->value);
  } else if (const results::measurement* sig = r.find("exit_signal"); sig != nullptr && sig->text) {
    ending = "the client was killed by " + *sig->text;
  }
  if (const results::measurement* life = r.find("process_ms");
      !ending.empty() && life != nullptr && life->value && !life->lower_bound) {
    char after[48];
    std::snprintf(after, sizeof after, " after %.1f ms", *life->value);
    ending += after;
  }
  r.outcome = results::verdict::fail;
  r.reason = "the scenario's situation was not reached: no " + missing +
             (ending.empty() ? "" : "; " + ending);
  if (bug != nullptr) {
    results::known_bug_outcome outcome;
    outcome.id = bug->id;
    outcome.summary = bug->summary;
    outcome.reproduced = false;
    r.known_bug = std::move(outcome);
    r.reason = "known bug " + bug->id + " is expected here, but " + r.reason;
  }
}

void judge_known_bug(const known_bug& bug, results::run_result& r) {
  results::known_bug_outcome outcome;
  outcome.id = bug.id;
  outcome.summary = bug.summary;
  const std::string where =
      r.client_version.empty() ? r.client_name : r.client_name + " " + r.client_version;
  if (!bug.signature.empty()) {
    outcome.checks = judge(r.measurements, bug.signature);
    outcome.reproduced = std::all_of(outcome.checks.begin(), outcome.checks.end(),
                                     [](const results::check& c) { return c.met; });
  } else {
    outcome.checks = r.checks;
    outcome.reproduced = r.outcome == results::verdict::fail;
  }
  if (outcome.reproduced) {
    r.outcome = results::verdict::known_bug;
    r.reason = "known bug " + bug.id + " reproduced on " + where + ": " + bug.summary;
  } else {
    std::string unmet;
    for (const auto& c : outcome.checks) {
      if (!c.met) unmet += (unmet.empty() ? "" : "; ") + c.message;
    }
    r.outcome = results::verdict::fail;
    r.reason = "known bug " + bug.id + " is expected on " + where + " but did not reproduce" +
               (unmet.empty() ? " (the expectation was met)" : ": " + unmet);
  }
  r.known_bug = std::move(outcome);
}

}  // namespace wsrepro::harness
