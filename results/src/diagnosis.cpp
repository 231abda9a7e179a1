#include "wsrepro/results/diagnosis.hpp"

namespace wsrepro::results {

std::string stack_frame::describe() const {
  std::string out = function.empty() ? std::string("??") : function;
  if (!file.empty()) {
    out += " (" + file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ")";
  }
  return out;
}

std::string socket_state::describe() const {
  std::string out = local + " -> " + remote + " " + state + ", Recv-Q " +
                    std::to_string(recv_queue) + ", Send-Q " + std::to_string(send_queue);
  if (!timer.empty()) out += ", " + timer;
  return out;
}

std::string diagnosis::summary() const {
  for (const auto& c : captures) {
    if (!c.blocked_at.empty()) return c.blocked_at;
  }
  return {};
}

std::string diagnosis::connection_summary() const {
  for (const auto& c : captures) {
    if (!c.blocked_at.empty()) return c.connection;
  }
  for (const auto& c : captures) {
    if (!c.connection.empty()) return c.connection;
  }
  return {};
}

}  // namespace wsrepro::results
