#include "wsrepro/harness/client.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

#include "toml_reader.hpp"
#include "wsrepro/common/files.hpp"
#include "wsrepro/common/version.hpp"
#include "wsrepro/harness/diagnosers.hpp"

namespace wsrepro::harness {

namespace fs = std::filesystem;

const std::vector<std::string>& known_placeholders() {
  static const std::vector<std::string> names{"url",    "host",        "port", "libexec",
                                              "data",   "ca_file",     "env",  "version",
                                              "python", "manifest_dir"};
  return names;
}

namespace {

/// Checks placeholders without values: every {name} must be one of `allowed`.
std::optional<std::string> check_placeholders(const std::vector<std::string>& command,
                                              const std::vector<std::string>& allowed) {
  std::map<std::string, std::string> dummy;
  for (const auto& name : allowed) dummy[name] = "x";
  std::string error;
  if (!expand_command(command, dummy, error)) return error;
  return std::nullopt;
}

/// The placeholders of a client's command: {env} {version} {python} only with an environment.
std::vector<std::string> client_placeholders(bool has_environment) {
  std::vector<std::string> out;
  for (const auto& name : known_placeholders()) {
    if (has_environment || (name != "env" && name != "version" && name != "python")) {
      out.push_back(name);
    }
  }
  return out;
}

environment_spec read_environment(detail::table_reader& reader, const toml::table& table,
                                  detail::error_sink& sink) {
  environment_spec env;
  env.name = reader.string("name", true).value_or("");
  env.description = reader.string("description", false).value_or("");
  env.library = reader.string("library", false).value_or("");
  env.versions = reader.strings("versions").value_or(std::vector<std::string>{});
  if (table.get("versions") == nullptr) reader.missing("versions");
  for (const auto& v : env.versions) {
    if (v.empty() || v.find_first_of(" /\\*") != std::string::npos ||
        v.find("..") != std::string::npos) {
      sink.add(table.get("versions")->source(), reader.key_path("versions"),
               "'" + v + "' is not a version");
    }
  }
  sort_versions(env.versions);
  env.requires_programs = reader.strings("requires").value_or(std::vector<std::string>{});
  env.probe = reader.strings("probe").value_or(std::vector<std::string>{});
  env.releases = reader.strings("releases").value_or(std::vector<std::string>{});
  if (const toml::node* setup = reader.node("setup")) {
    const toml::array* steps = setup->as_array();
    bool ok = steps != nullptr && !steps->empty();
    if (steps != nullptr) {
      for (const auto& step : *steps) {
        const toml::array* words = step.as_array();
        std::vector<std::string> argv;
        if (words != nullptr) {
          for (const auto& w : *words) {
            if (const auto* text = w.as_string()) argv.push_back(text->get());
          }
        }
        if (words == nullptr || argv.empty() || argv.size() != words->size()) {
          ok = false;
          break;
        }
        env.setup.push_back(std::move(argv));
      }
    }
    if (!ok) {
      sink.add(setup->source(), reader.key_path("setup"),
               "expected a non-empty array of commands, each an array of strings");
    }
  } else {
    reader.missing("setup");
  }
  const auto check = [&](const std::vector<std::string>& argv, std::string_view key) {
    if (argv.empty()) return;
    if (auto problem = check_placeholders(argv, setup_placeholders())) {
      sink.add(table.get(key)->source(), reader.key_path(key), *problem);
    }
  };
  for (const auto& step : env.setup) check(step, "setup");
  check(env.probe, "probe");
  check(env.releases, "releases");
  reader.finish();
  return env;
}

}  // namespace

void client_catalogue::add_manifest(std::string_view text, const fs::path& file,
                                    std::vector<load_error>& errors) {
  detail::error_sink sink(file);
  auto parsed = detail::parse_toml(text, sink);
  if (!parsed) {
    errors.insert(errors.end(), sink.errors().begin(), sink.errors().end());
    return;
  }
  const toml::table doc = std::move(*parsed);
  detail::table_reader top(doc, "", sink);
  if (const toml::array* environments = top.array_of_tables("environment")) {
    int index = 0;
    for (const auto& element : *environments) {
      const auto& table = *element.as_table();
      detail::table_reader reader(table, "environment[" + std::to_string(index++) + "]", sink);
      environment_spec env = read_environment(reader, table, sink);
      env.manifest = file;
      if (!env.name.empty() && find_environment(env.name) != nullptr) {
        sink.add(table.source(), reader.key_path("name"),
                 "duplicate environment name '" + env.name + "'");
        continue;
      }
      if (!env.name.empty()) environments_.push_back(std::move(env));
    }
  }
  if (const toml::array* clients = top.array_of_tables("client")) {
    int index = 0;
    for (const auto& element : *clients) {
      const auto& table = *element.as_table();
      detail::table_reader reader(table, "client[" + std::to_string(index++) + "]", sink);
      client_spec spec;
      spec.manifest = file;
      spec.name = reader.string("name", true).value_or("");
      spec.description = reader.string("description", false).value_or("");
      const toml::node* command_node = table.get("command");
      spec.command = reader.strings("command").value_or(std::vector<std::string>{});
      if (command_node == nullptr) reader.missing("command");
      spec.interrupt_signal = reader.string("interrupt", false).value_or("SIGINT");
      spec.diagnose = reader.string("diagnose", false).value_or("");
      if (auto problem = check_diagnose(spec.diagnose); !problem.empty()) {
        sink.add(table.get("diagnose")->source(), reader.key_path("diagnose"), problem);
      }
      spec.library = reader.string("library", false);
      spec.library_version = reader.string("library_version", false);
      spec.runtime_version = reader.string("runtime_version", false);
      spec.environment = reader.string("environment", false).value_or("");
      if (const toml::table* env = reader.table("env", false)) {
        for (const auto& [key, value] : *env) {
          const auto* entry = value.as_string();
          if (entry == nullptr) {
            sink.add(value.source(), reader.key_path("env." + std::string(key.str())),
                     "expected a string");
            continue;
          }
          spec.env[std::string(key.str())] = entry->get();
          if (auto problem = check_placeholders({entry->get()},
                                                client_placeholders(!spec.environment.empty()))) {
            sink.add(value.source(), reader.key_path("env." + std::string(key.str())), *problem);
          }
        }
      }
      reader.finish();
      if (!spec.environment.empty()) {
        if (const environment_spec* env = find_environment(spec.environment)) {
          spec.versions = env->versions;
          if (!spec.library) spec.library = env->library;
        } else {
          std::vector<std::string> known;
          for (const auto& e : environments_) known.push_back(e.name);
          std::string list;
          for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
          sink.add(table.get("environment")->source(), reader.key_path("environment"),
                   "unknown environment '" + spec.environment +
                       "' (an [[environment]] of the "
                       "same manifest; known: " +
                       (list.empty() ? "none" : list) + ")");
        }
      }
      if (command_node != nullptr && spec.command.empty()) {
        sink.add(command_node->source(), reader.key_path("command"), "the command is empty");
      } else if (command_node != nullptr) {
        if (auto problem =
                check_placeholders(spec.command, client_placeholders(!spec.environment.empty()))) {
          if (spec.environment.empty() && (problem->find("{env}") != std::string::npos ||
                                           problem->find("{version}") != std::string::npos ||
                                           problem->find("{python}") != std::string::npos)) {
            *problem += "; {env}, {version} and {python} need `environment`";
          }
          sink.add(command_node->source(), reader.key_path("command"), *problem);
        }
      }
      if (!signal_number(spec.interrupt_signal)) {
        sink.add(table.get("interrupt")->source(), reader.key_path("interrupt"),
                 "unknown signal '" + spec.interrupt_signal + "'");
      }
      if (!spec.name.empty() && find(spec.name) != nullptr) {
        sink.add(table.source(), reader.key_path("name"),
                 "duplicate client name '" + spec.name + "'");
        continue;
      }
      if (!spec.name.empty() && !spec.command.empty()) clients_.push_back(std::move(spec));
    }
  }
  top.finish();
  errors.insert(errors.end(), sink.errors().begin(), sink.errors().end());
}

client_catalogue client_catalogue::load(const fs::path& dir, std::vector<load_error>& errors) {
  return load(std::vector<fs::path>{dir}, errors);
}

client_catalogue client_catalogue::load(const std::vector<fs::path>& dirs,
                                        std::vector<load_error>& errors) {
  client_catalogue catalogue;
  std::vector<fs::path> files;
  for (const auto& dir : dirs) {
    // Each directory's manifests in name order, the directories in the order given.
    std::vector<fs::path> here;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".toml")
        here.push_back(entry.path());
    }
    std::sort(here.begin(), here.end());
    files.insert(files.end(), here.begin(), here.end());
  }
  for (const auto& file : files) {
    std::string error;
    const auto text = read_file(file, error, detail::max_toml_bytes);
    if (!text) {
      errors.push_back({file, 0, 0, {}, "cannot read the file: " + error});
      continue;
    }
    catalogue.add_manifest(*text, file, errors);
  }
  return catalogue;
}

