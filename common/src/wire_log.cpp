#include "wsrepro/common/wire_log.hpp"

#include "wsrepro/common/clock.hpp"

namespace wsrepro {

void wire_log::record(int connection, bool from_client, std::string_view bytes) {
  if (bytes.empty()) return;
  const mono_ns t = now_ns();
  std::lock_guard lock(mutex_);
  if (kept_bytes_ + bytes.size() > max_bytes_) {
    dropped_bytes_ += bytes.size();
    return;
  }
  kept_bytes_ += bytes.size();
  chunks_.push_back({t, connection, from_client, std::string(bytes)});
}

std::vector<wire_chunk> wire_log::snapshot() const {
  std::lock_guard lock(mutex_);
  return chunks_;
}

std::uint64_t wire_log::dropped_bytes() const {
  std::lock_guard lock(mutex_);
  return dropped_bytes_;
}

}  // namespace wsrepro
