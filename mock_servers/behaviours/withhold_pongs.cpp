// withhold_pongs: an echo server that never answers a ping, and is correct in every other way
// (echoes data, completes the close handshake). Data keeps flowing, so only a client that checks
// for the pong itself, not merely for traffic, finds out; a client without keepalive never does.

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class withhold_pongs final : public behaviour {
 public:
  boost::asio::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;
    bool fault_marked = false;
    echo_hooks hooks;
    hooks.on_ping = [&](const frame&) {
      if (!fault_marked) {
        fault_marked = true;
        conn.mark_fault("first ping received and not answered");
      }
      return false;
    };
    co_await echo_until_close(conn, std::move(hooks));
  }
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    withhold_pongs,
    {
        .name = "withhold_pongs",
        .summary = "An echo server that never answers pings (data and close are answered)",
        .fault_event = "the first ping has been received and not answered",
        .params = {},
        .make =
            [](const wsrepro::mock::param_values&) {
              return std::make_shared<wsrepro::mock::withhold_pongs>();
            },
    })