const client_spec* client_catalogue::find(std::string_view name) const {
  for (const auto& c : clients_) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const environment_spec* client_catalogue::find_environment(std::string_view name) const {
  for (const auto& e : environments_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::vector<client_spec> client_catalogue::resolve(std::string_view selector,
                                                   std::string& error) const {
  const auto at = selector.find('@');
  const std::string name(selector.substr(0, at));
  const client_spec* spec = find(name);
  if (spec == nullptr) {
    error = "unknown client '" + name + "'";
    return {};
  }
  std::vector<client_spec> out;
  const auto instance = [&](const std::string& version) {
    client_spec c = *spec;
    c.version = version;
    out.push_back(std::move(c));
  };
  if (spec->environment.empty()) {
    if (at != std::string_view::npos) {
      error = "client " + name + " has no versions (it is not installed from a registry)";
      return {};
    }
    out.push_back(*spec);
    return out;
  }
  const std::string wanted =
      at == std::string_view::npos ? "*" : std::string(selector.substr(at + 1));
  if (wanted.empty()) {
    error = "no version after '@' in '" + std::string(selector) + "'";
    return {};
  }
  if (wanted == "*" || wanted.find("..") != std::string::npos) {
    for (const auto& v : spec->versions) {
      if (version_matches(wanted, v)) instance(v);
    }
    if (out.empty()) {
      std::string list;
      for (const auto& v : spec->versions) list += (list.empty() ? "" : ", ") + v;
      error = "no pinned version of " + name + " in " + wanted + " (pinned: " + list + ")";
    }
    return out;
  }
  if (!is_final_release(wanted)) {
    error = "'" + wanted + "' is not a version (e.g. " + name + "@" +
            (spec->versions.empty() ? "1.0" : spec->versions.back()) + ")";
    return {};
  }
  instance(wanted);
  return out;
}

std::vector<std::string> client_catalogue::names() const {
  std::vector<std::string> out;
  for (const auto& c : clients_) out.push_back(c.name);
  return out;
}

std::optional<std::vector<std::string>> split_command(std::string_view text, std::string& error) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      const auto end = text.find('\'', i + 1);
      if (end == std::string_view::npos) {
        error = "unterminated single quote in: " + std::string(text);
        return std::nullopt;
      }
      word.append(text.substr(i + 1, end - i - 1));
      in_word = true;
      i = end;
    } else if (c == '"') {
      in_word = true;
      std::size_t j = i + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size() &&
            std::string_view("\"\\$`").find(text[j + 1]) != std::string_view::npos) {
          ++j;
        }
        word.push_back(text[j]);
      }
      if (j >= text.size()) {
        error = "unterminated double quote in: " + std::string(text);
        return std::nullopt;
      }
      i = j;
    } else if (c == '\\' && i + 1 < text.size()) {
      word.push_back(text[++i]);
      in_word = true;
    } else {
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) {
    error = "empty client command";
    return std::nullopt;
  }
  return words;
}

