// libFuzzer target: a client's stdout line as the driver protocol reads it. Bounded whatever the
// line holds, and a stamp it trusts is always within the run.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "../harness/src/driver_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  constexpr wsrepro::mono_ns spawn = 5'000'000'000;
  constexpr wsrepro::mono_ns seen = 9'000'000'000;
  const auto e = wsrepro::harness::detail::parse_driver_line(line, seen, spawn);
  if (!e) return 0;
  if (e->t_ns < spawn - 1'000'000 || e->t_ns > seen + 1'000'000) std::abort();
  if (e->kind.size() > 64 || e->attrs.size() > wsrepro::harness::detail::max_driver_attributes) {
    std::abort();
  }
  return 0;
}
