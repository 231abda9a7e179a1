// slow_handler: the server side of seed bug 3's slow-handler variant (python-websockets #1430,
// #1298): an echo server whose message handler makes a blocking call. On each data message it
// blocks `block_ms` before echoing, and meanwhile reads nothing and answers no ping, as a
// blocked event loop would. Pings that arrived during the block are answered after it. With
// block_ms above the client's keepalive budget, the client must give up in time.

#include <chrono>

#include "wsrepro/mock/behaviour.hpp"

namespace wsrepro::mock {
namespace {

class slow_handler final : public behaviour {
 public:
  explicit slow_handler(const param_values& p) : block_(p.get_int("block_ms")) {}

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
          out.opcode = opcodes::pong;
          break;
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
        default: {
          out.opcode = in->opcode;
          if (!in->fin) break;  // the handler runs once the whole message is in
          if (!fault_marked) {
            fault_marked = true;
            conn.mark_fault("the handler blocks on the first message");
          }
          // The blocking call: this coroutine is the only reader, so nothing is read meanwhile.
          const bool slept = co_await conn.sleep_for(std::chrono::milliseconds(block_));
          if (!slept) co_return;
          break;
        }
      }
      const bool written = co_await conn.write_frame(out);
      if (!written) co_return;
    }
  }

 private:
  std::int64_t block_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    slow_handler,
    {
        .name = "slow_handler",
        .summary = "An echo server whose handler blocks block_ms on each message, reading and "
                   "answering nothing meanwhile",
        .fault_event = "the handler's first block begins (the first whole data message is in)",
        .params =
            {
                wsrepro::mock::int_param("block_ms", 5000, 0, 3'600'000,
                                         "how long the handler blocks before echoing a message"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::slow_handler>(p);
            },
    })
