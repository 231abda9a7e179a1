// bad_accept: answers the upgrade with a 101 whose Sec-WebSocket-Accept is wrong, then keeps the
// connection open, reading and logging whatever the client sends but answering nothing. RFC 6455
// (4.1) says the client must fail the connection at once. A client that does not check the key
// goes on as if connected (its frames show up as server.frame_in); one that fails the handshake
// but then waits for the server to close hangs.

#include <string>

#include "wsrepro/mock/behaviour.hpp"

namespace wsrepro::mock {
namespace {

class bad_accept final : public behaviour {
 public:
  explicit bad_accept(const param_values& p) : accept_(p.get_string("accept")) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const auto request = co_await conn.read_request();
    if (!request) co_return;
    // By default a plausible key (right length and alphabet) computed from another nonce, so only
    // a client that really compares it notices.
    const std::string accept =
        accept_.empty() ? websocket_accept_key(request->sec_websocket_key + "wsrepro") : accept_;
    std::string response =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        accept + "\r\n\r\n";
    const bool written = co_await conn.write_response(std::move(response), 101);
    if (!written) co_return;
    conn.mark_fault("101 response with a wrong Sec-WebSocket-Accept written");

    // Log the frames of a client that carries on regardless, but answer none of them.
    for (;;) {
      const auto in = co_await conn.read_frame();
      if (!in) break;
    }
    co_await conn.read_until_eof();
  }

 private:
  std::string accept_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    bad_accept,
    {
        .name = "bad_accept",
        .summary = "Answers the upgrade with a 101 carrying a wrong Sec-WebSocket-Accept, then "
                   "keeps the connection open",
        .fault_event = "the 101 response has been written",
        .params =
            {
                wsrepro::mock::string_param(
                    "accept", "",
                    "Sec-WebSocket-Accept value to send (empty: the accept key of another nonce)"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::bad_accept>(p);
            },
    })
