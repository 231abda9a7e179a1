#include "wsrepro/harness/client.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

#include "toml_reader.hpp"

namespace wsrepro::harness {

namespace fs = std::filesystem;

const std::vector<std::string>& known_placeholders() {
  static const std::vector<std::string> names{"url", "host", "port", "libexec", "data", "ca_file"};
  return names;
}

namespace {

/// Checks placeholders without values: every {name} must be a known one.
std::optional<std::string> check_placeholders(const std::vector<std::string>& command) {
  std::map<std::string, std::string> dummy;
  for (const auto& name : known_placeholders()) dummy[name] = "x";
  std::string error;
  if (!expand_command(command, dummy, error)) return error;
  return std::nullopt;
}

}  // namespace

void client_catalogue::add_manifest(std::string_view text, const fs::path& file,
                                    std::vector<load_error>& errors) {
  detail::error_sink sink(file);
  toml::table doc;
  try {
    doc = toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    sink.add(e.source(), {}, std::string(e.description()));
    errors.insert(errors.end(), sink.errors().begin(), sink.errors().end());
    return;
  }
  detail::table_reader top(doc, "", sink);
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
      spec.library = reader.string("library", false);
      spec.library_version = reader.string("library_version", false);
      spec.runtime_version = reader.string("runtime_version", false);
      reader.finish();
      if (command_node != nullptr && spec.command.empty()) {
        sink.add(command_node->source(), reader.key_path("command"), "the command is empty");
      } else if (command_node != nullptr) {
        if (auto problem = check_placeholders(spec.command)) {
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
  client_catalogue catalogue;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    catalogue.add_manifest(text.str(), file, errors);
  }
  return catalogue;
}

const client_spec* client_catalogue::find(std::string_view name) const {
  for (const auto& c : clients_) {
    if (c.name == name) return &c;
  }
  return nullptr;
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
  if (auto problem = check_placeholders(*words)) {
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
        for (const auto& k : known_placeholders())
          known += (known.empty() ? "" : ", ") + ("{" + k + "}");
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
