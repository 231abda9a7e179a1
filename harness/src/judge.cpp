#include "wsrepro/harness/judge.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace wsrepro::harness {

namespace {

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

namespace {

using measurement_lookup = std::function<const results::measurement*(std::string_view)>;

/// `exit = "zero"` or `"nonzero"`: a signal death is non-zero.
results::check check_exit(exit_expectation expected, const measurement_lookup& find) {
  results::check c;
  c.measurement = "exit_code";
  c.expected = expected == exit_expectation::zero ? "0" : "non-zero";
  const results::measurement* code = find("exit_code");
  const results::measurement* sig = find("exit_signal");
  if (code != nullptr && code->value) {
    const bool zero = *code->value == 0;
    c.actual = format(*code->value);
    c.met = expected == exit_expectation::zero ? zero : !zero;
  } else if (sig != nullptr && sig->text) {
    c.actual = "killed by " + *sig->text;
    c.met = expected == exit_expectation::nonzero;
  } else {
    c.actual = "missing";
  }
  c.message = "exit_code = " + c.actual + ", expected " + c.expected;
  return c;
}

/// A text measurement must be one of the allowed values.
results::check check_one_of(const std::string& name, const std::vector<std::string>& allowed,
                            const results::measurement* m) {
  results::check c;
  c.measurement = name;
  for (const auto& v : allowed) c.expected += (c.expected.empty() ? "" : " or ") + v;
  // A text expectation names a state that must be reached: not applicable is not met.
  if (m != nullptr && m->text) {
    c.actual = *m->text;
  } else {
    c.actual = m != nullptr ? std::string(to_string(m->status)) : "missing";
  }
  c.met = m != nullptr && m->text &&
          std::find(allowed.begin(), allowed.end(), *m->text) != allowed.end();
  c.message = name + " = " + c.actual + ", expected " + c.expected;
  return c;
}

/// A numeric measurement within its limits. A lower bound shows a min when it is at or above
/// it; it never shows a max, nor a min it falls short of: the real value is unknown above it.
results::check check_limit(const std::string& name, const threshold& limit,
                           const results::measurement* m) {
  results::check c;
  c.measurement = name;
  if (limit.min && limit.max) {
    c.expected = "in [" + format(*limit.min) + ", " + format(*limit.max) + "]";
  } else if (limit.max) {
    c.expected = "<= " + format(*limit.max);
  } else if (limit.min) {
    c.expected = ">= " + format(*limit.min);
  }
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
    c.met = !over && !under && !(m->lower_bound && limit.max);
    c.message = name + " = " + c.actual + unit + ", expected " + c.expected + unit;
    if (!c.met && m->lower_bound && !over) {
      c.message +=
          " (cut short by the harness: the real value is unknown above " + format(v) + unit + ")";
    }
  }
  return c;
}

}  // namespace

std::vector<results::check> judge(const std::vector<results::measurement>& measurements,
                                  const expectation& expect) {
  const measurement_lookup find = [&](std::string_view name) -> const results::measurement* {
    for (const auto& m : measurements) {
      if (m.name == name) return &m;
    }
    return nullptr;
  };
  std::vector<results::check> checks;
  if (expect.exit != exit_expectation::any) checks.push_back(check_exit(expect.exit, find));
  for (const auto& [name, allowed] : expect.one_of) {
    checks.push_back(check_one_of(name, allowed, find(name)));
  }
  // No process may be left behind, whatever the scenario says.
  auto limits = expect.limits;
  if (limits.find("leaked_processes") == limits.end()) limits["leaked_processes"].max = 0;
  for (const auto& [name, limit] : limits) checks.push_back(check_limit(name, limit, find(name)));
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

void judge_unsupported_settings(results::run_result& r) {
  if (r.outcome != results::verdict::fail) return;
  std::string settings;
  for (const auto& e : r.timeline) {
    if (e.name() != "driver.unsupported_setting") continue;
    const std::string variable = e.string_attr("setting").value_or("");
    const auto spec = std::find_if(
        client_setting_specs().begin(), client_setting_specs().end(),
        [&](const client_setting_spec& c) { return client_setting_variable(c.name) == variable; });
    if (spec == client_setting_specs().end()) continue;
    const auto missed_one_of = [&](const std::vector<std::string>& names) {
      return std::any_of(r.checks.begin(), r.checks.end(), [&](const auto& c) {
        return !c.met && std::find(names.begin(), names.end(), c.measurement) != names.end();
      });
    };
    if (!missed_one_of(spec->governs) || missed_one_of(spec->preempted_by)) continue;
    std::string one = variable;
    if (const auto why = e.string_attr("message")) one += " (" + *why + ")";
    if (settings.find(one) == std::string::npos) settings += (settings.empty() ? "" : ", ") + one;
  }
  if (settings.empty()) return;
  r.outcome = results::verdict::unsupported;
  r.reason =
      "not supported: the client has no option for " + settings + "; with its default: " + r.reason;
}

}  // namespace wsrepro::harness
