#pragma once
// Ctrl+C (or SIGTERM) to wsrepro itself: every subcommand that runs clients stops them, skips
// what has not started and still writes its reports. One flag, set by the handler.

#include <atomic>

namespace wsrepro::cli {

/// Installs the SIGINT/SIGTERM handler (idempotent) and returns the flag it sets.
const std::atomic<bool>& install_interrupt_handler();

}  // namespace wsrepro::cli