std::optional<client_spec> ad_hoc_client(std::string_view text, std::string& error) {
  auto words = split_command(text, error);
  if (!words) return std::nullopt;
  if (auto problem = check_placeholders(*words, client_placeholders(false))) {
    error = *problem;
    return std::nullopt;
  }
  client_spec spec;
  spec.name = "cmd:" + fs::path(words->front()).filename().string();
  spec.description = "ad-hoc command: " + std::string(text);
  spec.command = std::move(*words);
  return spec;
}

std::optional<std::vector<std::string>> expand_command(
    const std::vector<std::string>& command, const std::map<std::string, std::string>& values,
    std::string& error) {
  std::vector<std::string> out;
  for (const auto& arg : command) {
    std::string expanded;
    for (std::size_t i = 0; i < arg.size(); ++i) {
      if (arg.compare(i, 2, "{{") == 0 || arg.compare(i, 2, "}}") == 0) {
        expanded.push_back(arg[i]);
        ++i;
        continue;
      }
      if (arg[i] != '{') {
        expanded.push_back(arg[i]);
        continue;
      }
      const auto end = arg.find('}', i);
      if (end == std::string::npos) {
        error = "unclosed '{' in argument '" + arg + "' (write {{ for a literal brace)";
        return std::nullopt;
      }
      const std::string name = arg.substr(i + 1, end - i - 1);
      const auto it = values.find(name);
      if (it == values.end()) {
        std::string known;
        for (const auto& [k, v] : values) known += (known.empty() ? "" : ", ") + ("{" + k + "}");
        error = "unknown placeholder {" + name + "} (known: " + known + ")";
        return std::nullopt;
      }
      expanded += it->second;
      i = end;
    }
    out.push_back(std::move(expanded));
  }
  return out;
}

