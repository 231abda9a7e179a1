#pragma once
// Internal: the driver protocol's lines (clients/DRIVER-PROTOCOL.md). A driver prints one JSON
// object per line with an "event" name, an optional "t" on wsrepro's monotonic clock, and any
// other fields; each becomes a `driver.KIND` event. Whatever the client prints, parsing is
// bounded and never throws.

#include <optional>
#include <string_view>

#include "wsrepro/common/event.hpp"

namespace wsrepro::harness::detail {

/// Attributes kept of one driver event (the rest are dropped): a line is at most 64 KiB, but an
/// object with thousands of keys would still swell the timeline.
inline constexpr std::size_t max_driver_attributes = 32;

/// The event a driver line stands for, or nullopt when it is not a driver-protocol line. `t` is
/// trusted only when it falls between `spawn_ns` and `seen_ns` (1 ms of slack); otherwise the
/// event is stamped `seen_ns`.
std::optional<event> parse_driver_line(std::string_view line, mono_ns seen_ns, mono_ns spawn_ns);

}  // namespace wsrepro::harness::detail
