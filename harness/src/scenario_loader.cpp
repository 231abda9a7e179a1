#include "wsrepro/harness/scenario_loader.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <csignal>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "toml_reader.hpp"
#include "wsrepro/common/events.hpp"
#include "wsrepro/common/files.hpp"
#include "wsrepro/common/version.hpp"
#include "wsrepro/mock/registry.hpp"

namespace wsrepro::harness {

namespace fs = std::filesystem;

std::string load_error::to_string() const {
  std::string out = file.string();
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(std::max(column, 1));
  out += ": ";
  if (!key.empty()) out += "key '" + key + "': ";
  return out + message;
}

using detail::error_sink;
using detail::table_reader;

namespace {

constexpr std::size_t max_id_length = 128;

/// category.slug[.more], lower-case letters, digits and _. A loop, not std::regex: libstdc++'s
/// regex matcher recurses per character, and the scenario-loader fuzzer overflowed the stack
/// with a 30 KB id.
bool is_scenario_id(std::string_view id) {
  if (id.empty() || id.size() > max_id_length) return false;
  bool dotted = false;
  bool part_empty = true;
  for (const char c : id) {
    if (c == '.') {
      if (part_empty) return false;
      dotted = true;
      part_empty = true;
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
      part_empty = false;
    } else {
      return false;
    }
  }
  return dotted && !part_empty;
}

}  // namespace

namespace {

/// The declared kinds of a source: the vocabulary's, with every behaviour's own (registering
/// the behaviours declares them).
std::vector<std::string> known_kinds(const std::string& source) {
  (void)mock::all_behaviours();
  return event_kinds_of(source);
}

/// Checks an event name like `server.fault`; returns an error message or empty.
std::string check_event_name(const std::string& name, bool allow_previous) {
  if (allow_previous && name == "previous") return {};
  const auto dot = name.find('.');
  const std::string hint = allow_previous ? " or 'previous'" : "";
  if (dot == std::string::npos) {
    return "expected an event name like 'server.fault' or 'client.spawn'" + hint + ", got '" +
           name + "'";
  }
  const std::string source = name.substr(0, dot);
  const std::string kind = name.substr(dot + 1);
  if (source == "driver") return kind.empty() ? "missing event kind after 'driver.'" : "";
  const auto& sources = event_sources();
  if (std::find(sources.begin(), sources.end(), source) == sources.end()) {
    std::string message = "unknown event source '" + source + "'";
    const std::string s = nearest(source, sources);
    if (!s.empty()) message += "; did you mean '" + s + "'?";
    return message + " (sources: server, client, harness, driver)";
  }
  const auto kinds = known_kinds(source);
  if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) return {};
  std::string message = "unknown event '" + name + "'";
  const std::string s = nearest(kind, kinds);
  if (!s.empty()) message += "; did you mean '" + source + "." + s + "'?";
  std::string list;
  for (const auto& k : kinds) list += (list.empty() ? "" : ", ") + source + "." + k;
  return message + " (known: " + list + ")";
}

std::optional<mock::param_value> toml_param(const toml::node& n) {
  if (const auto* i = n.as_integer()) return mock::param_value{i->get()};
  if (const auto* b = n.as_boolean()) return mock::param_value{b->get()};
  if (const auto* s = n.as_string()) return mock::param_value{s->get()};
  return std::nullopt;
}

void read_server(table_reader& top, scenario& s, error_sink& errors) {
  const toml::table* server = top.table("server", true);
  if (server == nullptr) return;
  table_reader reader(*server, "server", errors);
  const auto behaviour = reader.string("behaviour", true);
  const toml::table* params = reader.table("params", false);
  if (const toml::node* tls = reader.node("tls"); tls != nullptr) {
    if (const auto* flag = tls->as_boolean()) {
      s.tls = flag->get();
    } else {
      reader.type_error(*tls, "tls", "true or false");
    }
  }
  if (const auto listen = reader.string("listen", false)) {
    if (*listen == "127.0.0.1" || *listen == "::1") {
      s.listen = *listen;
    } else {
      errors.add(server->get("listen")->source(), "server.listen",
                 "expected '127.0.0.1' or '::1' (loopback only), got '" + *listen + "'");
    }
  }
  reader.finish();
  if (!behaviour) return;
  const mock::behaviour_info* info = mock::find_behaviour(*behaviour);
  if (info == nullptr) {
    std::vector<std::string> names;
    std::string list;
    for (const auto& b : mock::all_behaviours()) {
      names.push_back(b.name);
      list += (list.empty() ? "" : ", ") + b.name;
    }
    std::string message = "unknown behaviour '" + *behaviour + "'";
    const std::string suggestion = nearest(*behaviour, names);
    if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
    errors.add(server->get("behaviour")->source(), "server.behaviour",
               message + " (known: " + list + ")");
    return;
  }
  s.behaviour = info->name;
  s.params = mock::param_values(info->params);
  if (params == nullptr) return;
  std::vector<std::string> names;
  for (const auto& p : info->params) names.push_back(p.name);
  for (const auto& [key, value] : *params) {
    const std::string name(key.str());
    const std::string path = "server.params." + name;
    const mock::param_spec* spec = mock::find_param(info->params, name);
    if (spec == nullptr) {
      std::string message = "behaviour '" + info->name + "' has no parameter '" + name + "'";
      const std::string suggestion = nearest(name, names);
      if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      errors.add(key.source(), path,
                 message + " (parameters: " + (list.empty() ? "none" : list) + ")");
      continue;
    }
    const auto v = toml_param(value);
    if (!v) {
      errors.add(value.source(), path, "expected " + std::string(mock::to_string(spec->type)));
      continue;
    }
    if (auto problem = mock::check_value(*spec, *v)) {
      errors.add(value.source(), path, *problem);
      continue;
    }
    s.params.set(name, *v);
  }
  if (info->check) {
    if (auto problem = info->check(s.params))
      errors.add(params->source(), "server.params", *problem);
  }
}

void read_client_env(const toml::table& env, scenario& s, error_sink& errors) {
  for (const auto& [key, value] : env) {
    const std::string name(key.str());
    const std::string path = "client.env." + name;
    if (name.empty() || name.find_first_of("=") != std::string::npos) {
      errors.add(key.source(), path,
                 "an environment variable's name must be non-empty and have no '='");
      continue;
    }
    if (const auto spec = std::find_if(
            client_setting_specs().begin(), client_setting_specs().end(),
            [&](const client_setting_spec& c) { return client_setting_variable(c.name) == name; });
        spec != client_setting_specs().end()) {
      errors.add(key.source(), path,
                 name + " is a client setting: give it as [client.settings] " + spec->name +
                     ", which every driver reads and --time-scale scales");
      continue;
    }
    std::string text;
    if (const auto* string_value = value.as_string()) {
      text = string_value->get();
    } else if (const auto* number = value.as_integer()) {
      text = std::to_string(number->get());
    } else {
      errors.add(value.source(), path, "expected a string or an integer");
      continue;
    }
    if (text.find('\0') != std::string::npos) {
      errors.add(value.source(), path, "an environment value cannot hold a NUL byte");
      continue;
    }
    s.client_env[name] = text;
  }
}

void read_client_settings(const toml::table& settings, scenario& s, error_sink& errors) {
  std::vector<std::string> names;
  for (const auto& spec : client_setting_specs()) names.push_back(spec.name);
  for (const auto& [key, value] : settings) {
    const std::string name(key.str());
    const std::string path = "client.settings." + name;
    const auto spec = std::find_if(client_setting_specs().begin(), client_setting_specs().end(),
                                   [&](const client_setting_spec& c) { return c.name == name; });
    if (spec == client_setting_specs().end()) {
      std::string message = "unknown client setting";
      if (const auto near = nearest(name, names); !near.empty()) {
        message += "; did you mean '" + near + "'?";
      }
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      errors.add(key.source(), path, message + " (known: " + list + ")");
      continue;
    }
    if (spec->duration) {
      const auto* number = value.as_integer();
      if (number == nullptr || number->get() < 0 || number->get() > 86'400'000) {
        errors.add(value.source(), path,
                   "expected a whole number of milliseconds between 0 and 86400000");
        continue;
      }
      s.client_settings[name] = std::to_string(number->get());
    } else if (const auto* text = value.as_string();
               text != nullptr && text->get().find('\0') == std::string::npos) {
      s.client_settings[name] = text->get();
    } else {
      errors.add(value.source(), path, "expected a string");
    }
  }
}

void read_signals(table_reader& top, scenario& s, error_sink& errors) {
  const toml::array* steps = top.array_of_tables("signal");
  if (steps == nullptr) return;
  int index = 0;
  for (const auto& element : *steps) {
    const auto& table = *element.as_table();
    table_reader reader(table, "signal[" + std::to_string(index) + "]", errors);
    signal_step step;
    if (const auto text = reader.string("send", true)) {
      if (const auto number = signal_number(*text)) {
        step.signal = *number;
        step.signal_text = signal_name(*number);
      } else {
        errors.add(table.get("send")->source(), reader.key_path("send"),
                   "unknown signal '" + *text + "' (e.g. SIGINT, SIGTERM, SIGKILL, SIGHUP)");
      }
    }
    step.after = reader.string("after", false).value_or(index == 0 ? "client.spawn" : "previous");
    if (index == 0 && step.after == "previous") {
      errors.add(table.source(), reader.key_path("after"),
                 "the first signal has no previous one: anchor it on an event");
    } else if (auto problem = check_event_name(step.after, true); !problem.empty()) {
      errors.add(table.get("after")->source(), reader.key_path("after"), problem);
    }
    step.delay_ms = reader.number("delay_ms", 0, 86'400'000).value_or(0);
    if (const auto to = reader.string("to", false)) {
      if (*to == "group") {
        step.target = signal_target::group;
      } else if (*to == "terminal") {
        step.target = signal_target::terminal;
        if (s.input != stdin_mode::pty) {
          errors.add(table.get("to")->source(), reader.key_path("to"),
                     "a signal through the terminal needs [client] stdin = \"pty\"");
        } else if (step.signal != SIGINT && step.signal != SIGQUIT && step.signal != SIGTSTP) {
          errors.add(table.get("to")->source(), reader.key_path("to"),
                     "a terminal can only type SIGINT (Ctrl+C), SIGQUIT (Ctrl+\\) or SIGTSTP "
                     "(Ctrl+Z)");
        }
      } else if (*to != "process") {
        errors.add(table.get("to")->source(), reader.key_path("to"),
                   "expected 'process', 'group' or 'terminal', got '" + *to + "'");
      }
    }
    reader.finish();
    s.signals.push_back(step);
    ++index;
  }
}

void read_captures(table_reader& top, scenario& s, error_sink& errors) {
  const toml::array* steps = top.array_of_tables("capture");
  if (steps == nullptr) return;
  int index = 0;
  for (const auto& element : *steps) {
    const auto& table = *element.as_table();
    table_reader reader(table, "capture[" + std::to_string(index++) + "]", errors);
    capture_step step;
    if (const auto after = reader.string("after", true)) {
      if (auto problem = check_event_name(*after, false); !problem.empty()) {
        errors.add(table.get("after")->source(), reader.key_path("after"), problem);
      }
      step.after = *after;
    }
    step.delay_ms = reader.number("delay_ms", 0, 86'400'000).value_or(0);
    reader.finish();
    s.captures.push_back(step);
  }
}

void read_windows(table_reader& top, scenario& s, error_sink& errors) {
  const toml::array* windows = top.array_of_tables("window");
  if (windows == nullptr) return;
  int index = 0;
  for (const auto& element : *windows) {
    const auto& table = *element.as_table();
    table_reader reader(table, "window[" + std::to_string(index++) + "]", errors);
    window_spec w;
    w.name = reader.string("name", true).value_or("");
    w.from = reader.string("from", true).value_or("");
    w.to = reader.string("to", true).value_or("");
    reader.finish();
    if (!w.name.empty() && !w.name.ends_with("_ms")) {
      errors.add(table.get("name")->source(), reader.key_path("name"),
                 "a window measures time: its name must end in _ms");
    }
    const auto& builtins = builtin_measurement_names();
    if (std::find(builtins.begin(), builtins.end(), w.name) != builtins.end()) {
      errors.add(table.get("name")->source(), reader.key_path("name"),
                 "'" + w.name + "' is a built-in measurement");
    }
    for (const auto* key : {"from", "to"}) {
      const std::string& value = std::string_view(key) == "from" ? w.from : w.to;
      if (value.empty()) continue;
      if (auto problem = check_event_name(value, false); !problem.empty()) {
        errors.add(table.get(key)->source(), reader.key_path(key), problem);
      }
    }
    s.windows.push_back(w);
  }
}

/// Checks a scenario-defined measurement's name: its unit suffix, and no clash with another.
void check_measurement_name(const toml::table& table, table_reader& reader, const scenario& s,
                            const std::string& name, std::string_view suffix, error_sink& errors) {
  if (name.empty()) return;
  if (!suffix.empty() && !name.ends_with(suffix)) {
    errors.add(table.get("name")->source(), reader.key_path("name"),
               "its name must end in " + std::string(suffix));
  }
  const auto& builtins = builtin_measurement_names();
  bool taken = std::find(builtins.begin(), builtins.end(), name) != builtins.end();
  for (const auto& w : s.windows) taken = taken || w.name == name;
  for (const auto& c : s.counts) taken = taken || c.name == name;
  for (const auto& f : s.fields) taken = taken || f.name == name;
  if (taken) {
    errors.add(table.get("name")->source(), reader.key_path("name"),
               "'" + name + "' is already a measurement");
  }
}

void read_counts_and_fields(table_reader& top, scenario& s, error_sink& errors) {
  if (const toml::array* counts = top.array_of_tables("count")) {
    int index = 0;
    for (const auto& element : *counts) {
      const auto& table = *element.as_table();
      table_reader reader(table, "count[" + std::to_string(index++) + "]", errors);
      count_spec c;
      c.name = reader.string("name", true).value_or("");
      c.event = reader.string("event", true).value_or("");
      reader.finish();
      check_measurement_name(table, reader, s, c.name, "_count", errors);
      if (auto problem = check_event_name(c.event, false); !c.event.empty() && !problem.empty()) {
        errors.add(table.get("event")->source(), reader.key_path("event"), problem);
      }
      s.counts.push_back(c);
    }
  }
  if (const toml::array* fields = top.array_of_tables("field")) {
    int index = 0;
    for (const auto& element : *fields) {
      const auto& table = *element.as_table();
      table_reader reader(table, "field[" + std::to_string(index++) + "]", errors);
      field_spec f;
      f.name = reader.string("name", true).value_or("");
      f.event = reader.string("event", true).value_or("");
      f.attr = reader.string("attr", true).value_or("");
      f.nth = static_cast<int>(reader.number("nth", 1, 1'000'000).value_or(1));
      reader.finish();
      check_measurement_name(table, reader, s, f.name, "", errors);
      if (auto problem = check_event_name(f.event, false); !f.event.empty() && !problem.empty()) {
        errors.add(table.get("event")->source(), reader.key_path("event"), problem);
      }
      s.fields.push_back(f);
    }
  }
}

/// An [expect] table, or a [known_bug.expect] one: exit, thresholds, allowed text values.
void read_expectation(const toml::table& table, const std::string& path, const scenario& s,
                      expectation& expect, error_sink& errors) {
  table_reader reader(table, path, errors);
  if (const auto exit = reader.string("exit", false)) {
    if (*exit == "zero") {
      expect.exit = exit_expectation::zero;
    } else if (*exit == "nonzero") {
      expect.exit = exit_expectation::nonzero;
    } else if (*exit != "any") {
      errors.add(table.get("exit")->source(), path + ".exit",
                 "expected 'zero', 'nonzero' or 'any', got '" + *exit + "'");
    }
  }
  // Text measurements take one value or a list of allowed ones: ended_by = ["exit", "SIGINT"].
  // A scenario's own fields take any value.
  std::map<std::string, std::vector<std::string>> text_values = text_measurement_values();
  for (const auto& f : s.fields) text_values[f.name] = {"*"};
  for (const auto& [name, known] : text_values) {
    const toml::node* n = reader.node(name);
    if (n == nullptr) continue;
    std::vector<std::string> values;
    if (const auto* text = n->as_string()) {
      values.push_back(text->get());
    } else if (const auto* flag = n->as_boolean()) {
      values.emplace_back(flag->get() ? "true" : "false");
    } else if (const auto* list = n->as_array();
               list != nullptr && !list->empty() && list->is_homogeneous<std::string>()) {
      for (const auto& element : *list) values.push_back(element.as_string()->get());
    } else {
      reader.type_error(*n, name, "a string or an array of strings");
      continue;
    }
    for (const auto& v : values) {
      const bool ok = known.empty() ? signal_number(v).has_value()
                                    : known.front() == "*" ||
                                          std::find(known.begin(), known.end(), v) != known.end();
      if (ok) continue;
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      errors.add(
          n->source(), path + "." + name,
          "unknown value '" + v + "' (known: " + (list.empty() ? "signal names" : list) + ")");
    }
    expect.one_of[name] = values;
  }
  std::vector<std::string> measurements;
  for (const auto& name : builtin_measurement_names()) {
    if (text_measurement_values().count(name) == 0) measurements.push_back(name);
  }
  for (const auto& w : s.windows) measurements.push_back(w.name);
  for (const auto& c : s.counts) measurements.push_back(c.name);
  for (const auto& name : measurements) {
    const toml::table* limit = reader.table(name, false);
    if (limit == nullptr) continue;
    table_reader limit_reader(*limit, path + "." + name, errors);
    threshold t;
    t.min = limit_reader.number("min", -1e12, 1e12);
    t.max = limit_reader.number("max", -1e12, 1e12);
    limit_reader.finish();
    if (limit->get("min") == nullptr && limit->get("max") == nullptr) {
      errors.add(limit->source(), path + "." + name, "give a min, a max or both");
    }
    if (t.min && t.max && *t.min > *t.max) {
      std::ostringstream message;
      message << "min (" << *t.min << ") is above max (" << *t.max << "): nothing can meet both";
      errors.add(limit->source(), path + "." + name, message.str());
    }
    if (t.max) {
      // A value the harness cut short is only a lower bound, which never meets a max: a max
      // beyond what a run can show would fail every client that legitimately needs the time.
      if (const auto bound = observable_limit(s, name); bound && *t.max > bound->max_ms) {
        std::ostringstream message;
        message << "max = " << *t.max << " can never be shown to hold: " << bound->why
                << ", so a run can show at most " << bound->max_ms
                << " ms (a value cut short is only a lower bound); lower the max or give the "
                   "client more time";
        errors.add(limit->get("max")->source(), path + "." + name + ".max", message.str());
      }
    }
    expect.limits[name] = t;
  }
  reader.finish();
}

void read_expect(table_reader& top, scenario& s, error_sink& errors) {
  const toml::table* expect = top.table("expect", false);
  if (expect != nullptr) read_expectation(*expect, "expect", s, s.expect, errors);
}

void read_known_bugs(table_reader& top, scenario& s, error_sink& errors) {
  const toml::array* bugs = top.array_of_tables("known_bug");
  if (bugs == nullptr) return;
  int index = 0;
  for (const auto& element : *bugs) {
    const auto& table = *element.as_table();
    const std::string path = "known_bug[" + std::to_string(index++) + "]";
    table_reader reader(table, path, errors);
    known_bug bug;
    bug.id = reader.string("id", true).value_or("");
    bug.summary = reader.string("summary", true).value_or("");
    bug.clients = reader.strings("clients").value_or(bug.clients);
    bug.versions = reader.strings("versions").value_or(std::vector<std::string>{});
    if (table.get("versions") == nullptr) reader.missing("versions");
    for (const auto& v : bug.versions) {
      const auto dots = v.find("..");
      const bool ok =
          v == "*" || (dots == std::string::npos
                           ? is_final_release(v)
                           : (dots == 0 || is_final_release(v.substr(0, dots))) &&
                                 (dots + 2 == v.size() || is_final_release(v.substr(dots + 2))));
      if (!ok) {
        errors.add(table.get("versions")->source(), reader.key_path("versions"),
                   "'" + v + "' is not a version, a range FIRST..LAST or '*'");
      }
    }
    if (const toml::table* signature = reader.table("expect", false)) {
      read_expectation(*signature, path + ".expect", s, bug.signature, errors);
    }
    reader.finish();
    s.known_bugs.push_back(std::move(bug));
  }
}

}  // namespace

