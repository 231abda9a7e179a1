#pragma once
// The bytes of every connection, both ways, on the run's monotonic clock: what the mock server
// read and wrote (for TLS, the plaintext inside the tunnel). With the timeline's TCP events
// (accept, FIN, RST) it is all a capture file needs. Thread-safe and bounded: past the bound,
// bytes are counted, not kept.

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "wsrepro/common/event.hpp"

namespace wsrepro {

struct wire_chunk {
  mono_ns t_ns = 0;
  int connection = -1;  ///< the server's connection id, as on its events
  bool from_client = true;
  std::string bytes;
};

class wire_log {
 public:
  explicit wire_log(std::size_t max_bytes = std::size_t{8} << 20) : max_bytes_(max_bytes) {}

  /// Keeps `bytes` (stamped now) unless the bound is reached.
  void record(int connection, bool from_client, std::string_view bytes);
  std::vector<wire_chunk> snapshot() const;
  /// Bytes not kept, past the bound.
  std::uint64_t dropped_bytes() const;

 private:
  mutable std::mutex mutex_;
  std::vector<wire_chunk> chunks_;
  std::size_t kept_bytes_ = 0;
  std::uint64_t dropped_bytes_ = 0;
  std::size_t max_bytes_;
};

}  // namespace wsrepro
