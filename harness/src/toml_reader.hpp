#pragma once
// Internal: reads TOML tables key by key, collecting every error with file, line and key, and
// reporting unknown keys with the nearest known one. Shared by the scenario and client loaders.

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "wsrepro/harness/scenario_loader.hpp"

namespace wsrepro::harness::detail {

namespace fs = std::filesystem;

/// Collects the errors of one file; knows the file's name and where each node is.
class error_sink {
 public:
  explicit error_sink(fs::path file) : file_(std::move(file)) {}
  void add(const toml::source_region& where, std::string key, std::string message) {
    errors_.push_back({file_, static_cast<int>(where.begin.line),
                       static_cast<int>(where.begin.column), std::move(key), std::move(message)});
  }
  void add_plain(std::string message) { errors_.push_back({file_, 0, 0, {}, std::move(message)}); }
  std::vector<load_error>& errors() { return errors_; }
  const fs::path& file() const { return file_; }

 private:
  fs::path file_;
  std::vector<load_error> errors_;
};

/// The largest TOML file wsrepro reads: scenarios and manifests are a few kilobytes.
inline constexpr std::size_t max_toml_bytes = std::size_t{1} << 20;
/// How deep TOML may nest (dotted keys and headers, arrays, inline tables): the parser recurses,
/// and a 50,000-level header would overflow its stack.
inline constexpr int max_toml_depth = 32;

/// Where `text` nests deeper than max_toml_depth, or 0: a scan that skips strings and comments
/// and counts the components of each dotted key (a run of keys joined by dots) and the open
/// brackets and braces.
inline int too_deep_line(std::string_view text) {
  int line = 1;
  int brackets = 0;
  int dots = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      if (brackets == 0) dots = 0;
      continue;
    }
    if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      // A string: basic ("..." with escapes) or literal ('...'), either one multi-line when its
      // quote is tripled. It counts as one key of a dotted key.
      const bool triple = text.substr(i, 3) == std::string(3, c);
      const std::string close = triple ? std::string(3, c) : std::string(1, c);
      std::size_t j = i + close.size();
      while (j < text.size()) {
        if (c == '"' && text[j] == '\\') {
          j += 2;
          continue;
        }
        if (!triple && text[j] == '\n') break;
        if (text.substr(j, close.size()) == close) break;
        if (text[j] == '\n') ++line;
        ++j;
      }
      i = std::min(text.size(), j + close.size()) - 1;
      continue;
    }
    if (c == '[' || c == '{') {
      if (++brackets > max_toml_depth) return line;
      continue;
    }
    if (c == ']' || c == '}') {
      brackets = std::max(0, brackets - 1);
      dots = 0;
      continue;
    }
    if (c == '.') {
      if (++dots >= max_toml_depth) return line;
      continue;
    }
    const bool key_char = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
                          c == '-' || c == ' ' || c == '\t';
    if (!key_char) dots = 0;
  }
  return 0;
}

/// Parses a TOML document after checking its size and depth; errors go to `errors`.
inline std::optional<toml::table> parse_toml(std::string_view text, error_sink& errors) {
  if (text.size() > max_toml_bytes) {
    errors.add_plain("the file is larger than " + std::to_string(max_toml_bytes) +
                     " bytes; a scenario or manifest is a few kilobytes");
    return std::nullopt;
  }
  if (const int line = too_deep_line(text); line > 0) {
    errors.errors().push_back({errors.file(),
                               line,
                               1,
                               {},
                               "nested more than " + std::to_string(max_toml_depth) +
                                   " levels deep (dotted keys, arrays or inline tables)"});
    return std::nullopt;
  }
  try {
    return toml::parse(text, errors.file().string());
  } catch (const toml::parse_error& e) {
    errors.add(e.source(), {}, std::string(e.description()));
    return std::nullopt;
  }
}

/// Reads the keys of one table, and reports the keys nobody asked for.
class table_reader {
 public:
  table_reader(const toml::table& table, std::string path, error_sink& errors)
      : table_(table), path_(std::move(path)), errors_(errors) {}

  std::string key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  const toml::node* node(std::string_view key) {
    known_.emplace_back(key);
    return table_.get(key);
  }

  void type_error(const toml::node& n, std::string_view key, std::string_view expected) {
    errors_.add(n.source(), key_path(key), "expected " + std::string(expected));
  }

  std::optional<std::string> string(std::string_view key, bool required) {
    const toml::node* n = node(key);
    if (n == nullptr) {
      if (required) missing(key);
      return std::nullopt;
    }
    if (const auto* s = n->as_string()) return s->get();
    type_error(*n, key, "a string");
    return std::nullopt;
  }

  std::optional<double> number(std::string_view key, double min, double max) {
    const toml::node* n = node(key);
    if (n == nullptr) return std::nullopt;
    double v = 0;
    if (const auto* i = n->as_integer()) {
      v = static_cast<double>(i->get());
    } else if (const auto* f = n->as_floating_point()) {
      v = f->get();
    } else {
      type_error(*n, key, "a number");
      return std::nullopt;
    }
    // NaN compares false with everything: test for it (and infinities) first.
    if (!std::isfinite(v) || v < min || v > max) {
      std::ostringstream msg;
      msg << "must be a number between " << min << " and " << max << ", got " << v;
      errors_.add(n->source(), key_path(key), msg.str());
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::vector<std::string>> strings(std::string_view key) {
    const toml::node* n = node(key);
    if (n == nullptr) return std::nullopt;
    const auto* array = n->as_array();
    if (array == nullptr) {
      type_error(*n, key, "an array of strings");
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& element : *array) {
      if (const auto* s = element.as_string()) {
        out.push_back(s->get());
      } else {
        errors_.add(element.source(), key_path(key), "expected an array of strings");
      }
    }
    return out;
  }

  const toml::table* table(std::string_view key, bool required) {
    const toml::node* n = node(key);
    if (n == nullptr) {
      if (required) missing(key);
      return nullptr;
    }
    if (const auto* t = n->as_table()) return t;
    type_error(*n, key, "a table");
    return nullptr;
  }

  const toml::array* array_of_tables(std::string_view key) {
    const toml::node* n = node(key);
    if (n == nullptr) return nullptr;
    const auto* a = n->as_array();
    if (a == nullptr || !a->is_array_of_tables()) {
      type_error(*n, key, "an array of tables ([[" + key_path(key) + "]])");
      return nullptr;
    }
    return a;
  }

  void missing(std::string_view key) {
    errors_.add(table_.source(), key_path(key), "required key is missing");
  }

  /// Every key of the table that was never asked for is an error, with a suggestion.
  void finish(const std::vector<std::string>& also_known = {}) {
    std::vector<std::string> known = known_;
    known.insert(known.end(), also_known.begin(), also_known.end());
    for (const auto& [key, value] : table_) {
      const std::string name(key.str());
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      std::string message = "unknown key";
      const std::string suggestion = nearest(name, known);
      if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
      std::string options;
      for (const auto& k : known) options += (options.empty() ? "" : ", ") + k;
      message += " (known keys here: " + options + ")";
      errors_.add(key.source(), key_path(name), message);
    }
  }

 private:
  const toml::table& table_;
  std::string path_;
  error_sink& errors_;
  std::vector<std::string> known_;
};

}  // namespace wsrepro::harness::detail
