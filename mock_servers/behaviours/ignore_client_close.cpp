// ignore_client_close: an echo server that never answers the client's close frame and never
// closes TCP; it keeps reading, logging, echoing data and answering pings. A client must give up
// the close handshake after its close timeout; Ctrl+C during a session then takes that timeout
// (python-websockets: about 10 s by design), and a client without one never exits.

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class ignore_client_close final : public behaviour {
 public:
  boost::asio::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;
    bool fault_marked = false;
    echo_hooks hooks;
    hooks.on_close = [&](const frame&) {
      // The fault: no close frame back, no FIN. Later close frames are ignored just the same.
      if (!fault_marked) {
        fault_marked = true;
        conn.mark_fault("client's close frame received and ignored");
      }
      return false;
    };
    const echo_end end = co_await echo_until_close(conn, std::move(hooks));
    // After a broken frame: keep TCP open until the client ends it.
    if (end == echo_end::read_ended) co_await conn.read_until_eof();
  }
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    ignore_client_close,
    {
        .name = "ignore_client_close",
        .summary = "An echo server that never answers the client's close frame and keeps TCP open",
        .fault_event = "the client's first close frame has been received (and ignored)",
        .params = {},
        .make =
            [](const wsrepro::mock::param_values&) {
              return std::make_shared<wsrepro::mock::ignore_client_close>();
            },
    })
