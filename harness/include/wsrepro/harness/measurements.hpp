#pragma once
// The built-in measurements as plug-ins, like the behaviours: each is one file under
// harness/measurements/ that registers a measurement_spec (name, unit, the events it runs from
// and to, what it needs to mean anything, how wsrepro's own actions bound it, a doc line, and
// the probe that takes it). The scenario loader's accepted names, the situation and the
// observable limits, `wsrepro list measurements` and the docs all come from this registry, so
// adding a measurement is adding one file and its test.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsrepro/common/event.hpp"
#include "wsrepro/harness/scenario.hpp"
#include "wsrepro/results/result.hpp"

namespace wsrepro::harness {

/// What the supervisor knows that the timeline does not carry.
struct run_facts {
  std::vector<results::leaked_process> leaks;
  bool leak_scan_done = false;
};

/// The server's view of the connection a scenario is about (the fault's, else the first
/// accepted), worked out once for every probe.
struct connection_view {
  bool connected = false;
  /// Its server events in time order, and the client's exit.
  std::vector<const event*> events;
  const event* fault = nullptr;
  const event* exit = nullptr;
  const event* client_close = nullptr;  ///< the client's close frame
  const event* server_close = nullptr;  ///< the server's close frame
  const event* tcp_end = nullptr;       ///< the first FIN or RST either way
  bool any_rst = false;
};

/// What a probe reads. `timeline` is sorted by time; the pointers are into it.
struct probe_input {
  const std::vector<event>& timeline;
  const scenario& s;
  const run_facts& facts;
  const event* spawn = nullptr;
  const event* exit = nullptr;
  const event* fault = nullptr;
  const event* plan_signal = nullptr;  ///< the first signal of the scenario's plan
  std::string ending;                  ///< ended_by: exit, the last signal sent, or deadline
  connection_view connection;
};

struct measurement_spec {
  std::string name = {};  ///< with its unit as suffix: hang_ms, leaked_processes
  std::string unit = {};  ///< ms, count, code, or empty for a text value
  std::string from = {};  ///< the event it runs from, as documented
  /// Whether `from` is the first event of that name (false: one of them, e.g. the client's close
  /// among the frames it sends), so that a stack capture can be timed from it.
  bool from_first = true;
  std::string to = {};   ///< the event it runs to; empty when that varies
  std::string doc = {};  ///< one line: what it tells
  /// The event without which its value means nothing (part of a scenario's situation when an
  /// expectation names it); empty: the client's start is enough.
  std::string needs = {};
  /// For a text value: the values an expectation may name; empty with `text`: signal names.
  bool text = false;
  std::vector<std::string> text_values = {};
  /// The largest value a run of `s` can show before wsrepro cuts it short (its deadline, the
  /// plan's next signal); nullopt when nothing wsrepro does bounds it. Optional.
  std::optional<observable_bound> (*observable)(const scenario& s) = nullptr;
  /// Where reports list it: smaller first.
  int order = 1000;
  /// Takes the measurement into `m`, which arrives named as this spec and missing.
  void (*probe)(const probe_input& in, results::measurement& m) = nullptr;

  /// A measurement named as this spec, with no value yet (missing).
  results::measurement blank() const;
};

/// Every registered measurement, in report order.
const std::vector<measurement_spec>& measurement_specs();
const measurement_spec* find_measurement(std::string_view name);
/// For a measurement's own file, from its registration function.
void register_measurement(measurement_spec spec);

/// The observable limit shared by measurements that end on the client's exit: its deadline.
std::optional<observable_bound> deadline_bound(const scenario& s);

/// Every built-in measurement plus the scenario's windows, counts and fields. `timeline` must be
/// sorted by time.
std::vector<results::measurement> measure(const std::vector<event>& timeline, const scenario& s,
                                          const run_facts& facts);

}  // namespace wsrepro::harness
