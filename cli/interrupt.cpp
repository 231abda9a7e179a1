#include "interrupt.hpp"

#include <csignal>

namespace wsrepro::cli {

namespace {
std::atomic<bool> interrupted{false};
extern "C" void on_interrupt(int /*sig*/) { interrupted.store(true); }
}  // namespace

const std::atomic<bool>& install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return interrupted;
}

}  // namespace wsrepro::cli
