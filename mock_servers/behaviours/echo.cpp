// echo: a correct WebSocket server. Answers the upgrade, echoes every data frame, answers pings,
// and completes the close handshake (then closes TCP first, as RFC 6455 asks of a server).

#include "wsrepro/mock/behaviour.hpp"

namespace wsrepro::mock {
namespace {

class echo final : public behaviour {
 public:
  boost::asio::awaitable<void> run(connection& conn) override {
    auto request = co_await conn.read_request();
    if (!request) co_return;
    if (!request->is_websocket_upgrade) {
      co_await conn.write_response("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 400);
      co_return;
    }
    const bool accepted = co_await conn.accept_upgrade(*request);
    if (!accepted) co_return;
    for (;;) {
      auto in = co_await conn.read_frame();
      if (!in) co_return;
      frame out;
      out.fin = in->fin;
      out.payload = std::move(in->payload);
      switch (in->opcode) {
        case opcodes::ping:
          out.opcode = opcodes::pong;
          break;
        case opcodes::pong:
          continue;
        case opcodes::close: {
          out.opcode = opcodes::close;
          // Echo the status code only (a reason is optional), or an empty close if none came.
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
    echo,
    {
        .name = "echo",
        .summary =
            "A correct server: echoes data frames, answers pings, completes the close handshake",
        .fault_event = "none (a correct server logs no fault)",
        .params = {},
        .make =
            [](const wsrepro::mock::param_values&) {
              return std::make_shared<wsrepro::mock::echo>();
            },
    })
