#pragma once
// Waiting on a mock server's timeline from a test, always with a deadline.

#include <chrono>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "wsrepro/mock/server.hpp"

namespace wsrepro::mock::testing {

/// The first event with this name (`server.fault`), polled until the deadline.
inline std::optional<event> wait_for(server_thread& srv, std::string_view name,
                                     std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (auto e = srv.events().first(name)) return e;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return std::nullopt;
}

/// Every event with this name so far.
inline std::vector<event> events_named(server_thread& srv, std::string_view name) {
  std::vector<event> out;
  for (auto& e : srv.events().snapshot()) {
    if (e.name() == name) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace wsrepro::mock::testing
