// frames_back_to_back: a data frame, a ping and a close frame in one write, so they reach the
// client in one read (python-websockets #1429, fixed in 13.0: a ping that arrived while the
// client was closing made it crash answering the pong). By default the three frames follow the
// 101; with when = after_client_close they answer the client's close frame instead, which is
// the race of #1429 made deterministic. Then the server finishes like a correct one: it reads
// until the client's close frame, closes TCP first, and reads until EOF.

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class frames_back_to_back final : public behaviour {
 public:
  explicit frames_back_to_back(const param_values& p)
      : after_client_close_(p.get_string("when") == "after_client_close"),
        message_(p.get_string("message")),
        ping_payload_(p.get_string("ping_payload")),
        close_code_(static_cast<std::uint16_t>(p.get_int("close_code"))) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;

    bool client_closed = false;
    if (after_client_close_) {
      // A correct echo server until the client's close frame.
      for (;;) {
        auto in = co_await conn.read_frame();
        if (!in) co_return;
        if (in->opcode == opcodes::close) break;
        if (in->opcode == opcodes::pong) continue;
        frame out;
        out.fin = in->fin;
        out.opcode = in->opcode == opcodes::ping ? opcodes::pong : in->opcode;
        out.payload = std::move(in->payload);
        const bool written = co_await conn.write_frame(out);
        if (!written) co_return;
      }
      client_closed = true;
    }

    frame data;
    data.opcode = opcodes::text;
    data.payload = message_;
    frame ping;
    ping.opcode = opcodes::ping;
    ping.payload = ping_payload_;
    frame close;
    close.opcode = opcodes::close;
    close.payload = close_payload(close_code_);
    const std::string bytes = encode_frame(data) + encode_frame(ping) + encode_frame(close);
    const bool written = co_await conn.write_raw(bytes, "raw_out");
    if (!written) co_return;
    // The three frames went out inside raw bytes: log them as frames too, for the probes.
    emit_frame_out(conn, data);
    emit_frame_out(conn, ping);
    emit_frame_out(conn, close);
    conn.mark_fault("data, ping and close frames written in one write");

    // Read the client's answers (its pong, its close frame) until its close frame or its end.
    while (!client_closed) {
      const auto in = co_await conn.read_frame();
      if (!in) co_return;
      client_closed = in->opcode == opcodes::close;
    }
    conn.shutdown_send();  // the server closes TCP first (RFC 6455 7.1.1)
    co_await conn.read_until_eof();
  }

 private:
  bool after_client_close_;
  std::string message_;
  std::string ping_payload_;
  std::uint16_t close_code_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    frames_back_to_back,
    {
        .name = "frames_back_to_back",
        .summary = "Writes a text frame, a ping and a close frame in one write, after the 101 or "
                   "in answer to the client's close",
        .fault_event = "the write carrying the three frames has completed",
        .params =
            {
                wsrepro::mock::choice_param(
                    "when", {"after_handshake", "after_client_close"}, "after_handshake",
                    "right after the 101, or in answer to the client's close frame (echoing "
                    "until then), the race of python-websockets #1429"),
                wsrepro::mock::string_param("message", "hello", "payload of the text frame"),
                wsrepro::mock::string_param("ping_payload", "ping", "payload of the ping"),
                wsrepro::mock::int_param("close_code", 1000, 0, 65535, "code in the close frame"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::frames_back_to_back>(p);
            },
    })
