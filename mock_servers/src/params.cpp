#include "wsrepro/mock/params.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace wsrepro::mock {

std::string_view to_string(param_type t) {
  switch (t) {
    case param_type::integer:
      return "integer";
    case param_type::boolean:
      return "boolean";
    case param_type::string:
      return "string";
    case param_type::choice:
      return "choice";
  }
  return "integer";
}

std::string to_string(const param_value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return std::get<std::string>(v);
}

param_spec int_param(std::string name, std::int64_t default_value, std::int64_t min,
                     std::int64_t max, std::string description) {
  param_spec s;
  s.name = std::move(name);
  s.type = param_type::integer;
  s.default_value = default_value;
  s.min = min;
  s.max = max;
  s.description = std::move(description);
  return s;
}

param_spec bool_param(std::string name, bool default_value, std::string description) {
  param_spec s;
  s.name = std::move(name);
  s.type = param_type::boolean;
  s.default_value = default_value;
  s.description = std::move(description);
  return s;
}

param_spec string_param(std::string name, std::string default_value, std::string description) {
  param_spec s;
  s.name = std::move(name);
  s.type = param_type::string;
  s.default_value = std::move(default_value);
  s.description = std::move(description);
  return s;
}

param_spec choice_param(std::string name, std::vector<std::string> choices,
                        std::string default_value, std::string description) {
  param_spec s;
  s.name = std::move(name);
  s.type = param_type::choice;
  s.choices = std::move(choices);
  s.default_value = std::move(default_value);
  s.description = std::move(description);
  return s;
}

param_values::param_values(const std::vector<param_spec>& specs) {
  for (const auto& s : specs) values_[s.name] = s.default_value;
}

namespace {
template <typename T>
const T& get_typed(const std::map<std::string, param_value>& values, std::string_view name) {
  auto it = values.find(std::string(name));
  if (it == values.end())
    throw std::logic_error("behaviour parameter not declared: " + std::string(name));
  const T* v = std::get_if<T>(&it->second);
  if (v == nullptr)
    throw std::logic_error("behaviour parameter has another type: " + std::string(name));
  return *v;
}
}  // namespace

std::int64_t param_values::get_int(std::string_view name) const {
  return get_typed<std::int64_t>(values_, name);
}
bool param_values::get_bool(std::string_view name) const { return get_typed<bool>(values_, name); }
const std::string& param_values::get_string(std::string_view name) const {
  return get_typed<std::string>(values_, name);
}

std::optional<std::string> check_value(const param_spec& spec, const param_value& value) {
  switch (spec.type) {
    case param_type::integer: {
      const auto* i = std::get_if<std::int64_t>(&value);
      if (i == nullptr) return "expected an integer";
      if (*i < spec.min || *i > spec.max) {
        return "must be between " + std::to_string(spec.min) + " and " + std::to_string(spec.max) +
               ", got " + std::to_string(*i);
      }
      return std::nullopt;
    }
    case param_type::boolean:
      if (!std::holds_alternative<bool>(value)) return "expected true or false";
      return std::nullopt;
    case param_type::string:
      if (!std::holds_alternative<std::string>(value)) return "expected a string";
      return std::nullopt;
    case param_type::choice: {
      const auto* s = std::get_if<std::string>(&value);
      std::string known;
      for (const auto& c : spec.choices) known += (known.empty() ? "" : ", ") + c;
      if (s == nullptr) return "expected one of: " + known;
      for (const auto& c : spec.choices) {
        if (c == *s) return std::nullopt;
      }
      return "unknown value '" + *s + "'; expected one of: " + known;
    }
  }
  return std::nullopt;
}

std::variant<param_value, std::string> parse_value(const param_spec& spec, std::string_view text) {
  param_value value;
  switch (spec.type) {
    case param_type::integer: {
      std::int64_t i = 0;
      const auto* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data(), end, i);
      if (ec != std::errc{} || ptr != end) {
        return "expected an integer, got '" + std::string(text) + "'";
      }
      value = i;
      break;
    }
    case param_type::boolean:
      if (text == "true" || text == "1" || text == "yes") {
        value = true;
      } else if (text == "false" || text == "0" || text == "no") {
        value = false;
      } else {
        return "expected true or false, got '" + std::string(text) + "'";
      }
      break;
    case param_type::string:
    case param_type::choice:
      value = std::string(text);
      break;
  }
  if (auto error = check_value(spec, value)) return *error;
  return value;
}

const param_spec* find_param(const std::vector<param_spec>& specs, std::string_view name) {
  for (const auto& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

void scale_durations(param_values& values, const std::vector<param_spec>& specs, double factor) {
  for (const auto& s : specs) {
    if (!s.is_duration_ms() || !values.has(s.name)) continue;
    const auto scaled = std::llround(static_cast<double>(values.get_int(s.name)) * factor);
    values.set(s.name, static_cast<std::int64_t>(scaled));
  }
}

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string unescape(std::string_view text, escapes which) {
  const bool bytes = which == escapes::bytes;
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    const char c = text[i + 1];
    if (bytes && c == 'x' && i + 3 < text.size() && hex_digit(text[i + 2]) >= 0 &&
        hex_digit(text[i + 3]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 2]) * 16 + hex_digit(text[i + 3]));
      i += 3;
      continue;
    }
    ++i;
    switch (c) {
      case 'r':
        out += '\r';
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case '\\':
        out += '\\';
        break;
      case '0':
        if (bytes) {
          out += '\0';
          break;
        }
        [[fallthrough]];
      default:  // not an escape we know: keep it as typed
        out += '\\';
        out += c;
        break;
    }
  }
  return out;
}

}  // namespace wsrepro::mock
