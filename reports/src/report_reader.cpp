#include "wsrepro/reports/report_reader.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "report_json.hpp"

namespace wsrepro::reports {

namespace {

struct bad_report {
  std::string message;
};

/// One JSON object of the report, read with every field's type checked first: nlohmann's
/// conversions cast whatever is there, and a seed of 1e30 read as an integer is undefined
/// behaviour. Errors name the object (`run 3`) and the key's path (`measurements.hang_ms.unit`).
class object_reader {
 public:
  object_reader(const json& j, std::string where, std::string path = {})
      : j_(j), where_(std::move(where)), path_(std::move(path)) {
    if (!j_.is_object()) fail("", "is not an object");
  }

  bool has(const char* key) const { return j_.contains(key); }
  bool has_value(const char* key) const { return has(key) && !j_[key].is_null(); }

  const json& get(const char* key) const {
    if (!has(key)) fail(key, "is missing");
    return j_[key];
  }

  std::string text(const char* key) const {
    const auto& v = get(key);
    if (!v.is_string()) fail(key, "is not text");
    return v.get<std::string>();
  }
  std::string text_or(const char* key, std::string fallback) const {
    return has(key) ? text(key) : std::move(fallback);
  }
  /// Text or null (or absent).
  std::optional<std::string> optional_text(const char* key) const {
    if (!has_value(key)) return std::nullopt;
    return text(key);
  }
  bool flag(const char* key) const {
    const auto& v = get(key);
    if (!v.is_boolean()) fail(key, "is not true or false");
    return v.get<bool>();
  }
  bool flag_or(const char* key, bool fallback) const { return has(key) ? flag(key) : fallback; }
  double number(const char* key) const {
    const auto& v = get(key);
    if (!v.is_number()) fail(key, "is not a number");
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(key, "is not a finite number");
    return d;
  }
  std::int64_t integer(const char* key, std::int64_t low = std::numeric_limits<std::int64_t>::min(),
                       std::int64_t high = std::numeric_limits<std::int64_t>::max()) const {
    const auto& v = get(key);
    if (!v.is_number_integer()) fail(key, "is not a whole number");
    if (v.is_number_unsigned() &&
        v.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(key, "is too large");
    }
    const auto n = v.get<std::int64_t>();
    if (n < low || n > high) fail(key, "is out of range");
    return n;
  }
  int small_integer(const char* key) const {
    return static_cast<int>(
        integer(key, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
  }
  std::uint64_t unsigned_integer(const char* key) const {
    const auto& v = get(key);
    if (!v.is_number_unsigned()) fail(key, "is not a whole number >= 0");
    return v.get<std::uint64_t>();
  }
  const json& array(const char* key) const {
    const auto& v = get(key);
    if (!v.is_array()) fail(key, "is not a list");
    return v;
  }
  std::vector<std::string> texts(const char* key) const {
    std::vector<std::string> out;
    for (const auto& item : array(key)) {
      if (!item.is_string()) fail(key, "holds something other than text");
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  object_reader object(const char* key) const { return {get(key), where_, path_ + key + "."}; }
  /// Each element of the list `key`, as an object, made a T by `read`.
  template <typename T, typename Read>
  std::vector<T> list_of(const char* key, Read read) const {
    std::vector<T> out;
    const auto& items = array(key);
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      out.push_back(
          read(object_reader(items[i], where_, path_ + key + "[" + std::to_string(i) + "].")));
    }
    return out;
  }
  object_reader member(const std::string& key, const json& item) const {
    return {item, where_, path_ + key + "."};
  }
  const json& raw() const { return j_; }
  const std::string& where() const { return where_; }

  [[noreturn]] void fail(std::string_view key, std::string_view what) const {
    std::string name = path_ + std::string(key);
    if (!name.empty() && name.back() == '.') name.pop_back();
    throw bad_report{where_ + ": " + (name.empty() ? "" : name + " ") + std::string(what)};
  }

 private:
  const json& j_;
  std::string where_;
  std::string path_;
};

results::verdict verdict_from(const object_reader& o, const char* key) {
  const std::string v = o.text(key);
  for (auto candidate :
       {results::verdict::pass, results::verdict::fail, results::verdict::known_bug,
        results::verdict::skipped, results::verdict::error, results::verdict::unsupported}) {
    if (results::to_string(candidate) == v) return candidate;
  }
  o.fail(key, "is not a verdict (pass, fail, known_bug, skipped, error, unsupported)");
}

results::measurement_status status_from(const object_reader& o, const char* key) {
  const std::string v = o.text(key);
  for (auto candidate :
       {results::measurement_status::measured, results::measurement_status::not_applicable,
        results::measurement_status::missing}) {
    if (results::to_string(candidate) == v) return candidate;
  }
  o.fail(key, "is not a status (measured, not_applicable, missing)");
}

/// A time on the run's clock in ms (as report.json writes it) back on the monotonic clock.
mono_ns at(mono_ns started_ns, double t_ms) {
  constexpr double limit = 9.0e15;  // ms: far past any run, far below int64 overflow in ns
  if (!(std::fabs(t_ms) < limit)) return started_ns;
  return started_ns + static_cast<mono_ns>(std::llround(t_ms * 1e6));
}

std::vector<results::check> read_checks(const object_reader& o, const char* key) {
  return o.list_of<results::check>(key, [](const object_reader& c) {
    return results::check{c.text("measurement"), c.text("expected"), c.text("actual"),
                          c.flag("met"), c.text("message")};
  });
}

results::measurement read_measurement(const object_reader& m, const std::string& name,
                                      mono_ns started_ns) {
  results::measurement out;
  out.name = name;
  out.unit = m.text("unit");
  out.status = status_from(m, "status");
  const auto& value = m.get("value");
  if (value.is_string()) {
    out.text = value.get<std::string>();
  } else if (!value.is_null()) {
    out.value = m.number("value");
  }
  out.from_event = m.text("from_event");
  out.to_event = m.text("to_event");
  out.lower_bound = m.flag("lower_bound");
  out.note = m.text_or("note", "");
  if (m.has("span_ms")) {
    const auto& span = m.array("span_ms");
    if (span.size() != 2 || !span[0].is_number() || !span[1].is_number()) {
      m.fail("span_ms", "is not a pair of numbers");
    }
    out.span_from_ns = at(started_ns, span[0].get<double>());
    out.span_to_ns = at(started_ns, span[1].get<double>());
  }
  return out;
}

attr_value read_attr(const object_reader& e, const std::string& key, const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() &&
        v.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      e.fail(key, "is too large");
    }
    return v.get<std::int64_t>();
  }
  if (v.is_number_float() && std::isfinite(v.get<double>())) return v.get<double>();
  e.fail(key, "is not a number, text or true/false");
}

event read_event(const object_reader& e) {
  event out;
  out.t_ns = e.integer("t_ns");
  const std::string name = e.text("event");
  const auto dot = name.find('.');
  if (dot == std::string::npos) e.fail("event", "is not SOURCE.KIND");
  out.source = name.substr(0, dot);
  out.kind = name.substr(dot + 1);
  if (e.has("conn")) out.connection = e.small_integer("conn");
  for (const auto& [key, value] : e.raw().items()) {
    if (key == "t_ms" || key == "t_ns" || key == "event" || key == "conn") continue;
    // The writer renamed an attribute that collides with a fixed field.
    std::string attr = key;
    if (attr.starts_with("attr.")) {
      const std::string plain = attr.substr(5);
      if (plain == "t_ms" || plain == "t_ns" || plain == "event" || plain == "conn") attr = plain;
    }
    out.attrs.emplace_back(attr, read_attr(e, key, value));
  }
  return out;
}

results::captured_output read_output(const object_reader& o) {
  return {o.text("data"), o.unsigned_integer("total_bytes"), o.flag("truncated")};
}

results::process_stacks read_process(const object_reader& p) {
  results::process_stacks out;
  out.pid = p.small_integer("pid");
  out.command = p.text("command");
  out.runtime = p.text("runtime");
  out.tool = p.text("tool");
  out.paused = p.flag("paused");
  out.duration_ms = p.number("duration_ms");
  out.threads = p.list_of<results::thread_stack>("threads", [](const object_reader& t) {
    results::thread_stack thread;
    thread.tid = t.small_integer("tid");
    thread.name = t.text("name");
    thread.state = t.text("state");
    thread.main = t.flag("main");
    thread.frames = t.list_of<results::stack_frame>("frames", [](const object_reader& f) {
      return results::stack_frame{f.text("function"), f.text("file"),
                                  f.has("line") ? f.small_integer("line") : 0, f.flag("user_code")};
    });
    return thread;
  });
  out.error = p.text_or("error", "");
  if (p.has("notes")) out.notes = p.texts("notes");
  out.raw = p.text_or("raw", "");
  return out;
}

results::diagnosis read_diagnosis(const object_reader& d, mono_ns started_ns) {
  results::diagnosis out;
  out.captures = d.list_of<results::stack_capture>("captures", [&](const object_reader& c) {
    results::stack_capture capture;
    capture.t_ns = at(started_ns, c.number("t_ms"));
    capture.why = c.text("why");
    capture.duration_ms = c.number("duration_ms");
    capture.blocked_at = c.text("blocked_at");
    capture.connection = c.text("connection");
    capture.processes = c.list_of<results::process_stacks>("processes", read_process);
    capture.sockets = c.list_of<results::socket_state>("sockets", [](const object_reader& s) {
      results::socket_state socket;
      socket.pid = s.small_integer("pid");
      socket.local = s.text("local");
      socket.remote = s.text("remote");
      socket.state = s.text("state");
      socket.recv_queue = s.unsigned_integer("recv_queue");
      socket.send_queue = s.unsigned_integer("send_queue");
      socket.timer = s.text("timer");
      socket.server_view = s.text("server_view");
      return socket;
    });
    return capture;
  });
  return out;
}

/// The run's zero: recorded since report.json has `started_ns`; in older reports, recovered
/// from the first event (to the microsecond report.json rounds to).
mono_ns started_of(const object_reader& run) {
  if (run.has("started_ns")) return run.integer("started_ns");
  const auto& timeline = run.array("timeline");
  if (timeline.empty()) return 0;
  const object_reader first(timeline[0], run.where(), "timeline[0].");
  return at(first.integer("t_ns"), -first.number("t_ms"));
}

results::run_result read_run(const object_reader& run, std::size_t position) {
  results::run_result r;
  r.index = run.has("index") ? run.unsigned_integer("index") : position;
  r.scenario_id = run.text("scenario");
  r.scenario_title = run.text("title");
  r.category = run.text("category");
  r.client = run.text("client");
  r.client_name = run.text_or("client_name", r.client);
  r.client_version = run.text_or("client_version", "");
  r.library = run.text_or("library", "");
  r.library_version = run.optional_text("library_version");
  r.runtime_version = run.optional_text("runtime_version");
  r.repetition = run.small_integer("repetition");
  r.seed = run.unsigned_integer("seed");
  if (run.has("server_params")) {
    const auto params = run.object("server_params");
    for (const auto& [name, value] : params.raw().items()) {
      (void)value;
      r.param_overrides[name] = params.integer(name.c_str());
    }
  }
  if (run.has("replay_args")) r.replay_args = run.texts("replay_args");
  r.outcome = verdict_from(run, "verdict");
  r.reason = run.text("reason");
  r.expectation = run.text("expectation");
  r.headline = run.text_or("headline", r.headline);
  r.argv = run.texts("argv");
  r.url = run.text("url");
  r.duration_ms = run.number("duration_ms");
  r.started_ns = started_of(run);
  if (run.has("machine")) {
    const auto machine = run.object("machine");
    results::machine_load load;
    if (machine.has_value("cpu_busy_pct")) load.cpu_busy_pct = machine.number("cpu_busy_pct");
    if (machine.has_value("cpu_wait_pct")) load.cpu_wait_pct = machine.number("cpu_wait_pct");
    load.runs_at_once = machine.small_integer("runs_at_once");
    load.saturated = machine.flag("saturated");
    load.timing_in_doubt = machine.flag("timing_in_doubt");
    load.rerun_alone = machine.flag_or("rerun_alone", false);
    if (load.rerun_alone) load.first_attempt = machine.text("first_attempt");
    r.machine = load;
  }
  const auto measurements = run.object("measurements");
  for (const auto& [name, value] : measurements.raw().items()) {
    r.measurements.push_back(
        read_measurement(measurements.member(name, value), name, r.started_ns));
  }
  if (run.has("situation")) {
    const auto situation = run.object("situation");
    r.situation = situation.texts("requires");
    r.situation_missing = situation.texts("missing");
  }
  r.checks = read_checks(run, "checks");
  if (run.has("failed_attempts")) {
    r.failed_attempts =
        run.list_of<results::failed_attempt>("failed_attempts", [](const object_reader& a) {
          return results::failed_attempt{verdict_from(a, "verdict"), a.text("reason"),
                                         a.number("duration_ms")};
        });
  }
  if (run.has("known_bug")) {
    const auto bug = run.object("known_bug");
    r.known_bug = results::known_bug_outcome{bug.text("id"), bug.text("summary"),
                                             bug.flag("reproduced"), read_checks(bug, "checks")};
  }
  r.leaks = run.list_of<results::leaked_process>("leaks", [](const object_reader& l) {
    return results::leaked_process{l.small_integer("pid"), l.text("command")};
  });
  r.timeline = run.list_of<event>("timeline", read_event);
  if (run.has("timeline_dropped_events")) {
    r.timeline_dropped = run.unsigned_integer("timeline_dropped_events");
  }
  const auto output = run.object("output");
  r.client_stdout = read_output(output.object("stdout"));
  r.client_stderr = read_output(output.object("stderr"));
  if (run.has("diagnosis")) r.diagnosis = read_diagnosis(run.object("diagnosis"), r.started_ns);
  return r;
}

results::report_context read_context(const object_reader& doc) {
  results::report_context c;
  c.wsrepro_version = doc.text("wsrepro_version");
  c.command_line = doc.text("command_line");
  c.started_at = doc.text("started_at");
  c.time_scale = doc.number("time_scale");
  c.strict = doc.flag("strict");
  c.seed = doc.unsigned_integer("seed");
  c.repeat = doc.small_integer("repeat");
  c.retries = doc.has("retries") ? doc.small_integer("retries") : 0;
  c.shard = doc.optional_text("shard").value_or("");
  c.jitter = doc.texts("jitter");
  const auto stress = doc.object("stress");
  c.stress_cpu = stress.small_integer("cpu_threads");
  c.stress_io = stress.flag("io");
  if (doc.has("merged_from")) {
    c.merged_from = doc.list_of<results::merged_part>("merged_from", [](const object_reader& p) {
      return results::merged_part{p.text("report"), p.optional_text("shard").value_or(""),
                                  p.text("command_line"), p.text("started_at")};
    });
  }
  return c;
}

}  // namespace

std::variant<loaded_report, std::string> read_report(std::string_view text,
                                                     const std::string& file) {
  const auto doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("runs")) {
    return file + " is not a wsrepro report.json";
  }
  try {
    const object_reader top(doc, file);
    if (top.has("schema_version") &&
        top.integer("schema_version", 0, std::numeric_limits<int>::max()) > report_schema_version) {
      return file + " was written by a newer wsrepro (schema_version " +
             std::to_string(top.integer("schema_version")) + "; this one reads up to " +
             std::to_string(report_schema_version) + ")";
    }
    loaded_report out;
    out.context = read_context(top);
    const auto& runs = top.array("runs");
    out.runs.reserve(runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i) {
      out.runs.push_back(read_run(object_reader(runs[i], file + ": run " + std::to_string(i)), i));
    }
    const auto summary = top.object("summary");
    out.summary.duration_ms = summary.number("duration_ms");
    out.summary.exit_code = summary.small_integer("exit_code");
    out.summary.interrupted = summary.flag("interrupted");
    for (const auto& r : out.runs) out.summary.counts.add(r);
    return out;
  } catch (const bad_report& e) {
    return e.message;
  }
}

}  // namespace wsrepro::reports
