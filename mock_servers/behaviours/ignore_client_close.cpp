// ignore_client_close: an echo server that never answers the client's close frame and never
// closes TCP; it keeps reading, logging, echoing data and answering pings. A client must give up
// the close handshake after its close timeout; Ctrl+C during a session then takes that timeout
// (python-websockets: about 10 s by design), and a client without one never exits.

#include "wsrepro/mock/behaviour.hpp"

namespace wsrepro::mock {
namespace {

class ignore_client_close final : public behaviour {
 public:
  boost::asio::awaitable<void> run(connection& conn) override {
    const auto request = co_await conn.read_request();
    if (!request) co_return;
    if (!request->is_websocket_upgrade) {
      co_await conn.write_response("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 400);
      co_return;
    }
    const bool accepted = co_await conn.accept_upgrade(*request);
    if (!accepted) co_return;
    bool fault_marked = false;
    for (;;) {
      auto in = co_await conn.read_frame();
      if (!in) break;
      frame out;
      out.fin = in->fin;
      out.payload = std::move(in->payload);
      switch (in->opcode) {
        case opcodes::close:
          // The fault: no close frame back, no FIN. Later close frames are ignored just the same.
          if (!fault_marked) {
            fault_marked = true;
            conn.mark_fault("client's close frame received and ignored");
          }
          continue;
        case opcodes::ping:
          out.opcode = opcodes::pong;
          break;
        case opcodes::pong:
          continue;
        default:
          out.opcode = in->opcode;
          break;
      }
      const bool written = co_await conn.write_frame(out);
      if (!written) co_return;
    }
    co_await conn.read_until_eof();  // after a broken frame: keep TCP open until the client ends it
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
