#include "wsrepro/common/clock.hpp"

#include <ctime>

namespace wsrepro {

mono_ns now_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<mono_ns>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace wsrepro
