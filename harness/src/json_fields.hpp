#pragma once
// Internal: fields of a JSON document wsrepro does not control (a tool's output), read without
// trusting their types: a field of the wrong type reads as absent, never as an exception.

#include <nlohmann/json.hpp>
#include <string>

namespace wsrepro::harness::detail {

inline const nlohmann::json* json_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

inline std::string json_text(const nlohmann::json& j, const char* key) {
  const auto* f = json_field(j, key);
  return f != nullptr && f->is_string() ? f->get<std::string>() : std::string();
}

inline long long json_integer(const nlohmann::json& j, const char* key) {
  const auto* f = json_field(j, key);
  return f != nullptr && f->is_number_integer() ? f->get<long long>() : 0;
}

inline bool json_flag(const nlohmann::json& j, const char* key) {
  const auto* f = json_field(j, key);
  return f != nullptr && f->is_boolean() && f->get<bool>();
}

/// The field when it is an array (or an object, for `json_object`), else an empty one.
inline const nlohmann::json& json_array(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::array();
  const auto* f = json_field(j, key);
  return f != nullptr && f->is_array() ? *f : empty;
}

inline const nlohmann::json& json_object(const nlohmann::json& j, const char* key) {
  static const nlohmann::json empty = nlohmann::json::object();
  const auto* f = json_field(j, key);
  return f != nullptr && f->is_object() ? *f : empty;
}

}  // namespace wsrepro::harness::detail
