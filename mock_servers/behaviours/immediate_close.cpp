// immediate_close: answers the upgrade with a valid 101 and at once starts the close handshake
// with a close frame, then waits for the client's close frame (and closes TCP after it), keeps TCP
// open forever, or sends FIN at once. A client must answer the close and exit without ever
// having used the connection; one that waits for the server to drop TCP without a deadline of its
// own (Beast arms no timer for that wait) hangs on keep_open.

#include <string>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class immediate_close final : public behaviour {
 public:
  explicit immediate_close(const param_values& p)
      : code_(p.get_int("code")),
        reason_(p.get_string("reason")),
        then_(close_then_named(p.get_string("then"))) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const auto request = co_await read_upgrade_request(conn);
    if (!request) co_return;
    frame close;
    close.opcode = opcodes::close;
    // Code 0 stands for a close frame without a status code (an empty payload, which is valid).
    if (code_ != 0) close.payload = close_payload(static_cast<std::uint16_t>(code_), reason_);

    // Two writes, back to back: close_after_handshake_same_write covers one write (seed bug 5).
    const bool accepted = co_await conn.accept_upgrade(*request);
    if (!accepted) co_return;
    const bool written = co_await conn.write_frame(close);
    if (!written) co_return;
    conn.mark_fault("close frame written");
    // wait_for_client: the client's close frame completes the handshake; nothing more is
    // answered, and TCP is closed after it, server first, as RFC 6455 7.1.1 asks.
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
    immediate_close,
    {
        .name = "immediate_close",
        .summary = "Answers the upgrade with 101, then at once sends a close frame",
        .fault_event = "the close frame has been written",
        .params =
            {
                wsrepro::mock::int_param("code", 1000, 0, 4999,
                                         "close status code; 0 = a close frame with an empty "
                                         "payload (no code, no reason)"),
                wsrepro::mock::string_param("reason", "",
                                            "close reason (UTF-8, sent as is; ignored for code 0)"),
                wsrepro::mock::choice_param(
                    "then", {"wait_for_client", "keep_open", "fin"}, "wait_for_client",
                    "after the close frame: read until the client's close frame then close TCP, "
                    "never close TCP (keep reading), or send FIN at once"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::immediate_close>(p);
            },
    })
