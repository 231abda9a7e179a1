// bad_close_code: answers the upgrade with a valid 101, then sends a close frame whose status
// code is invalid on the wire (1005 by default: RFC 6455 7.4.1 reserves it for "no code"), then
// waits for the client. A correct client fails the connection (close code 1002) or at least
// closes; one that trusts the code, or waits for a valid one, must not hang.

#include <string>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class bad_close_code final : public behaviour {
 public:
  explicit bad_close_code(const param_values& p)
      : code_(p.get_int("code")),
        reason_(p.get_string("reason")),
        then_(close_then_named(p.get_string("then"))) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;
    frame close;
    close.opcode = opcodes::close;
    // Always two code bytes, even for 0: here every code is sent as a code.
    close.payload = close_payload(static_cast<std::uint16_t>(code_), reason_);
    const bool written = co_await conn.write_frame(close);
    if (!written) co_return;
    conn.mark_fault("close frame with code " + std::to_string(code_) + " written");

    // wait_for_client: whatever the client answers (1002 or an echo of the code), its close frame
    // ends the handshake and TCP is closed after it; a client that only drops TCP ends it too.
    co_await finish_after_close(conn, then_);
  }

 private:
  std::int64_t code_;
  std::string reason_;
  close_then then_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    bad_close_code,
    {
        .name = "bad_close_code",
        .summary = "Answers the upgrade with 101, then sends a close frame with an invalid code",
        .fault_event = "the close frame with the invalid code has been written",
        .params =
            {
                wsrepro::mock::int_param("code", 1005, 0, 65535,
                                         "close status code, sent as two bytes whatever it is "
                                         "(invalid on the wire: below 1000, 1004-1006, 1015, "
                                         "1016-2999, 5000 and above)"),
                wsrepro::mock::string_param("reason", "", "close reason (sent as is)"),
                wsrepro::mock::choice_param(
                    "then", {"wait_for_client", "keep_open", "fin"}, "wait_for_client",
                    "after the close frame: read until the client's close frame then close TCP, "
                    "never close TCP (keep reading), or send FIN at once"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::bad_close_code>(p);
            },
    })