std::string why_not_runnable(const std::string& program) {
  if (program.empty()) return "is empty";
  const auto judge = [](const fs::path& candidate) -> std::string {
    std::error_code ec;
    if (fs::is_directory(candidate, ec)) return "is a directory";
    if (fs::exists(candidate, ec) && ::access(candidate.c_str(), X_OK) != 0) {
      return "is not executable (chmod +x " + candidate.string() + ")";
    }
    return {};
  };
  if (program.find('/') != std::string::npos) {
    const std::string problem = judge(program);
    return problem.empty() ? "not found" : problem;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const auto colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    if (const std::string problem = judge(fs::path(dir.empty() ? "." : dir) / program);
        !problem.empty()) {
      return problem;
    }
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return "not found in PATH";
}

std::map<std::string, std::string> client_values(const client_spec& client,
                                                 const fs::path& libexec_dir,
                                                 const fs::path& data_dir,
                                                 const server_address& server) {
  std::error_code cwd_error;
  std::map<std::string, std::string> values{
      {"url", server.url},
      {"host", server.host},
      {"port", server.port},
      {"libexec", libexec_dir.string()},
      {"data", data_dir.string()},
      {"ca_file", server.ca_file},
      {"manifest_dir", client.manifest.empty() ? fs::current_path(cwd_error).string()
                                               : client.manifest.parent_path().string()}};
  values.insert(client.environment_values.begin(), client.environment_values.end());
  return values;
}

std::optional<fs::path> find_program(const std::string& program) {
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string::npos) {
    if (::access(program.c_str(), X_OK) == 0 && !fs::is_directory(program))
      return fs::path(program);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const auto colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

}  // namespace wsrepro::harness
