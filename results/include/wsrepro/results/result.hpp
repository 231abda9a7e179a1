#pragma once
// The results model: the outcome of one run (scenario x client x repetition) as plain data, and
// what is known of the whole invocation. Below both the harness, which produces it, and the
// reporters, which write it; it knows neither.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsrepro/common/event.hpp"
#include "wsrepro/common/wire_log.hpp"
#include "wsrepro/results/diagnosis.hpp"

namespace wsrepro::results {

/// unsupported: the run missed its expectation on a client that said its library has no option
/// for a client setting the scenario set ([client.settings]); what the run showed is the
/// library's default, reported as a finding, not judged as a failure.
enum class verdict { pass, fail, known_bug, skipped, error, unsupported };

constexpr std::string_view to_string(verdict v) {
  switch (v) {
    case verdict::pass:
      return "pass";
    case verdict::fail:
      return "fail";
    case verdict::known_bug:
      return "known_bug";
    case verdict::skipped:
      return "skipped";
    case verdict::error:
      return "error";
    case verdict::unsupported:
      return "unsupported";
  }
  return "error";
}

/// Whether the measured value is there, and if not, why.
enum class measurement_status {
  measured,        ///< value holds the measurement
  not_applicable,  ///< its condition never arose (e.g. no signal was sent: the client exited first)
  missing,         ///< an event it needs never happened (e.g. the fault, or the client's exit)
};

constexpr std::string_view to_string(measurement_status s) {
  switch (s) {
    case measurement_status::measured:
      return "measured";
    case measurement_status::not_applicable:
      return "not_applicable";
    case measurement_status::missing:
      return "missing";
  }
  return "missing";
}

struct measurement {
  std::string name;  ///< with its unit as suffix: hang_ms, leaked_processes
  std::string unit;  ///< "ms", "count", "code", "" for text values
  measurement_status status = measurement_status::missing;
  std::optional<double> value;      ///< numeric value when measured
  std::optional<std::string> text;  ///< text value (ended_by, exit_signal) when measured
  std::string from_event;           ///< the event it started on (`server.fault`)
  std::string to_event;             ///< the event it stopped on (`client.exit`)
  bool lower_bound = false;  ///< the stop event was forced (deadline kill): real value is larger
  std::string note;
  /// The span it measured on the monotonic clock, for drawing it on a timeline; both 0 when it
  /// is not the time between two events (a count, a mean of gaps).
  mono_ns span_from_ns = 0;
  mono_ns span_to_ns = 0;
};

/// One expectation compared with one measurement.
struct check {
  std::string measurement;  ///< e.g. hang_ms
  std::string expected;     ///< e.g. "<= 1000" or "in [exit]" or "nonzero"
  std::string actual;       ///< e.g. "3002.418" or "missing"
  bool met = false;
  std::string message;  ///< a sentence naming the measurement and the threshold
};

/// A known bug the scenario expects on this client instance, and whether the run showed it.
struct known_bug_outcome {
  std::string id;
  std::string summary;
  bool reproduced = false;
  std::vector<check> checks;  ///< the bug's signature, checked (or the expectation, inverted)
};

struct captured_output {
  std::string data;               ///< the first bytes, up to the capture bound
  std::uint64_t total_bytes = 0;  ///< everything the client wrote, captured or drained
  bool truncated = false;
};

struct leaked_process {
  int pid = 0;
  std::string command;
};

/// An attempt of a run that failed before --retries made it again.
struct failed_attempt {
  verdict outcome = verdict::fail;
  std::string reason;
  double duration_ms = 0;
};

/// The machine while a run ran: all of its processes, not only this run's. A timing verdict
/// taken while the CPUs were saturated may be the machine's doing, not the client's.
struct machine_load {
  /// Of all CPUs' time over the run (/proc/stat); unknown for a run too short for its ticks.
  std::optional<double> cpu_busy_pct;
  /// Of the run's time, how much some task was ready to run but waited for a CPU (the kernel's
  /// pressure stall information); unknown without PSI.
  std::optional<double> cpu_wait_pct;
  int runs_at_once = 1;  ///< the most runs going at the same time during this one, itself included
  bool saturated = false;
  /// Waiting for a CPU may have pushed a time the verdict rests on to or past its limit: the
  /// machine, not the client, may have decided it.
  bool timing_in_doubt = false;
  /// This attempt was made again, alone (no other run going), because the first one's timing
  /// was in doubt; `first_attempt` is that one's verdict and reason.
  bool rerun_alone = false;
  std::string first_attempt;
};

struct run_result {
  std::string scenario_id;
  std::string scenario_title;
  std::string category;
  std::string client;          ///< NAME or NAME@VERSION
  std::string client_name;     ///< NAME
  std::string client_version;  ///< VERSION of a versioned client, else empty
  std::string library;         ///< e.g. websockets, when the manifest says
  std::optional<std::string> library_version;
  std::optional<std::string> runtime_version;
  int repetition = 0;
  /// Its place in the invocation's plan; report.json lists the runs in this order, and
  /// `--replay REPORT.json#N` names a run by it.
  std::size_t index = 0;
  std::uint64_t seed = 0;
  /// Server parameters this run set differently from its scenario (jitter, replay, sweep).
  std::map<std::string, std::int64_t> param_overrides;
  /// What `--replay` of this run must be given again (an ad-hoc client's --client-cmd and
  /// --client-env); empty for a manifest's client.
  std::vector<std::string> replay_args;
  verdict outcome = verdict::error;
  std::string reason;       ///< one line: why this verdict
  std::string expectation;  ///< the scenario's expectation in words
  std::vector<std::string> argv;
  std::string url;
  mono_ns started_ns = 0;  ///< the run's zero on the monotonic clock
  /// The same moment on the wall clock (ns since the Unix epoch), only for capture files, which
  /// need calendar time; never used to measure.
  std::int64_t started_unix_ns = 0;
  double duration_ms = 0;
  std::optional<machine_load> machine;
  std::vector<measurement> measurements;
  /// The events the scenario's situation needs (scenario::situation) and those the run never
  /// saw: a run that misses one is not a pass, nor a known bug.
  std::vector<std::string> situation;
  std::vector<std::string> situation_missing;
  std::vector<check> checks;
  std::optional<known_bug_outcome> known_bug;
  /// --retries: the attempts before this one that failed (fail or error), oldest first. A run
  /// that passes after one is flaky; the verdict and everything else are the last attempt's.
  std::vector<failed_attempt> failed_attempts;
  std::string headline = "hang_ms";  ///< the measurement that sums the run up in a matrix
  std::vector<event> timeline;
  std::size_t timeline_dropped = 0;  ///< high-volume events not kept (past the bound)
  captured_output client_stdout;
  captured_output client_stderr;
  /// Every byte the server read and wrote, per connection (see wire_log), and what was not kept.
  std::vector<wire_chunk> wire;
  std::uint64_t wire_dropped_bytes = 0;
  std::vector<leaked_process> leaks;
  /// Where the client was stuck when wsrepro ended it (or when the scenario asked).
  results::diagnosis diagnosis;

