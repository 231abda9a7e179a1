#pragma once
// Internal: what the measurement files share: setting a value, a text, or why there is none.

#include <cstdio>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "interventions.hpp"
#include "wsrepro/harness/measurements.hpp"

namespace wsrepro::harness::detail {

inline void set_value(results::measurement& m, double v, std::string note = {}) {
  m.status = results::measurement_status::measured;
  m.value = v;
  m.note = std::move(note);
}

inline void set_text(results::measurement& m, std::string text) {
  m.status = results::measurement_status::measured;
  m.text = std::move(text);
}

inline void set_missing(results::measurement& m, std::string why) {
  m.status = results::measurement_status::missing;
  m.note = std::move(why);
}

inline void set_not_applicable(results::measurement& m, std::string why) {
  m.status = results::measurement_status::not_applicable;
  m.note = std::move(why);
}

/// A frame the server read or wrote (direction frame_in / frame_out) with this opcode.
inline bool is_frame(const event& e, std::string_view direction, std::string_view opcode) {
  return e.source == "server" && e.kind == direction && e.string_attr("opcode") == opcode;
}

/// When the server read each of the client's pings.
inline std::vector<mono_ns> client_pings(const connection_view& c) {
  std::vector<mono_ns> out;
  for (const auto* e : c.events) {
    if (is_frame(*e, "frame_in", "ping")) out.push_back(e->t_ns);
  }
  return out;
}

/// The gaps between the client's pings, in ms.
inline std::vector<double> ping_gaps(const connection_view& c) {
  const auto pings = client_pings(c);
  std::vector<double> out;
  for (std::size_t i = 1; i < pings.size(); ++i) out.push_back(ns_to_ms(pings[i] - pings[i - 1]));
  return out;
}

inline double mean(const std::vector<double>& values) {
  double sum = 0;
  for (const double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

/// How long stack captures stopped the client between `from` and `until` (ptrace, a
/// safepoint): the client could not end meanwhile, so a span across them may be longer by that.
inline double paused_by_captures(const std::vector<event>& timeline, mono_ns from, mono_ns until) {
  double paused_ms = 0;
  for (const auto& e : timeline) {
    if (e.t_ns <= from || e.t_ns > until || e.name() != "harness.captured") continue;
    const auto* paused = e.attr("paused");
    const auto* duration = e.attr("duration_ms");
    if (paused != nullptr && std::get_if<bool>(paused) != nullptr && std::get<bool>(*paused) &&
        duration != nullptr && std::get_if<double>(duration) != nullptr) {
      paused_ms += std::get<double>(*duration);
    }
  }
  return paused_ms;
}

/// The time from `from` to `to`, or, when wsrepro intervened in between, the time to that
/// intervention as a lower bound. A capture that paused the client is said in the note.
inline void set_span(results::measurement& m, const std::vector<event>& timeline, const event& from,
                     const event& to) {
  if (const event* action = first_intervention(timeline, from, to.t_ns)) {
    cut_short(m, from, *action, to);
    return;
  }
  set_value(m, ns_to_ms(to.t_ns - from.t_ns));
  m.span_from_ns = from.t_ns;
  m.span_to_ns = to.t_ns;
  if (const double paused = paused_by_captures(timeline, from.t_ns, to.t_ns); paused > 0) {
    char note[128];
    std::snprintf(note, sizeof note,
                  "includes up to %.1f ms in which a stack capture stopped the client", paused);
    m.note = note;
  }
}

}  // namespace wsrepro::harness::detail
