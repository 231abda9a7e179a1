#include "wsrepro/harness/scenario.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "wsrepro/common/version.hpp"

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

const std::vector<std::string>& builtin_measurement_names() {
  static const std::vector<std::string> names{"hang_ms",
                                              "interrupt_latency_ms",
                                              "process_ms",
                                              "exit_code",
                                              "exit_signal",
                                              "ended_by",
                                              "leaked_processes",
                                              "client_ping_count",
                                              "client_ping_interval_ms",
                                              "client_ping_interval_stddev_ms",
                                              "client_pong_latency_ms",
                                              "dead_peer_detect_ms",
                                              "client_close_code",
                                              "closed_by",
                                              "clean_close",
                                              "tcp_end"};
  return names;
}

const std::map<std::string, std::vector<std::string>>& text_measurement_values() {
  static const std::map<std::string, std::vector<std::string>> values{
      {"ended_by", {"exit", "SIGINT", "SIGTERM", "SIGKILL", "SIGHUP", "SIGQUIT", "deadline"}},
      {"exit_signal", {}},  // any signal name
      {"closed_by", {"client", "server"}},
      {"clean_close", {"true", "false"}},
      {"tcp_end", {"FIN", "RST"}}};
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
  for (auto& [key, value] : s.client_env) {
    if (!key.ends_with("_MS")) continue;
    char* end = nullptr;
    const double ms = std::strtod(value.c_str(), &end);
    if (end != value.c_str() && *end == '\0') {
      value = std::to_string(static_cast<long long>(std::llround(ms * factor)));
    }
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
