#include "mermaid.hpp"

#include <cstdio>
#include <string_view>

namespace wsrepro::reports {

namespace {

/// Mermaid's task names end at ':' and its lines at '#' or ';'; keep labels plain.
std::string label(std::string text) {
  for (char& c : text) {
    if (c == ':' || c == '#' || c == ';' || c == '\n' || c == '\r' || c == '`') c = ' ';
  }
  return text;
}

std::string ms(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", value < 0 ? 0.0 : value);
  return text;
}

/// "exit 1", "killed by SIGKILL"
std::string exit_label(const event& e) {
  if (const auto sig = e.string_attr("signal")) return "killed by " + *sig;
  if (const auto code = e.int_attr("code")) return "exit " + std::to_string(*code);
  return "exit";
}

/// A milestone line in a section: "    NAME :milestone, T, 1ms".
std::string milestone(const std::string& name, double t_ms) {
  return "    " + label(name) + " :milestone, " + ms(t_ms) + ", " + ms(t_ms + 1) + "\n";
}

}  // namespace

std::string mermaid_gantt(const results::run_result& r) {
  const auto at = [&r](const event& e) { return ns_to_ms(e.t_ns - r.started_ns); };
  const event* spawn = nullptr;
  const event* exit = nullptr;
  std::string server;
  std::string harness;
  constexpr int most = 24;  // milestones, so a chatty run stays a readable chart
  int shown = 0;
  bool accepted = false;
  for (const auto& e : r.timeline) {
    const auto name = e.name();
    if (name == "client.spawn" && spawn == nullptr) spawn = &e;
    if (name == "client.exit" && exit == nullptr) exit = &e;
    if (shown >= most) continue;
    if (name == "server.accept" && !accepted) {
      accepted = true;
      server += milestone("connection accepted", at(e));
      ++shown;
    } else if (name == "server.fault") {
      server += milestone("fault", at(e));
      ++shown;
    } else if (name == "harness.signal") {
      harness += milestone(e.string_attr("signal").value_or("signal") + " (" +
                               e.string_attr("why").value_or("plan") + ")",
                           at(e));
      ++shown;
    } else if (name == "harness.deadline") {
      harness += milestone("deadline", at(e));
      ++shown;
    } else if (name == "harness.capture") {
      harness += milestone("stacks taken", at(e));
      ++shown;
    }
  }
  if (spawn == nullptr) return {};
  const double end = exit != nullptr ? at(*exit) : r.duration_ms;
  std::string out = "```mermaid\ngantt\n    title " + label(r.scenario_id + " with " + r.client) +
                    " (ms from the run's start)\n    dateFormat x\n    axisFormat %S.%L\n";
  out += "    section client\n    running :" + ms(at(*spawn)) + ", " +
         ms(end < at(*spawn) + 1 ? at(*spawn) + 1 : end) + "\n";
  if (exit != nullptr) out += milestone(exit_label(*exit), at(*exit));
  if (!server.empty()) out += "    section server\n" + server;
  if (!harness.empty()) out += "    section wsrepro\n" + harness;
  return out + "```\n";
}

}  // namespace wsrepro::reports
