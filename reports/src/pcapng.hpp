#pragma once
// A run's traffic as a pcapng capture file (Wireshark, tshark): each connection's TCP handshake,
// data and FIN or RST, synthesised from the server's events (accept, FIN, RST, close) and the
// bytes of its wire log, as raw loopback IPv4 or IPv6 packets with consistent sequence numbers
// and checksums. The server's port is written as 80 so that Wireshark dissects HTTP and
// WebSocket without "Decode As"; the file's comment gives the real one, and says when the bytes
// are the plaintext of a TLS run.

#include <string>

#include "wsrepro/results/result.hpp"

namespace wsrepro::reports {

/// The capture file's bytes; empty when the run has no connection to show.
std::string pcapng_of(const results::run_result& r);

}  // namespace wsrepro::reports
