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

std::string diagnosis::summary() const {
  for (const auto& c : captures) {
    if (!c.blocked_at.empty()) return c.blocked_at;
  }
  return {};
}

}  // namespace wsrepro::results