load_result parse_scenario(std::string_view text, const fs::path& file) {
  load_result result;
  error_sink errors(file);
  auto parsed = detail::parse_toml(text, errors);
  if (!parsed) {
    result.errors = std::move(errors.errors());
    return result;
  }
  const toml::table doc = std::move(*parsed);
  scenario s;
  s.file = file;
  table_reader top(doc, "", errors);
  if (auto id = top.string("id", true)) {
    if (!is_scenario_id(*id)) {
      errors.add(doc.get("id")->source(), "id",
                 "expected 'category.slug' in lower case (letters, digits, _), at most " +
                     std::to_string(max_id_length) + " characters, got '" +
                     id->substr(0, max_id_length) + (id->size() > max_id_length ? "...'" : "'"));
    }
    s.id = *id;
    s.category = id->substr(0, id->find('.'));
  }
  s.title = top.string("title", true).value_or("");
  s.description = top.string("description", false).value_or("");
  s.clients = top.strings("clients").value_or(std::vector<std::string>{});
  s.applies_to = top.strings("applies_to").value_or(std::vector<std::string>{"*"});
  s.deadline_ms = top.number("deadline_ms", 1, 86'400'000).value_or(s.deadline_ms);
  read_server(top, s, errors);
  if (const toml::table* client = top.table("client", false)) {
    table_reader reader(*client, "client", errors);
    if (const auto input = reader.string("stdin", false)) {
      if (*input == "pipe") {
        s.input = stdin_mode::pipe;
      } else if (*input == "pty") {
        s.input = stdin_mode::pty;
      } else if (*input != "null") {
        errors.add(client->get("stdin")->source(), "client.stdin",
                   "expected 'null', 'pipe' or 'pty', got '" + *input + "'");
      }
    }
    if (const toml::table* env = reader.table("env", false)) read_client_env(*env, s, errors);
    if (const toml::table* settings = reader.table("settings", false)) {
      read_client_settings(*settings, s, errors);
    }
    reader.finish();
  }
  read_signals(top, s, errors);
  read_captures(top, s, errors);
  read_windows(top, s, errors);
  read_counts_and_fields(top, s, errors);
  read_expect(top, s, errors);
  read_known_bugs(top, s, errors);
  if (const auto required = top.strings("requires")) {
    for (const auto& name : *required) {
      if (auto problem = check_event_name(name, false); !problem.empty()) {
        errors.add(doc.get("requires")->source(), "requires", problem);
      } else {
        s.requires_events.push_back(name);
      }
    }
  }
  if (const auto headline = top.string("headline", false)) {
    std::vector<std::string> known = builtin_measurement_names();
    for (const auto& w : s.windows) known.push_back(w.name);
    for (const auto& c : s.counts) known.push_back(c.name);
    for (const auto& f : s.fields) known.push_back(f.name);
    if (std::find(known.begin(), known.end(), *headline) == known.end()) {
      std::string message = "unknown measurement '" + *headline + "'";
      if (const auto near = nearest(*headline, known); !near.empty()) {
        message += "; did you mean '" + near + "'?";
      }
      errors.add(doc.get("headline")->source(), "headline", message);
    }
    s.headline = *headline;
  }
  top.finish();

  result.errors = std::move(errors.errors());
  // In file order, so an editor's user walks them top to bottom.
  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [](const load_error& a, const load_error& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  s.situation = derive_situation(s);
  if (result.errors.empty()) result.scenarios.push_back(std::move(s));
  return result;
}

load_result load_scenarios(const std::vector<fs::path>& paths) {
  load_result result;
  std::vector<fs::path> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".toml")
          found.push_back(entry.path());
      }
      if (found.empty()) {
        result.errors.push_back({path, 0, 0, {}, "no scenario files (*.toml) in this directory"});
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
    } else {
      result.errors.push_back({path, 0, 0, {}, "no such file or directory"});
    }
  }
  std::map<std::string, fs::path> seen;
  for (const auto& file : files) {
    std::string error;
    const auto text = read_file(file, error, detail::max_toml_bytes);
    if (!text) {
      result.errors.push_back({file, 0, 0, {}, "cannot read the file: " + error});
      continue;
    }
    auto one = parse_scenario(*text, file);
    result.errors.insert(result.errors.end(), one.errors.begin(), one.errors.end());
    for (auto& s : one.scenarios) {
      auto [it, inserted] = seen.emplace(s.id, file);
      if (!inserted) {
        result.errors.push_back(
            {file, 1, 1, "id",
             "duplicate id '" + s.id + "' (also in " + it->second.string() + ")"});
        continue;
      }
      result.scenarios.push_back(std::move(s));
    }
  }
  return result;
}

}  // namespace wsrepro::harness
