// wsrepro list scenarios|clients|behaviours|formats|events|measurements|diagnosers

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "catalogue.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "wsrepro/common/events.hpp"
#include "wsrepro/harness/diagnosers.hpp"
#include "wsrepro/harness/measurements.hpp"
#include "wsrepro/mock/registry.hpp"
#include "wsrepro/reports/formats.hpp"

namespace wsrepro::cli {

namespace {

using json = nlohmann::ordered_json;

/// `list KIND --json`: an array of objects, one per item, with what -v shows as fields.
json items_json(const std::string& what, const global_options& globals) {
  json out = json::array();
  if (what == "behaviours") {
    for (const auto& b : mock::all_behaviours()) {
      json params = json::array();
      for (const auto& p : b.params) {
        params.push_back({{"name", p.name},
                          {"type", mock::to_string(p.type)},
                          {"default", mock::to_string(p.default_value)},
                          {"choices", p.choices},
                          {"description", p.description}});
      }
      out.push_back({{"name", b.name},
                     {"description", b.summary},
                     {"fault_event", b.fault_event},
                     {"params", std::move(params)}});
    }
  } else if (what == "formats") {
    for (const auto& f : reports::formats()) {
      out.push_back({{"name", f.name},
                     {"description", f.description},
                     {"file", f.file_name.empty() ? json(nullptr) : json(f.file_name)},
                     {"side_files", f.side_files},
                     {"default", f.by_default}});
    }
  } else if (what == "events") {
    (void)mock::all_behaviours();  // their own kinds join the vocabulary as they register
    for (const auto& k : event_vocabulary()) {
      out.push_back({{"name", k.name()},
                     {"description", k.doc},
                     {"attributes", k.attributes},
                     {"always_kept", k.essential}});
    }
  } else if (what == "measurements") {
    for (const auto& m : harness::measurement_specs()) {
      out.push_back({{"name", m.name},
                     {"description", m.doc},
                     {"unit", m.text ? json(nullptr) : json(m.unit)},
                     {"text_values", m.text_values},
                     {"from", m.from},
                     {"to", m.to},
                     {"needs", m.needs}});
    }
  } else if (what == "diagnosers") {
    for (const auto& d : harness::diagnoser_specs()) {
      out.push_back({{"name", d.name}, {"description", d.doc}, {"tools", d.tools}});
    }
  } else if (what == "clients") {
    const auto catalogue = load_clients(resolve_paths(globals));
    for (const auto& c : catalogue.all()) {
      out.push_back({{"name", c.name},
                     {"description", c.description},
                     {"command", c.command},
                     {"library", c.library ? json(*c.library) : json(nullptr)},
                     {"versions", c.versions},
                     {"manifest", c.manifest.string()}});
    }
  } else {
    for (const auto& s : load_scenarios(resolve_paths(globals), {})) {
      json bugs = json::array();
      for (const auto& b : s.known_bugs) bugs.push_back(b.id);
      out.push_back({{"id", s.id},
                     {"category", s.category},
                     {"title", s.title},
                     {"behaviour", s.behaviour},
                     {"clients", s.clients},
                     {"expect", s.expect.describe()},
                     {"known_bugs", std::move(bugs)},
                     {"deadline_ms", s.deadline_ms},
                     {"file", s.file.string()}});
    }
  }
  return out;
}

std::string default_text(const mock::param_spec& p) {
  const std::string v = mock::to_string(p.default_value);
  return p.type == mock::param_type::string || p.type == mock::param_type::choice ? "'" + v + "'"
                                                                                  : v;
}

void list_behaviours(bool verbose) {
  for (const auto& b : mock::all_behaviours()) {
    std::cout << b.name << std::string(b.name.size() < 24 ? 24 - b.name.size() : 1, ' ')
              << b.summary << "\n";
    if (!verbose) continue;
    std::cout << "    fault: " << b.fault_event << "\n";
    for (const auto& p : b.params) {
      std::cout << "    " << p.name << " (" << mock::to_string(p.type);
      if (p.type == mock::param_type::choice) {
        std::string choices;
        for (const auto& c : p.choices) choices += (choices.empty() ? ": " : "|") + c;
        std::cout << choices;
      }
      std::cout << ", default " << default_text(p) << "): " << p.description << "\n";
    }
  }
}

void list_formats(bool verbose) {
  for (const auto& f : reports::formats()) {
    std::cout << f.name << std::string(f.name.size() < 24 ? 24 - f.name.size() : 1, ' ')
              << f.description << "\n";
    if (!verbose) continue;
    std::string files = f.file_name.empty() ? "standard output" : std::string(f.file_name);
    for (const auto side : f.side_files) files += ", " + std::string(side);
    std::cout << "    writes: " << files << (f.by_default ? "; on by default" : "") << "\n";
  }
}

void list_events(bool verbose) {
  (void)mock::all_behaviours();  // their own kinds join the vocabulary as they register
  for (const auto& k : event_vocabulary()) {
    const std::string name = k.name();
    std::cout << name << std::string(name.size() < 32 ? 32 - name.size() : 1, ' ') << k.doc << "\n";
    if (!verbose) continue;
    std::cout << "    attributes: " << (k.attributes.empty() ? "none" : k.attributes)
              << (k.essential ? "; always kept" : "; dropped past the timeline's bound") << "\n";
  }
  std::cout << "driver.*" << std::string(24, ' ') << "whatever a driver reports (never checked)\n";
}

void list_measurements(bool verbose) {
  for (const auto& m : harness::measurement_specs()) {
    std::cout << m.name << std::string(m.name.size() < 32 ? 32 - m.name.size() : 1, ' ') << m.doc
              << "\n";
    if (!verbose) continue;
    std::string values = m.text ? "text" : "unit " + m.unit;
    if (m.text && !m.text_values.empty()) {
      values += ":";
      for (const auto& v : m.text_values) values += " " + v;
    }
    std::cout << "    from " << m.from << " to " << (m.to.empty() ? "(varies)" : m.to) << "; "
              << values << (m.needs.empty() ? "" : "; needs " + m.needs)
              << (m.observable != nullptr ? "; bounded by what wsrepro does" : "") << "\n";
  }
}

void list_diagnosers(bool verbose) {
  for (const auto& d : harness::diagnoser_specs()) {
    std::cout << d.name << std::string(d.name.size() < 24 ? 24 - d.name.size() : 1, ' ') << d.doc
              << "\n";
    if (verbose) std::cout << "    tool: " << d.tools << "\n";
  }
}

int list(const std::string& what, bool verbose, bool as_json, const global_options& globals) {
  if (as_json) {
    std::cout << items_json(what, globals).dump(2) << std::endl;
    return ok;
  }
  if (what == "diagnosers") {
    list_diagnosers(verbose);
    return ok;
  }
  if (what == "measurements") {
    list_measurements(verbose);
    return ok;
  }
  if (what == "events") {
    list_events(verbose);
    return ok;
  }
  if (what == "formats") {
    list_formats(verbose);
    return ok;
  }
  if (what == "behaviours") {
    list_behaviours(verbose);
    return ok;
  }
  const auto paths = resolve_paths(globals);
  if (what == "clients") {
    const auto catalogue = load_clients(paths);
    for (const auto& c : catalogue.all()) {
      std::cout << c.name << std::string(c.name.size() < 24 ? 24 - c.name.size() : 1, ' ')
                << c.description << "\n";
      if (verbose) {
        std::string cmd;
        for (const auto& a : c.command) cmd += (cmd.empty() ? "" : " ") + a;
        std::cout << "    command: " << cmd << "\n    manifest: " << c.manifest.string() << "\n";
      }
    }
    return ok;
  }
  const auto scenarios = load_scenarios(paths, {});
  for (const auto& s : scenarios) {
    std::cout << s.id << std::string(s.id.size() < 40 ? 40 - s.id.size() : 1, ' ') << s.title
              << "\n";
    if (verbose) {
      std::string clients;
      for (const auto& c : s.clients) clients += (clients.empty() ? "" : ", ") + c;
      std::cout << "    behaviour: " << s.behaviour << "; clients: " << clients
                << "; expect: " << s.expect.describe() << "\n    file: " << s.file.string() << "\n";
    }
  }
  return ok;
}

}  // namespace

command add_list_command(CLI::App& app, const global_options& globals) {
  auto what = std::make_shared<std::string>();
  auto verbose = std::make_shared<bool>(false);
  auto as_json = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand("list",
                                 "List what wsrepro knows: scenarios, clients, behaviours, report "
                                 "formats, timeline events, measurements or stack-capture "
                                 "diagnosers");
  sub->add_option("what", *what,
                  "scenarios, clients, behaviours, formats, events, measurements or diagnosers")
      ->required()
      ->check(CLI::IsMember({"scenarios", "clients", "behaviours", "formats", "events",
                             "measurements", "diagnosers"}));
  sub->add_flag("--verbose,-v", *verbose, "Also show parameters, commands and files");
  sub->add_flag("--json", *as_json,
                "A JSON array on standard output, an object per item with what -v shows");
  return [what, verbose, as_json, &globals] { return list(*what, *verbose, *as_json, globals); };
}

}  // namespace wsrepro::cli
