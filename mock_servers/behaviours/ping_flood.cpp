// ping_flood: an echo server that pings the client every `interval_ms` (1 ms by default) with a
// small payload, from the handshake until the client's close frame. A correct client answers
// them all from its read loop and can still close promptly on Ctrl+C; one that handles control
// frames on a slow path, or whose close waits behind queued pongs, falls behind or hangs.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

namespace net = boost::asio;

class ping_flood final : public behaviour {
 public:
  explicit ping_flood(const param_values& p)
      : interval_(p.get_int("interval_ms")),
        payload_bytes_(static_cast<std::size_t>(p.get_int("payload_bytes"))) {}

  net::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;
    conn.mark_fault("ping flood begins");
    wake_.emplace(conn.executor());
    tasks_.spawn(conn, flood(conn));
    co_await read_loop(conn);
    stop_flood();
    co_await tasks_.wait(conn);
  }

 private:
  void stop_flood() {
    flooding_ = false;
    wake_->cancel();
  }

  net::awaitable<void> read_loop(connection& conn) {
    echo_hooks hooks;
    hooks.on_close = [this](const frame&) {
      // The flood ends with the client's close; a ping already waiting for the socket may
      // still go out before our close frame.
      stop_flood();
      return true;
    };
    co_await echo_until_close(conn, std::move(hooks));
  }

  net::awaitable<void> flood(connection& conn) {
    std::int64_t sequence = 0;
    while (flooding_) {
      frame ping;
      ping.opcode = opcodes::ping;
      // A sequence number, padded or cut to the payload size.
      ping.payload = std::to_string(++sequence);
      ping.payload.resize(payload_bytes_, '.');
      const bool written = co_await conn.write_frame(ping);
      if (!written || !flooding_) co_return;
      wake_->expires_after(std::chrono::milliseconds(interval_));
      auto [ec] = co_await wake_->async_wait(net::as_tuple(net::use_awaitable));
      if (ec) co_return;
    }
  }

  std::int64_t interval_;
  std::size_t payload_bytes_;
  bool flooding_ = true;
  std::optional<net::steady_timer> wake_;
  sub_tasks tasks_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    ping_flood,
    {
        .name = "ping_flood",
        .summary = "An echo server that pings every interval_ms (1 ms) until the client's close "
                   "frame",
        .fault_event = "the flood begins, right after the 101",
        .params =
            {
                wsrepro::mock::int_param("interval_ms", 1, 0, 3'600'000,
                                         "pause between two pings (0: back to back)"),
                wsrepro::mock::int_param("payload_bytes", 4, 0, 125,
                                         "ping payload size: a sequence number, padded or cut"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::ping_flood>(p);
            },
    })
