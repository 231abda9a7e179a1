// report.json: everything the harness knows about every run, for tools and for diffing runs.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "format.hpp"
#include "wsrepro/common/files.hpp"
#include "wsrepro/common/statistics.hpp"
#include "wsrepro/reports/formats.hpp"
#include "wsrepro/reports/matrix.hpp"
#include "wsrepro/results/statistics.hpp"

namespace wsrepro::reports {

namespace {

// Insertion order keeps the file stable and readable: the order below is the documented one.
using json = nlohmann::ordered_json;

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

json measurement_json(const results::measurement& m) {
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

json run_json(const results::run_result& r) {
  json j = json::object();
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
  j["verdict"] = results::to_string(r.outcome);
  j["reason"] = r.reason;
  j["expectation"] = r.expectation;
  j["argv"] = r.argv;
  j["url"] = r.url;
  j["duration_ms"] = round_ms(r.duration_ms);
  json measurements = json::object();
  for (const auto& m : r.measurements) measurements[m.name] = measurement_json(m);
  j["measurements"] = std::move(measurements);
  // Only for scenarios with a situation, so reports of other runs (and the golden files) stay.
  if (!r.situation.empty()) {
    j["situation"] = {{"requires", r.situation}, {"missing", r.situation_missing}};
  }
  json checks = json::array();
  for (const auto& c : r.checks) {
    checks.push_back({{"measurement", c.measurement},
                      {"expected", c.expected},
                      {"actual", c.actual},
                      {"met", c.met},
                      {"message", c.message}});
  }
  j["checks"] = std::move(checks);
  if (r.known_bug) {
    json bug_checks = json::array();
    for (const auto& c : r.known_bug->checks) {
      bug_checks.push_back({{"measurement", c.measurement},
                            {"expected", c.expected},
                            {"actual", c.actual},
                            {"met", c.met},
                            {"message", c.message}});
    }
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

/// A pair's statistics as report.json documents them.
json pair_json(const results::pair_statistics& p) {
  json j = json::object();
  j["scenario"] = p.scenario;
  j["client"] = p.client;
  j["runs"] = p.outcomes.total();
  j["outcomes"] = {{"pass", p.outcomes.pass},
                   {"fail", p.outcomes.fail},
                   {"known_bug", p.outcomes.known_bug},
                   {"skipped", p.outcomes.skipped},
                   {"error", p.outcomes.error}};
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

/// Where a finished run's document sits in the journal.
struct journal_entry {
  std::size_t index;  ///< the run's place in the plan: report.json lists runs in this order
  std::uint64_t offset;
  std::size_t size;
};

// Stands for the runs in the document while it is dumped; the runs are streamed in its place.
constexpr std::string_view runs_placeholder = "\x01wsrepro-runs\x01";

class json_reporter final : public reporter {
 public:
  json_reporter(std::ostream& out, std::unique_ptr<spool> journal)
      : out_(out), journal_(std::move(journal)) {}

  void begin(const results::report_context& context) override {
    context_ = context;
    // The journal's first line says whose runs follow, so a journal a killed wsrepro left behind
    // explains itself.
    json header = context_json();
    header["journal"] = "wsrepro runs, one JSON object per line, as each run finished";
    journal_->append(header.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
  }

  void run_finished(const results::run_result& result) override {
    // Written to the journal at once: the reporter keeps where it is, not the document.
    const std::string line =
        run_json(result).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    const std::uint64_t offset = journal_->append(line);
    entries_.push_back({result.index, offset, line.size() - 1});
    matrices_.add(result);
    stats_.add(result);
  }

  void end(const results::run_summary& summary) override {
    json doc = context_json();
    doc["runs"] = runs_placeholder;
    const auto& c = summary.counts;
    doc["summary"] = {{"total", c.total()},
                      {"pass", c.pass},
                      {"fail", c.fail},
                      {"known_bug", c.known_bug},
                      {"skipped", c.skipped},
                      {"error", c.error},
                      {"duration_ms", round_ms(summary.duration_ms)},
                      {"exit_code", summary.exit_code},
                      {"interrupted", summary.interrupted}};
    json statistics = json::array();
    for (const auto& p : stats_.pairs()) statistics.push_back(pair_json(p));
    doc["statistics"] = std::move(statistics);
    json matrices = json::array();
    for (const auto& m : matrices_.build()) {
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
      matrices.push_back({{"library", m.library},
                          {"versions", m.versions},
                          {"runtimes", m.runtimes},
                          {"rows", std::move(rows)}});
    }
    if (!matrices.empty()) doc["version_matrices"] = std::move(matrices);
    matrices_.clear();
    // Client output is arbitrary bytes: replace invalid UTF-8 rather than throw.
    const std::string text = doc.dump(2, ' ', false, json::error_handler_t::replace);
    const std::string marker = "\"runs\": " + json(runs_placeholder).dump();
    const auto at = text.find(marker);
    out_ << text.substr(0, at);
    write_runs();
    out_ << text.substr(at + marker.size()) << '\n';
    out_.flush();
    entries_.clear();
    stats_.clear();
  }

 private:
  json context_json() const {
    json doc = json::object();
    doc["wsrepro_version"] = context_.wsrepro_version;
    doc["command_line"] = context_.command_line;
    doc["started_at"] = context_.started_at;
    doc["time_scale"] = context_.time_scale;
    doc["strict"] = context_.strict;
    doc["seed"] = context_.seed;
    doc["repeat"] = context_.repeat;
    doc["jitter"] = context_.jitter;
    doc["stress"] = {{"cpu_threads", context_.stress_cpu}, {"io", context_.stress_io}};
    return doc;
  }

  /// `"runs": [...]` at the document's second level, one run at a time from the journal, in plan
  /// order, formatted as the rest of the document.
  void write_runs() {
    std::stable_sort(
        entries_.begin(), entries_.end(),
        [](const journal_entry& a, const journal_entry& b) { return a.index < b.index; });
    out_ << "\"runs\": [";
    if (entries_.empty()) {
      out_ << "]";
      return;
    }
    bool first = true;
    for (const auto& e : entries_) {
      out_ << (first ? "\n" : ",\n") << "    ";
      write_indented_json(out_, journal_->read(e.offset, e.size), 2);
      first = false;
    }
    out_ << "\n  ]";
  }

  std::ostream& out_;
  std::unique_ptr<spool> journal_;
  results::report_context context_;
  std::vector<journal_entry> entries_;
  results::run_statistics stats_;
  matrix_collector matrices_;
};

std::unique_ptr<reporter> make(const format_output& o) {
  // The journal lives in --out beside report.json, so a killed wsrepro leaves the finished runs.
  return std::make_unique<json_reporter>(
      o.out, o.out_dir.empty() ? make_memory_spool() : make_file_spool(o.out_dir / "runs.jsonl"));
}

}  // namespace

}  // namespace wsrepro::reports

void wsrepro_register_format_json() {
  wsrepro::reports::register_format({"json",
                                     "report.json",
                                     "everything known about every run, for tools and diffs",
                                     {"runs.jsonl"},
                                     true,
                                     wsrepro::reports::make});
}
