// withhold_pongs: an echo server that never answers a ping, and is correct in every other way
// (echoes data, completes the close handshake). Data keeps flowing, so only a client that checks
// for the pong itself, not merely for traffic, finds out; a client without keepalive never does.

#include "wsrepro/mock/behaviour.hpp"

namespace wsrepro::mock {
namespace {

class withhold_pongs final : public behaviour {
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
      if (!in) co_return;
      frame out;
      out.fin = in->fin;
      out.payload = std::move(in->payload);
      switch (in->opcode) {
        case opcodes::ping:
          if (!fault_marked) {
            fault_marked = true;
            conn.mark_fault("first ping received and not answered");
          }
          continue;
        case opcodes::pong:
          continue;
        case opcodes::close: {
          out.opcode = opcodes::close;
          if (out.payload.size() > 2) out.payload.resize(2);
          const bool written = co_await conn.write_frame(out);
          if (!written) co_return;
          conn.shutdown_send();
          co_await conn.read_until_eof();
          co_return;
        }
        default:
          out.opcode = in->opcode;
          break;
      }
      const bool written = co_await conn.write_frame(out);
      if (!written) co_return;
    }
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
