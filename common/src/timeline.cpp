#include "wsrepro/common/timeline.hpp"

#include <optional>

#include "wsrepro/common/events.hpp"

namespace wsrepro {

void timeline::emit(event e) {
  if (e.t_ns == 0) e.t_ns = now_ns();
  // The events measurements stand on are kept past the bound; only the high-volume ones (output
  // lines, driver lines, frames, data) are dropped, and counted.
  const bool essential = note_emitted_event(e);
  std::vector<std::pair<std::size_t, listener>> listeners;
  {
    std::lock_guard lock(mutex_);
    listeners = listeners_;
    if (events_.size() < max_events_ || essential) {
      events_.push_back(e);
    } else {
      ++dropped_;
    }
  }
  for (const auto& entry : listeners) entry.second(e);
}

std::size_t timeline::subscribe(listener l) {
  std::lock_guard lock(mutex_);
  const std::size_t id = next_listener_id_++;
  listeners_.emplace_back(id, std::move(l));
  return id;
}

void timeline::unsubscribe(std::size_t id) {
  std::lock_guard lock(mutex_);
  std::erase_if(listeners_, [id](const auto& entry) { return entry.first == id; });
}

std::vector<event> timeline::snapshot() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::optional<event> timeline::first(std::string_view name) const {
  std::lock_guard lock(mutex_);
  for (const auto& e : events_) {
    if (e.source.size() + 1 + e.kind.size() == name.size() && name.starts_with(e.source) &&
        name[e.source.size()] == '.' && name.substr(e.source.size() + 1) == e.kind) {
      return e;
    }
  }
  return std::nullopt;
}

void timeline::discard() {
  std::lock_guard lock(mutex_);
  ++dropped_;
}

std::size_t timeline::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace wsrepro
