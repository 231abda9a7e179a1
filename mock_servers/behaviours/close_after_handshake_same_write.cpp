// close_after_handshake_same_write: the 101 and a close frame (88 02 03 E8) in the same write,
// so the close arrives in the client's handshake read (seed bug 5, python-websockets #1463:
// whether a client processes it before connect() returns decides whether its first send()
// fails). With delay_ms > 0 the close frame follows the 101 that much later: the race every
// version loses. Then, as the seed recipe says, the server reads until EOF and closes; with
// then = close_after_reply it closes TCP as soon as the client's close frame is in.

#include <chrono>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class close_after_handshake_same_write final : public behaviour {
 public:
  explicit close_after_handshake_same_write(const param_values& p)
      : delay_(p.get_int("delay_ms")),
        code_(static_cast<std::uint16_t>(p.get_int("code"))),
        close_after_reply_(p.get_string("then") == "close_after_reply") {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const auto request = co_await read_upgrade_request(conn);
    if (!request) co_return;
    frame close;
    close.opcode = opcodes::close;
    close.payload = close_payload(code_);
    const std::string response = connection::switching_protocols_response(*request);
    if (delay_ == 0) {
      const std::string close_bytes = encode_frame(close);
      const bool written = co_await conn.write_raw(response + close_bytes, "raw_out");
      if (!written) co_return;
      // One write carried both: log them as the response and the frame they are.
      conn.emit("response", {{"status", std::int64_t{101}},
                             {"bytes", static_cast<std::int64_t>(response.size())}});
      emit_frame_out(conn, close);
    } else {
      const bool accepted = co_await conn.write_response(response, 101);
      if (!accepted) co_return;
      const bool slept = co_await conn.sleep_for(std::chrono::milliseconds(delay_));
      if (!slept) co_return;
      const bool written = co_await conn.write_frame(close);
      if (!written) co_return;
    }
    conn.mark_fault("close frame written");

    // Read (and log) the client's frames: its close reply, or whatever it sends first.
    for (;;) {
      const auto in = co_await conn.read_frame();
      if (!in) break;
      if (in->opcode == opcodes::close && close_after_reply_) {
        conn.shutdown_send();
        break;
      }
    }
    co_await conn.read_until_eof();
  }

 private:
  std::int64_t delay_;
  std::uint16_t code_;
  bool close_after_reply_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    close_after_handshake_same_write,
    {
        .name = "close_after_handshake_same_write",
        .summary = "Writes the 101 and a close frame in one write (or the close delay_ms later), "
                   "then reads until EOF",
        .fault_event = "the close frame has been written (with the 101, or delay_ms after it)",
        .params =
            {
                wsrepro::mock::int_param("delay_ms", 0, 0, 3'600'000,
                                         "0: the close frame in the same write as the 101; "
                                         "more: that long after it"),
                wsrepro::mock::int_param("code", 1000, 0, 65535, "close code in the frame"),
                wsrepro::mock::choice_param(
                    "then", {"wait_eof", "close_after_reply"}, "wait_eof",
                    "wait_eof: read until the client's FIN, then close (the seed recipe); "
                    "close_after_reply: send FIN once the client's close frame is in"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::close_after_handshake_same_write>(p);
            },
    })
