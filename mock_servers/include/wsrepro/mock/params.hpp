#pragma once
// Typed behaviour parameters. Each behaviour declares its schema; values come from a scenario
// file (typed TOML values) or from `--set KEY=VALUE` (text), and are checked against the schema
// with errors that name the key. Durations carry their unit in the name (`delay_ms`) and are the
// ones `--time-scale` multiplies.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace wsrepro::mock {

enum class param_type { integer, boolean, string, choice };

std::string_view to_string(param_type t);

using param_value = std::variant<std::int64_t, bool, std::string>;

std::string to_string(const param_value& v);

struct param_spec {
  std::string name;
  param_type type = param_type::integer;
  param_value default_value = std::int64_t{0};
  std::string description;
  std::vector<std::string> choices;  ///< for param_type::choice
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();

  /// A duration in milliseconds: scaled by --time-scale.
  bool is_duration_ms() const { return type == param_type::integer && name.ends_with("_ms"); }
};

/// Builders that keep the schema tables in behaviour files short and readable.
param_spec int_param(std::string name, std::int64_t default_value, std::int64_t min,
                     std::int64_t max, std::string description);
param_spec bool_param(std::string name, bool default_value, std::string description);
param_spec string_param(std::string name, std::string default_value, std::string description);
param_spec choice_param(std::string name, std::vector<std::string> choices,
                        std::string default_value, std::string description);

class param_values {
 public:
  param_values() = default;
  /// Every parameter at its default.
  explicit param_values(const std::vector<param_spec>& specs);

  void set(const std::string& name, param_value v) { values_[name] = std::move(v); }
  bool has(std::string_view name) const { return values_.find(std::string(name)) != values_.end(); }

  std::int64_t get_int(std::string_view name) const;
  bool get_bool(std::string_view name) const;
  const std::string& get_string(std::string_view name) const;

  const std::map<std::string, param_value>& all() const { return values_; }

 private:
  std::map<std::string, param_value> values_;
};

/// A behaviour by name with typed parameter values, for library users; what the generated
/// structs of wsrepro/mock/behaviours.hpp convert to. Checked when a server is made from it.
struct typed_settings {
  std::string behaviour;
  std::vector<std::pair<std::string, param_value>> values;
};

/// Checks a typed value against its spec; the error says what was expected.
std::optional<std::string> check_value(const param_spec& spec, const param_value& value);

/// Parses `--set` text for a spec (integers, true/false, strings, choices), then checks it.
std::variant<param_value, std::string> parse_value(const param_spec& spec, std::string_view text);

const param_spec* find_param(const std::vector<param_spec>& specs, std::string_view name);

/// The C escapes unescape() decodes. Parameters typed on a command line cannot hold a line
/// break or a control byte; an escape not in the set, or malformed, stays as typed.
enum class escapes {
  text,   ///< \r \n \t \\ (headers, bodies)
  bytes,  ///< also \0 and \xHH (raw bytes)
};
std::string unescape(std::string_view text, escapes which = escapes::text);

/// Multiplies every duration parameter by `factor` (for --time-scale).
void scale_durations(param_values& values, const std::vector<param_spec>& specs, double factor);

}  // namespace wsrepro::mock
