#pragma once
// Internal: probes that read the server's view of the client's WebSocket connection (keepalive
// pings and pongs, close frames, how TCP ended).

#include <vector>

#include "wsrepro/results/result.hpp"

namespace wsrepro::harness::detail {

/// Appends the connection measurements for the connection the fault happened on (or the first
/// one the server accepted).
void measure_connection(const std::vector<event>& timeline, std::vector<results::measurement>& out);

}  // namespace wsrepro::harness::detail
