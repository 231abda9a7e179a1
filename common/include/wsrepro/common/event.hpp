#pragma once
// One entry of a run's timeline. Events are named `source.kind` (`server.fault`,
// `harness.signal`, `client.exit`, `client.marker`); scenarios anchor signals and window
// measurements on those names.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "wsrepro/common/clock.hpp"

namespace wsrepro {

using attr_value = std::variant<std::int64_t, double, bool, std::string>;

struct event {
  mono_ns t_ns = 0;
  std::string source;   ///< "server", "harness" or "client"
  std::string kind;     ///< e.g. "accept", "frame_out", "fault", "spawn", "exit", "stdout"
  int connection = -1;  ///< server connection number, -1 when not about one connection
  std::vector<std::pair<std::string, attr_value>> attrs;

  std::string name() const { return source + "." + kind; }
  const attr_value* attr(std::string_view key) const;
  std::optional<std::int64_t> int_attr(std::string_view key) const;
  std::optional<std::string> string_attr(std::string_view key) const;

  event& with(std::string key, attr_value value) {
    attrs.emplace_back(std::move(key), std::move(value));
    return *this;
  }
};

/// Renders an attribute value as text (for logs and messages).
std::string to_string(const attr_value& value);

}  // namespace wsrepro
