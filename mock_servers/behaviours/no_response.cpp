// no_response: reads the upgrade request and never answers it, keeping TCP open and reading (and
// logging) whatever else the client sends. The handshake a client awaits never completes: only its
// open timeout, or Ctrl+C, can end the wait (seed bug 1, server D: python-websockets 11.0 and 12.0
// CLIs never exit after SIGINT here).

#include "wsrepro/mock/behaviour.hpp"

namespace wsrepro::mock {
namespace {

class no_response final : public behaviour {
 public:
  boost::asio::awaitable<void> run(connection& conn) override {
    const auto request = co_await conn.read_request();
    if (!request) co_return;
    conn.mark_fault("upgrade request read; no response will be sent");
    co_await conn.read_until_eof();
  }
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    no_response,
    {
        .name = "no_response",
        .summary = "Reads the upgrade request and never answers; keeps TCP open and keeps reading",
        .fault_event = "the upgrade request has been read",
        .params = {},
        .make =
            [](const wsrepro::mock::param_values&) {
              return std::make_shared<wsrepro::mock::no_response>();
            },
    })
