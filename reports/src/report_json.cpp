#include "report_json.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "format.hpp"
#include "wsrepro/common/statistics.hpp"

namespace wsrepro::reports {

namespace {

// Counts and exit codes print as integers; milliseconds keep 3 decimals.
json number(double value, std::string_view unit) {
  constexpr double max_exact = 9007199254740992.0;  // 2^53
  if (unit != "ms" && std::isfinite(value) && std::trunc(value) == value &&
      std::fabs(value) < max_exact) {
    return static_cast<std::int64_t>(value);
  }
  return round_ms(value);
}

json optional_string(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

json measurement_json(const results::measurement& m, mono_ns started_ns) {
  json j = json::object();
  if (m.status == results::measurement_status::measured && m.value) {
    j["value"] = number(*m.value, m.unit);
  } else if (m.status == results::measurement_status::measured && m.text) {
    j["value"] = *m.text;
  } else {
    j["value"] = nullptr;
  }
  j["unit"] = m.unit;
  j["status"] = results::to_string(m.status);
  j["from_event"] = m.from_event;
  j["to_event"] = m.to_event;
  j["lower_bound"] = m.lower_bound;
  if (!m.note.empty()) j["note"] = m.note;
  if (m.span_to_ns > 0) {
    j["span_ms"] = {round_ms(ns_to_ms(m.span_from_ns - started_ns)),
                    round_ms(ns_to_ms(m.span_to_ns - started_ns))};
  }
  return j;
}

json attr_json(const attr_value& v) {
  return std::visit([](const auto& x) { return json(x); }, v);
}

json event_json(const event& e, mono_ns started_ns) {
  json j = json::object();
  j["t_ms"] = round_ms(ns_to_ms(e.t_ns - started_ns));
  j["t_ns"] = e.t_ns;
  j["event"] = e.name();
  if (e.connection >= 0) j["conn"] = e.connection;
  for (const auto& [key, value] : e.attrs) {
    // An attribute named like a fixed field must not overwrite it.
    const std::string k = j.contains(key) ? "attr." + key : key;
    j[k] = attr_json(value);
  }
  return j;
}

json output_json(const results::captured_output& o) {
  return {{"data", o.data}, {"total_bytes", o.total_bytes}, {"truncated", o.truncated}};
}

json frame_json(const results::stack_frame& f) {
  json j = {{"function", f.function}, {"file", f.file}, {"user_code", f.user_code}};
  if (f.line > 0) j["line"] = f.line;
  return j;
}

json process_stacks_json(const results::process_stacks& p) {
  json threads = json::array();
  for (const auto& t : p.threads) {
    json frames = json::array();
    for (const auto& f : t.frames) frames.push_back(frame_json(f));
    threads.push_back({{"tid", t.tid},
                       {"name", t.name},
                       {"state", t.state},
                       {"main", t.main},
                       {"frames", std::move(frames)}});
  }
  json j = {{"pid", p.pid},
            {"command", p.command},
            {"runtime", p.runtime},
            {"tool", p.tool},
            {"paused", p.paused},
            {"duration_ms", round_ms(p.duration_ms)},
            {"threads", std::move(threads)}};
  if (!p.error.empty()) j["error"] = p.error;
  if (!p.notes.empty()) j["notes"] = p.notes;
  if (!p.raw.empty()) j["raw"] = p.raw;
  return j;
}

json checks_json(const std::vector<results::check>& checks) {
  json out = json::array();
  for (const auto& c : checks) {
    out.push_back({{"measurement", c.measurement},
                   {"expected", c.expected},
                   {"actual", c.actual},
                   {"met", c.met},
                   {"message", c.message}});
  }
  return out;
}

/// Where the client was stuck: each capture, its processes' stacks and the one line.
json diagnosis_json(const results::diagnosis& d, mono_ns started_ns) {
  json captures = json::array();
  for (const auto& c : d.captures) {
    json processes = json::array();
    for (const auto& p : c.processes) processes.push_back(process_stacks_json(p));
    json sockets = json::array();
    for (const auto& s : c.sockets) {
      sockets.push_back({{"pid", s.pid},
                         {"local", s.local},
                         {"remote", s.remote},
                         {"state", s.state},
                         {"recv_queue", s.recv_queue},
                         {"send_queue", s.send_queue},
                         {"timer", s.timer},
                         {"server_view", s.server_view}});
    }
    captures.push_back({{"t_ms", round_ms(ns_to_ms(c.t_ns - started_ns))},
                        {"why", c.why},
                        {"duration_ms", round_ms(c.duration_ms)},
                        {"blocked_at", c.blocked_at},
                        {"connection", c.connection},
                        {"processes", std::move(processes)},
                        {"sockets", std::move(sockets)}});
  }
  return {{"blocked_at", d.summary()},
          {"connection", d.connection_summary()},
          {"captures", std::move(captures)}};
}

}  // namespace

json run_json(const results::run_result& r) {
  json j = json::object();
  j["index"] = r.index;
  j["scenario"] = r.scenario_id;
  j["title"] = r.scenario_title;
  j["category"] = r.category;
  j["client"] = r.client;
  // Only for versioned clients, so reports of other runs (and the golden files) stay as they were.
  if (!r.client_version.empty()) {
    j["client_name"] = r.client_name;
    j["client_version"] = r.client_version;
  }
  if (!r.library.empty()) j["library"] = r.library;
  j["library_version"] = optional_string(r.library_version);
  j["runtime_version"] = optional_string(r.runtime_version);
  j["repetition"] = r.repetition;
  j["seed"] = r.seed;
  if (!r.param_overrides.empty()) j["server_params"] = r.param_overrides;
  if (!r.replay_args.empty()) j["replay_args"] = r.replay_args;
  j["verdict"] = results::to_string(r.outcome);
  j["reason"] = r.reason;
  j["expectation"] = r.expectation;
  j["headline"] = r.headline;
  j["argv"] = r.argv;
  j["url"] = r.url;
  j["duration_ms"] = round_ms(r.duration_ms);
  // The run's zero on the monotonic clock: every t_ms and span_ms counts from it.
  j["started_ns"] = r.started_ns;
  if (r.machine) {
    const auto pct = [](const std::optional<double>& v) -> json {
      return v ? json(std::round(*v * 10) / 10) : json(nullptr);
    };
    j["machine"] = {{"cpu_busy_pct", pct(r.machine->cpu_busy_pct)},
                    {"cpu_wait_pct", pct(r.machine->cpu_wait_pct)},
                    {"runs_at_once", r.machine->runs_at_once},
                    {"saturated", r.machine->saturated},
                    {"timing_in_doubt", r.machine->timing_in_doubt}};
    if (r.machine->rerun_alone) {
      j["machine"]["rerun_alone"] = true;
      j["machine"]["first_attempt"] = r.machine->first_attempt;
    }
  }
  json measurements = json::object();
  for (const auto& m : r.measurements) measurements[m.name] = measurement_json(m, r.started_ns);
  j["measurements"] = std::move(measurements);
  // Only for scenarios with a situation, so reports of other runs (and the golden files) stay.
  if (!r.situation.empty()) {
    j["situation"] = {{"requires", r.situation}, {"missing", r.situation_missing}};
  }
  j["checks"] = checks_json(r.checks);
  if (!r.failed_attempts.empty()) {
    json attempts = json::array();
    for (const auto& a : r.failed_attempts) {
      attempts.push_back({{"verdict", results::to_string(a.outcome)},
                          {"reason", a.reason},
                          {"duration_ms", round_ms(a.duration_ms)}});
    }
    j["failed_attempts"] = std::move(attempts);
    j["flaky"] = r.flaky();
  }
  if (r.known_bug) {
    json bug_checks = checks_json(r.known_bug->checks);
    j["known_bug"] = {{"id", r.known_bug->id},
                      {"summary", r.known_bug->summary},
                      {"reproduced", r.known_bug->reproduced},
                      {"checks", std::move(bug_checks)}};
  }
  json leaks = json::array();
  for (const auto& l : r.leaks) leaks.push_back({{"pid", l.pid}, {"command", l.command}});
  j["leaks"] = std::move(leaks);
  json timeline = json::array();
  for (const auto& e : r.timeline) timeline.push_back(event_json(e, r.started_ns));
  j["timeline"] = std::move(timeline);
  // Only when it happened, so reports of ordinary runs (and the golden files) stay as they were.
  if (r.timeline_dropped > 0) j["timeline_dropped_events"] = r.timeline_dropped;
  j["output"] = {{"stdout", output_json(r.client_stdout)},
                 {"stderr", output_json(r.client_stderr)}};
  // Only when stacks were taken (nothing hung otherwise), so other reports stay as they were.
  if (!r.diagnosis.empty()) j["diagnosis"] = diagnosis_json(r.diagnosis, r.started_ns);
  return j;
}

json pair_json(const results::pair_statistics& p) {
  json j = json::object();
  j["scenario"] = p.scenario;
  j["client"] = p.client;
  j["runs"] = p.outcomes.total();
  j["outcomes"] = {{"pass", p.outcomes.pass},           {"fail", p.outcomes.fail},
                   {"known_bug", p.outcomes.known_bug}, {"skipped", p.outcomes.skipped},
                   {"error", p.outcomes.error},         {"unsupported", p.outcomes.unsupported}};
  // The reproduction rate: runs that missed the expectation (fail or known_bug) among the
  // judged ones, with its 95% Wilson interval.
  if (const auto rate = p.missed_rate()) {
    json runs = json::array();
    for (const auto& m : p.missed) runs.push_back({{"run", m.index}, {"seed", m.seed}});
    j["missed"] = {{"count", p.missed.size()},
                   {"rate", rate->rate},
                   {"rate_95_low", rate->low},
                   {"rate_95_high", rate->high},
                   {"runs", std::move(runs)}};
  }
  for (const auto& s : p.measurements) {
    const sample_summary sum = summarize(s.values);
    json one = {{"n", sum.count}};
    if (sum.count > 0) {
      one["min"] = number(sum.min, s.unit);
      one["median"] = number(sum.median, s.unit);
      one["mean"] = number(sum.mean, s.unit);
      one["max"] = number(sum.max, s.unit);
    }
    one["unit"] = s.unit;
    if (s.lower_bounds > 0) one["lower_bounds"] = s.lower_bounds;
    if (sum.count > 1) {
      one["stddev"] = number(sum.stddev, s.unit);
      one["p95"] = number(sum.p95, s.unit);
      one["p99"] = number(sum.p99, s.unit);
      one["mad"] = number(sum.mad, s.unit);
      one["outliers"] = sum.outliers.size();
    }
    j[s.name] = std::move(one);
  }
  return j;
}

json context_json(const results::report_context& context) {
  json doc = json::object();
  doc["schema_version"] = report_schema_version;
  doc["wsrepro_version"] = context.wsrepro_version;
  doc["command_line"] = context.command_line;
  doc["started_at"] = context.started_at;
  doc["time_scale"] = context.time_scale;
  doc["strict"] = context.strict;
  doc["seed"] = context.seed;
  doc["repeat"] = context.repeat;
  doc["retries"] = context.retries;
  doc["shard"] = context.shard.empty() ? json(nullptr) : json(context.shard);
  doc["jitter"] = context.jitter;
  doc["stress"] = {{"cpu_threads", context.stress_cpu}, {"io", context.stress_io}};
  // Only in a merged report, so the others (and the golden files) stay as they were.
  if (!context.merged_from.empty()) {
    json parts = json::array();
    for (const auto& p : context.merged_from) {
      parts.push_back({{"report", p.report},
                       {"shard", p.shard.empty() ? json(nullptr) : json(p.shard)},
                       {"command_line", p.command_line},
                       {"started_at", p.started_at}});
    }
    doc["merged_from"] = std::move(parts);
  }
  return doc;
}

json summary_json(const results::run_summary& summary) {
  const auto& c = summary.counts;
  return {{"total", c.total()},
          {"pass", c.pass},
          {"fail", c.fail},
          {"known_bug", c.known_bug},
          {"skipped", c.skipped},
          {"error", c.error},
          {"unsupported", c.unsupported},
          {"flaky", c.flaky},
          {"duration_ms", round_ms(summary.duration_ms)},
          {"exit_code", summary.exit_code},
          {"interrupted", summary.interrupted}};
}

json matrices_json(const std::vector<version_matrix>& matrices) {
  json out = json::array();
  for (const auto& m : matrices) {
    json rows = json::array();
    for (const auto& row : m.rows) {
      json cells = json::object();
      for (std::size_t i = 0; i < m.versions.size(); ++i) {
        if (row.cells[i].present) {
          cells[m.versions[i]] = {{"verdict", results::to_string(row.cells[i].outcome)},
                                  {"text", row.cells[i].text}};
        }
      }
      rows.push_back({{"scenario", row.scenario_id},
                      {"client", row.client_name},
                      {"headline", row.headline},
                      {"cells", std::move(cells)}});
    }
    out.push_back({{"library", m.library},
                   {"versions", m.versions},
                   {"runtimes", m.runtimes},
                   {"rows", std::move(rows)}});
  }
  return out;
}

std::string dump_compact(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace wsrepro::reports
