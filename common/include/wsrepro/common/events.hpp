#pragma once
// The event vocabulary, declared once: every kind of event the mock servers, the supervisor and
// the client side put on a timeline, with its source, its attributes, whether the timeline keeps
// it past its bound (essential: the measurements stand on it) and a line of documentation.
// Emitters, the timeline, the scenario loader and the measurements all read it. Behaviours add
// the kinds of their own at registration (declare_event_kind); a driver's events (`driver.*`)
// are its own and never checked. An emitted kind that is not declared is counted, and the tests
// fail on it (undeclared_event_names()).

#include <string>
#include <string_view>
#include <vector>

#include "wsrepro/common/event.hpp"

namespace wsrepro {

struct event_kind {
  std::string source;      ///< server, client or harness
  std::string kind;        ///< fault, exit, signal, ...
  std::string attributes;  ///< its attribute keys, space-separated ("pid program")
  bool essential = false;  ///< kept past the timeline's bound
  std::string doc;         ///< one line: when it happens

  std::string name() const { return source + "." + kind; }
};

/// The sources scenarios can name: server, client, harness (each declared here) and driver
/// (whatever a driver reports).
const std::vector<std::string>& event_sources();

/// Every declared kind: the core's, then those declared since, in order.
std::vector<event_kind> event_vocabulary();
/// The declared kinds of one source, in order.
std::vector<std::string> event_kinds_of(std::string_view source);
/// Whether `source.kind` is declared (any driver kind is).
bool is_declared_event(std::string_view source, std::string_view kind);
/// Whether the timeline keeps it past its bound.
bool is_essential_event(std::string_view source, std::string_view kind);
/// Adds a kind (a behaviour's own); declaring a kind twice keeps the first.
void declare_event_kind(event_kind kind);

/// For the timeline, on every event: counts it when it is not declared, and says whether it is
/// essential.
bool note_emitted_event(const event& e);
/// `source.kind` of every undeclared event emitted so far in this process.
std::vector<std::string> undeclared_event_names();

}  // namespace wsrepro
