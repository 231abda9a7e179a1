#pragma once
// A thread-safe, bounded, append-only list of events on the one monotonic clock. The mock
// server, the supervisor and the client-output reader all write to the same timeline; the
// runner subscribes to it to fire signals relative to events. Beside the events it holds the
// run's bytes on the wire (wire()), on the same clock.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "wsrepro/common/event.hpp"
#include "wsrepro/common/wire_log.hpp"

namespace wsrepro {

class timeline {
 public:
  using listener = std::function<void(const event&)>;

  explicit timeline(std::size_t max_events = 100'000) : max_events_(max_events) {}

  /// Appends an event (stamping it now if t_ns is 0) and calls every listener, outside the lock.
  void emit(event e);

  /// Listeners run on the emitting thread; they must be quick and must not emit recursively.
  /// Returns an id for unsubscribe().
  std::size_t subscribe(listener l);
  void unsubscribe(std::size_t id);

  std::vector<event> snapshot() const;
  /// The first event with this name (`source.kind`), if any.
  std::optional<event> first(std::string_view name) const;
  /// Waits until `count` events with this name are on the timeline, at most `timeout`: the
  /// count-th of them, or nullopt at the timeout. From any thread but a listener's.
  std::optional<event> wait_for(std::string_view name, std::chrono::milliseconds timeout,
                                std::size_t count = 1) const;
  /// High-volume events dropped past the bound (essential ones are always kept), and those
  /// their producer chose not to keep (discard()).
  std::size_t dropped() const;
  /// Counts an event its producer did not keep (past its own bound).
  void discard();

  /// The bytes of every connection, both ways.
  wire_log& wire() { return wire_; }
  const wire_log& wire() const { return wire_; }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;  ///< an event was appended (wait_for)
  std::vector<event> events_;
  std::vector<std::pair<std::size_t, listener>> listeners_;
  std::size_t next_listener_id_ = 1;
  std::size_t max_events_;
  std::size_t dropped_ = 0;
  wire_log wire_;
};

}  // namespace wsrepro
