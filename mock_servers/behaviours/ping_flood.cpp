// ping_flood: an echo server that pings the client every `interval_ms` (1 ms by default) with a
// small payload, from the handshake until the client's close frame. A correct client answers
// them all from its read loop and can still close promptly on Ctrl+C; one that handles control
// frames on a slow path, or whose close waits behind queued pongs, falls behind or hangs.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>

#include "wsrepro/mock/behaviour.hpp"

namespace wsrepro::mock {
namespace {

namespace net = boost::asio;

/// Sub-coroutines on the connection's strand. run() waits for them before it returns, because
/// the connection and the behaviour live only until then.
class sub_tasks {
 public:
  void spawn(connection& conn, net::awaitable<void> task) {
    ++running_;
    net::co_spawn(conn.executor(), std::move(task), [this, &conn](const std::exception_ptr& error) {
      if (error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& ex) {
          conn.emit("behaviour_error", {{"error", std::string(ex.what())}});
        }
      }
      if (--running_ == 0 && idle_ != nullptr) idle_->cancel();
    });
  }
  net::awaitable<void> wait(connection& conn) {
    net::steady_timer idle(conn.executor());
    idle_ = &idle;
    while (running_ > 0) {
      idle.expires_at(net::steady_timer::time_point::max());
      co_await idle.async_wait(net::as_tuple(net::use_awaitable));
    }
    idle_ = nullptr;
  }

 private:
  int running_ = 0;
  net::steady_timer* idle_ = nullptr;
};

class ping_flood final : public behaviour {
 public:
  explicit ping_flood(const param_values& p)
      : interval_(p.get_int("interval_ms")),
        payload_bytes_(static_cast<std::size_t>(p.get_int("payload_bytes"))) {}

  net::awaitable<void> run(connection& conn) override {
    const auto request = co_await conn.read_request();
    if (!request) co_return;
    if (!request->is_websocket_upgrade) {
      co_await conn.write_response("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 400);
      co_return;
    }
    const bool accepted = co_await conn.accept_upgrade(*request);
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
          // The flood ends with the client's close; a ping already waiting for the socket may
          // still go out before our close frame.
          stop_flood();
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
