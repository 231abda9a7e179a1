#pragma once
// Internal: the server's side of a client's connection, from the run's timeline, in words: what
// it sent last, whether it closed, whether it saw the client's FIN or close frame. Put beside the
// client's socket as the kernel showed it, it says who is waiting for whom.

#include <string>
#include <string_view>
#include <vector>

#include "wsrepro/common/event.hpp"
#include "wsrepro/results/diagnosis.hpp"

namespace wsrepro::harness::detail {

/// The server's view of the connection whose client end is `client_local` ("127.0.0.1:54321"),
/// as of `now`; empty when the server accepted no such connection.
std::string server_view(const std::vector<event>& timeline, std::string_view client_local,
                        mono_ns now);

/// Fills each socket's server view and the capture's connection line.
void describe_connections(results::stack_capture& c, const std::vector<event>& timeline);

}  // namespace wsrepro::harness::detail
