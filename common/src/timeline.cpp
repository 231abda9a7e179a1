#include "wsrepro/common/timeline.hpp"

#include <algorithm>
#include <optional>

#include "wsrepro/common/events.hpp"

namespace wsrepro {

namespace {

bool named(const event& e, std::string_view name) {
  return e.source.size() + 1 + e.kind.size() == name.size() && name.starts_with(e.source) &&
         name[e.source.size()] == '.' && name.substr(e.source.size() + 1) == e.kind;
}

}  // namespace

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
  changed_.notify_all();
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
    if (named(e, name)) return e;
  }
  return std::nullopt;
}

std::optional<event> timeline::wait_for(std::string_view name, std::chrono::milliseconds timeout,
                                        std::size_t count) const {
  count = std::max<std::size_t>(count, 1);
  std::unique_lock lock(mutex_);
  std::size_t seen = 0;
  std::size_t scanned = 0;  // events before this one are counted already
  std::optional<event> found;
  const auto arrived = [&] {
    for (; scanned < events_.size() && !found; ++scanned) {
      if (named(events_[scanned], name) && ++seen >= count) found = events_[scanned];
    }
    return found.has_value();
  };
  changed_.wait_for(lock, timeout, arrived);
  return found;
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
