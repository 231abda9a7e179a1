#pragma once
// A scenario as plain data: what the server does, which clients run, which signals are sent
// when, and what is expected. Loaded from TOML by scenario_loader; see docs/scenarios.md for
// the file format.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wsrepro/harness/process_types.hpp"
#include "wsrepro/mock/params.hpp"
#include "wsrepro/mock/registry.hpp"

namespace wsrepro::harness {

/// One signal of the plan. The first is anchored on an event (`server.fault` + 500 ms); the
/// following ones escalate: each is sent `delay_ms` after the previous one, if the client is
/// still running then.
struct signal_step {
  int signal = 2;
  std::string signal_text = "SIGINT";
  std::string after = "previous";  ///< an event name (`server.fault`, `client.spawn`) or previous
  double delay_ms = 0;
  signal_target target = signal_target::process;
};

/// A moment a scenario asks for the client's stacks ([[capture]]): `delay_ms` after the first
/// `after` event, if the client is still running then. wsrepro also captures on its own before
/// it ends a run and when an expectation's maximum has passed with the client still running.
struct capture_step {
  std::string after;
  double delay_ms = 0;
};

/// A window measurement a scenario defines: from the first `from` event to the first `to`
/// event after it.
struct window_spec {
  std::string name;  ///< ends in _ms
  std::string from;
  std::string to;
};

/// How many times an event happened: a count measurement (name ends in _count), e.g. how many
/// `driver.sent` events a send-after-close driver printed.
struct count_spec {
  std::string name;
  std::string event;
};

/// An attribute of the n-th event of a kind, as a text measurement, e.g. `state` of the first
/// `driver.state` event.
struct field_spec {
  std::string name;
  std::string event;
  std::string attr;
  int nth = 1;
};

struct threshold {
  std::optional<double> min;
  std::optional<double> max;
};

enum class exit_expectation { any, zero, nonzero };

struct expectation {
  exit_expectation exit = exit_expectation::any;
  std::map<std::string, threshold> limits;  ///< numeric measurements, by name
  /// Text measurements (ended_by, closed_by, tcp_end, ...): the allowed values, by name.
  std::map<std::string, std::vector<std::string>> one_of;
  std::string describe() const;  ///< in words, for reports
  bool empty() const { return exit == exit_expectation::any && limits.empty() && one_of.empty(); }
};

/// A bug the scenario reproduces on some versions of some clients ([[known_bug]]). On those,
/// reproducing it is the expected outcome (verdict known_bug) and not reproducing it a failure;
/// elsewhere the scenario's own expectation applies.
struct known_bug {
  std::string id;                         ///< e.g. python-websockets#1592
  std::string summary;                    ///< one line: what goes wrong
  std::vector<std::string> clients{"*"};  ///< client-name globs
  std::vector<std::string> versions;      ///< "13.0", "11.0..13.0", "13.1..", "*"
  /// What the bug looks like when it reproduces ([known_bug.expect]); empty: the scenario's
  /// expectation is not met.
  expectation signature;

  bool applies(const std::string& client_name, const std::string& version) const;
};

/// A client setting a scenario can give in `[client.settings]`: one vocabulary for every client.
/// wsrepro passes each as WSREPRO_<NAME> in the client's environment (WSREPRO_CLOSE_TIMEOUT_MS);
/// drivers map it to their library's option (see clients/DRIVER-PROTOCOL.md).
struct client_setting_spec {
  std::string name;       ///< close_timeout_ms
  bool duration = false;  ///< a _ms value: an integer, scaled by --time-scale
  std::string doc;
  /// The measurements whose value the setting decides: a run that misses one of them on a
  /// client whose library lacks the setting is `unsupported` (see judge_unsupported_settings).
  std::vector<std::string> governs;
  /// Unmet checks on these mean the run failed before the setting could matter (a client that
  /// never noticed a stalled peer never started the close a close timeout bounds).
  std::vector<std::string> preempted_by;
};
const std::vector<client_setting_spec>& client_setting_specs();
/// "WSREPRO_CLOSE_TIMEOUT_MS" for "close_timeout_ms".
std::string client_setting_variable(std::string_view name);

struct scenario {
  std::string id;        ///< category.slug, stable
  std::string category;  ///< the part of the id before the first dot
  std::string title;
  std::string description;
  std::filesystem::path file;

  std::string behaviour;
  mock::param_values params;
  bool tls = false;                  ///< [server] tls: serve wss:// with the throwaway CA
  std::string listen = "127.0.0.1";  ///< [server] listen: 127.0.0.1 or ::1

  std::vector<std::string> clients;     ///< run by default
  std::vector<std::string> applies_to;  ///< client-name globs this scenario can run; "*" any
  double deadline_ms = 30'000;
  stdin_mode input = stdin_mode::null;
  /// Extra environment for the client ([client] env); values of *_MS keys are durations,
  /// scaled by --time-scale.
  std::map<std::string, std::string> client_env;
  /// [client.settings], by name (see client_setting_specs()); durations in milliseconds.
  std::map<std::string, std::string> client_settings;
  /// Events the scenario says must happen for a verdict to mean anything (`requires`).
  std::vector<std::string> requires_events;
  /// Every event that must happen for the run to have reached the scenario's situation: the
  /// ones it requires, the first signal's anchor, and the start of each measurement its
  /// expectations (and known bugs' signatures) judge. Derived when the scenario is loaded.
  std::vector<std::string> situation;
  std::vector<signal_step> signals;
  std::vector<capture_step> captures;
  std::vector<window_spec> windows;
  std::vector<count_spec> counts;
  std::vector<field_spec> fields;
  expectation expect;
  std::vector<known_bug> known_bugs;
  /// The measurement that sums a run up in the version matrix (default hang_ms).
  std::string headline = "hang_ms";

  /// The known bug expected for this client instance, if any.
  const known_bug* bug_for(const std::string& client_name, const std::string& version) const;

  bool applies(const std::string& client_name) const;
};

/// Built-in measurement names a scenario can put an expectation on (windows add theirs).
const std::vector<std::string>& builtin_measurement_names();
/// The built-in measurements whose value is text, with the values they can take.
const std::map<std::string, std::vector<std::string>>& text_measurement_values();

/// The largest value of `measurement` a run of `s` can show before the harness cuts it short (the
/// deadline, or the next signal of the plan), with the reason in words; nullopt when the harness
/// does not bound it. A `max` above it could never be shown to hold.
struct observable_bound {
  double max_ms = 0;
  std::string why;
};
std::optional<observable_bound> observable_limit(const scenario& s, const std::string& measurement);

/// The situation of a scenario as loaded (see scenario::situation).
std::vector<std::string> derive_situation(const scenario& s);

/// Every deadline, delay and threshold in milliseconds multiplied by `factor` (--time-scale).
void apply_time_scale(scenario& s, double factor);

/// fnmatch-style glob on ids and client names.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace wsrepro::harness
