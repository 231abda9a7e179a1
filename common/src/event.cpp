#include "wsrepro/common/event.hpp"

#include <cstdio>

namespace wsrepro {

const attr_value* event::attr(std::string_view key) const {
  for (const auto& [k, v] : attrs) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::optional<std::int64_t> event::int_attr(std::string_view key) const {
  const attr_value* v = attr(key);
  if (v == nullptr) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(v)) return *i;
  return std::nullopt;
}

std::optional<std::string> event::string_attr(std::string_view key) const {
  const attr_value* v = attr(key);
  if (v == nullptr) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  return std::nullopt;
}

std::string to_string(const attr_value& value) {
  struct visitor {
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3f", d);
      return buf;
    }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const std::string& s) const { return s; }
  };
  return std::visit(visitor{}, value);
}

}  // namespace wsrepro
