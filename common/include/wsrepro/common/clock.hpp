#pragma once
// The one clock of wsrepro: every event of a run (server, harness, client output, driver lines)
// is stamped with CLOCK_MONOTONIC, which every process on the machine shares.

#include <cstdint>

namespace wsrepro {

/// Nanoseconds on CLOCK_MONOTONIC.
using mono_ns = std::int64_t;

mono_ns now_ns() noexcept;

constexpr double ns_to_ms(mono_ns ns) noexcept { return static_cast<double>(ns) / 1e6; }
constexpr mono_ns ms_to_ns(double ms) noexcept { return static_cast<mono_ns>(ms * 1e6); }

}  // namespace wsrepro
