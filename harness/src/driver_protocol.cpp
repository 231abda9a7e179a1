#include "driver_protocol.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace wsrepro::harness::detail {

std::optional<event> parse_driver_line(std::string_view line, mono_ns seen_ns, mono_ns spawn_ns) {
  if (!line.starts_with('{')) return std::nullopt;
  const auto doc = nlohmann::json::parse(line, nullptr, false);
  if (!doc.is_object() || !doc.contains("event") || !doc["event"].is_string()) return std::nullopt;
  event e;
  e.source = "driver";
  e.kind = doc["event"].get<std::string>().substr(0, 64);
  e.t_ns = seen_ns;
  if (doc.contains("t") && doc["t"].is_number()) {
    // Seconds on our clock; anything outside the run (or outside what nanoseconds can hold)
    // cannot be a stamp of this line.
    const double seconds = doc["t"].get<double>();
    const double lowest = static_cast<double>(spawn_ns - 1'000'000) / 1e9;
    const double highest = static_cast<double>(seen_ns + 1'000'000) / 1e9;
    if (std::isfinite(seconds) && seconds >= lowest && seconds <= highest) {
      e.t_ns = std::clamp(static_cast<mono_ns>(seconds * 1e9), spawn_ns - 1'000'000,
                          seen_ns + 1'000'000);
    }
  }
  std::size_t kept = 0;
  for (const auto& [key, value] : doc.items()) {
    if (key == "event" || key == "t") continue;
    if (++kept > max_driver_attributes) break;
    const std::string name = key.substr(0, 64);
    if (value.is_boolean()) {
      e.with(name, value.get<bool>());
    } else if (value.is_number_integer()) {
      e.with(name, value.get<std::int64_t>());
    } else if (value.is_number()) {
      e.with(name, value.get<double>());
    } else if (value.is_string()) {
      e.with(name, value.get<std::string>().substr(0, 500));
    } else if (!value.is_null()) {
      e.with(name,
             value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).substr(0, 500));
    }
  }
  return e;
}

}  // namespace wsrepro::harness::detail
