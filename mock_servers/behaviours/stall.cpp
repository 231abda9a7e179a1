// stall: a peer whose event loop froze (seed bug 3, python-websockets #1430, #1298). After the
// handshake, or after echoing `after_messages` messages, it answers nothing at all: no pongs, no
// data, no close frame, and it keeps TCP open. Only the client's keepalive can notice; a client
// without one waits forever.

#include <chrono>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class stall final : public behaviour {
 public:
  explicit stall(const param_values& p)
      : after_messages_(p.get_int("after_messages")),
        stop_reading_(p.get_string("mode") == "stop_reading") {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;

    // Before the stall: a correct echo server, counting whole messages.
    std::int64_t echoed = 0;
    while (echoed < after_messages_) {
      auto in = co_await conn.read_frame();
      if (!in) co_return;
      frame out;
      out.fin = in->fin;
      out.payload = std::move(in->payload);
      if (in->opcode == opcodes::pong) continue;
      if (in->opcode == opcodes::close) {
        // The client closed before the stall: finish like a correct server, no fault.
        co_await complete_close(conn, std::move(out.payload));
        co_return;
      }
      out.opcode = in->opcode == opcodes::ping ? opcodes::pong : in->opcode;
      if (in->opcode != opcodes::ping && in->fin) ++echoed;
      const bool written = co_await conn.write_frame(out);
      if (!written) co_return;
    }

    if (stop_reading_) {
      // Nothing is read: the kernel's receive buffer, then the client's send buffer, fill up,
      // as with a blocked event loop. The client's close frame and FIN are never seen.
      conn.mark_fault("stall begins: nothing answered, nothing read");
    } else {
      conn.mark_fault("stall begins: nothing answered, frames read and discarded");
      // Read and log (the client's pings, its close frame, its FIN), answer nothing; after a
      // broken frame keep draining until the end.
      co_await read_frames_until_eof(conn);
    }
    // A frozen peer never closes TCP, even after the client's FIN: wait for the server's stop.
    for (;;) {
      const bool slept = co_await conn.sleep_for(std::chrono::hours(1));
      if (!slept) co_return;
    }
  }

 private:
  std::int64_t after_messages_;
  bool stop_reading_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    stall,
    {
        .name = "stall",
        .summary = "Handshake (and optionally some echoes), then answers nothing, ignores the "
                   "client's close and keeps TCP open",
        .fault_event = "the stall begins: after the 101, or after the last of after_messages "
                       "echoed messages",
        .params =
            {
                wsrepro::mock::int_param("after_messages", 0, 0, 1'000'000,
                                         "echo this many messages (and answer pings) first"),
                wsrepro::mock::choice_param(
                    "mode", {"discard", "stop_reading"}, "discard",
                    "discard: keep reading and logging what arrives (the client's close frame "
                    "and FIN are seen); stop_reading: read nothing, so the client's send "
                    "buffer fills"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::stall>(p);
            },
    })
