#include "wsrepro/harness/scenario.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "wsrepro/common/version.hpp"
#include "wsrepro/harness/measurements.hpp"

namespace wsrepro::harness {

bool glob_match(std::string_view pattern, std::string_view text) {
  return ::fnmatch(std::string(pattern).c_str(), std::string(text).c_str(), 0) == 0;
}

bool scenario::applies(const std::string& client_name) const {
  for (const auto& pattern : applies_to) {
    if (glob_match(pattern, client_name)) return true;
  }
  return false;
}

bool known_bug::applies(const std::string& client_name, const std::string& version) const {
  const bool client_matches = std::any_of(clients.begin(), clients.end(), [&](const auto& glob) {
    return glob_match(glob, client_name);
  });
  if (!client_matches) return false;
  return std::any_of(versions.begin(), versions.end(), [&](const std::string& selector) {
    return selector == "*" || (!version.empty() && version_matches(selector, version));
  });
}

const known_bug* scenario::bug_for(const std::string& client_name,
                                   const std::string& version) const {
  for (const auto& bug : known_bugs) {
    if (bug.applies(client_name, version)) return &bug;
  }
  return nullptr;
}

const std::vector<client_setting_spec>& client_setting_specs() {
  static const std::vector<client_setting_spec> specs{
      {"open_timeout_ms",
       true,
       "how long the opening handshake may take",
       {"hang_ms", "ended_by", "dead_peer_detect_ms"},
       {}},
      {"close_timeout_ms",
       true,
       "how long the client waits for the close handshake to finish",
       {"hang_ms", "interrupt_latency_ms", "ended_by", "exit_after_close_ms"},
       {"dead_peer_detect_ms", "client_ping_count"}},
      {"ping_interval_ms",
       true,
       "how often the client sends a keepalive ping",
       {"hang_ms", "ended_by", "dead_peer_detect_ms", "client_ping_count",
        "client_ping_interval_ms", "client_ping_interval_stddev_ms"},
       {}},
      {"ping_timeout_ms",
       true,
       "how long the client waits for a pong before giving up",
       // Too short a wait drops a healthy connection: it then never lives to ping on or close.
       {"hang_ms", "ended_by", "dead_peer_detect_ms", "client_ping_count", "closed_by",
        "client_close_code", "clean_close", "exit_after_close_ms"},
       {}},
      {"send", false, "a message the client sends once the connection is open", {}, {}},
      {"close_after_ms",
       true,
       "the client starts a normal close (1000) this long after the connection opens, "
       "reading on meanwhile",
       {"closed_by", "client_close_code", "clean_close", "exit_after_close_ms", "hang_ms",
        "ended_by"},
       {}},
  };
  return specs;
}

std::string client_setting_variable(std::string_view name) {
  std::string variable = "WSREPRO_";
  for (const char c : name)
    variable += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return variable;
}

namespace {

/// The event a measurement starts from, when its value means nothing unless that event
/// happened; empty when none is needed beyond the client's start.
std::string precondition_of(const scenario& s, const std::string& measurement) {
  if (const auto* spec = find_measurement(measurement)) return spec->needs;
  for (const auto& w : s.windows) {
    if (w.name == measurement) return w.from;
  }
  return {};
}

void add_unique(std::vector<std::string>& list, const std::string& name) {
  if (!name.empty() && name != "client.spawn" &&
      std::find(list.begin(), list.end(), name) == list.end()) {
    list.push_back(name);
  }
}

void add_preconditions(const scenario& s, const expectation& e, std::vector<std::string>& out) {
  for (const auto& [name, limit] : e.limits) add_unique(out, precondition_of(s, name));
  for (const auto& [name, values] : e.one_of) add_unique(out, precondition_of(s, name));
}

}  // namespace

std::optional<observable_bound> observable_limit(const scenario& s,
                                                 const std::string& measurement) {
  if (const auto* spec = find_measurement(measurement)) {
    return spec->observable != nullptr ? spec->observable(s) : std::nullopt;
  }
  for (const auto& w : s.windows) {
    if (w.name == measurement && (w.to.starts_with("client.") || w.to.starts_with("driver."))) {
      return deadline_bound(s);
    }
  }
  return std::nullopt;
}

std::vector<std::string> derive_situation(const scenario& s) {
  std::vector<std::string> out;
  for (const auto& name : s.requires_events) add_unique(out, name);
  // The signal plan is part of the situation: "SIGINT while the server withholds its answer"
  // has not happened if the server never got there.
  if (!s.signals.empty()) add_unique(out, s.signals.front().after);
  add_preconditions(s, s.expect, out);
  for (const auto& bug : s.known_bugs) add_preconditions(s, bug.signature, out);
  return out;
}

const std::vector<std::string>& builtin_measurement_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& spec : measurement_specs()) out.push_back(spec.name);
    return out;
  }();
  return names;
}

const std::map<std::string, std::vector<std::string>>& text_measurement_values() {
  static const std::map<std::string, std::vector<std::string>> values = [] {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& spec : measurement_specs()) {
      if (spec.text) out[spec.name] = spec.text_values;
    }
    return out;
  }();
  return values;
}

namespace {
std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}
}  // namespace

std::string expectation::describe() const {
  std::vector<std::string> parts;
  if (exit == exit_expectation::zero) parts.emplace_back("exit code 0");
  if (exit == exit_expectation::nonzero) parts.emplace_back("non-zero exit");
  for (const auto& [name, values] : one_of) {
    std::string s = name + " ";
    for (std::size_t i = 0; i < values.size(); ++i) s += (i ? " or " : "") + values[i];
    parts.push_back(s);
  }
  for (const auto& [name, limit] : limits) {
    if (limit.min && limit.max) {
      parts.push_back(name + " in [" + format_number(*limit.min) + ", " +
                      format_number(*limit.max) + "]");
    } else if (limit.max) {
      parts.push_back(name + " <= " + format_number(*limit.max));
    } else if (limit.min) {
      parts.push_back(name + " >= " + format_number(*limit.min));
    }
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out.empty() ? "no expectation" : out;
}

void apply_time_scale(scenario& s, double factor) {
  s.deadline_ms *= factor;
  for (auto& step : s.signals) step.delay_ms *= factor;
  for (auto& step : s.captures) step.delay_ms *= factor;
  const auto scale_text = [factor](std::string& value) {
    char* end = nullptr;
    const double ms = std::strtod(value.c_str(), &end);
    if (end != value.c_str() && *end == '\0') {
      value = std::to_string(static_cast<long long>(std::llround(ms * factor)));
    }
  };
  for (auto& [name, value] : s.client_settings) {
    if (name.ends_with("_ms")) scale_text(value);
  }
  for (auto& [key, value] : s.client_env) {
    if (key.ends_with("_MS")) scale_text(value);
  }
  const auto scale_limits = [factor](expectation& e, bool scale_min) {
    for (auto& [name, limit] : e.limits) {
      if (!name.ends_with("_ms")) continue;
      if (limit.min && scale_min) *limit.min *= factor;
      if (limit.max) *limit.max *= factor;
    }
  };
  scale_limits(s.expect, true);
  // A bug's lower bounds are usually the client's own timeouts (a 10 s wait), which no
  // --time-scale changes: only its upper bounds get the slack.
  for (auto& bug : s.known_bugs) scale_limits(bug.signature, false);
  if (const auto* info = mock::find_behaviour(s.behaviour)) {
    mock::scale_durations(s.params, info->params, factor);
  }
}

}  // namespace wsrepro::harness