  const measurement* find(std::string_view name) const {
    for (const auto& m : measurements) {
      if (m.name == name) return &m;
    }
    return nullptr;
  }
  /// Passed only after an attempt failed (--retries): counted apart, never silently green.
  bool flaky() const { return outcome == verdict::pass && !failed_attempts.empty(); }
};

/// Keeps a run's summary (verdict, measurements, checks) and drops what is bulky: the timeline
/// and the captured output.
inline void drop_details(run_result& r) {
  // Swapped with empty ones: assigning an empty string keeps the old one's buffer.
  std::vector<event>().swap(r.timeline);
  std::string().swap(r.client_stdout.data);
  std::string().swap(r.client_stderr.data);
  std::vector<wire_chunk>().swap(r.wire);
  // The stacks too; each capture's one line stays.
  for (auto& c : r.diagnosis.captures) std::vector<process_stacks>().swap(c.processes);
}

struct run_counts {
  int pass = 0, fail = 0, known_bug = 0, skipped = 0, error = 0, unsupported = 0;
  int flaky = 0;  ///< of the passes, those that failed before a retry passed
  int total() const { return pass + fail + known_bug + skipped + error + unsupported; }
  void add(const run_result& r) {
    add(r.outcome);
    if (r.flaky()) ++flaky;
  }
  void add(verdict v) {
    switch (v) {
      case verdict::pass:
        ++pass;
        break;
      case verdict::fail:
        ++fail;
        break;
      case verdict::known_bug:
        ++known_bug;
        break;
      case verdict::skipped:
        ++skipped;
        break;
      case verdict::error:
        ++error;
        break;
      case verdict::unsupported:
        ++unsupported;
        break;
    }
  }
};

/// One report a `wsrepro merge` was made from.
struct merged_part {
  std::string report;  ///< its path, as given
  std::string shard;   ///< its --shard K/N; empty for a whole plan
  std::string command_line;
  std::string started_at;
};

/// What the reporters know of the whole invocation.
struct report_context {
  std::string wsrepro_version;
  std::string command_line;
  std::string started_at;  ///< wall-clock ISO 8601, for humans only; never used for measurements
  double time_scale = 1.0;
  bool strict = false;
  std::uint64_t seed = 0;                ///< the invocation's seed; each run's is derived from it
  std::vector<std::string> jitter;       ///< --jitter as given
  int repeat = 1;                        ///< --repeat; 0 for --until-fail
  int retries = 0;                       ///< --retries: attempts after a failed one
  std::string shard;                     ///< --shard K/N; empty when the whole plan runs
  int stress_cpu = 0;                    ///< --stress-cpu busy threads
  bool stress_io = false;                ///< --stress-io
  std::vector<merged_part> merged_from;  ///< wsrepro merge: the reports it was made from
};

struct run_summary {
  run_counts counts;
  double duration_ms = 0;
  int exit_code = 0;
  bool interrupted = false;  ///< wsrepro itself got SIGINT/SIGTERM; remaining runs were not made
};

}  // namespace wsrepro::results
