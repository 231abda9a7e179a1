// delay_pongs: an echo server on a slow or congested path. It answers every ping, but only
// `delay_ms` later, while it keeps reading, echoing and completing the close handshake at once.
// A client whose ping timeout is longer than the delay must stay connected; one whose timeout is
// shorter must give up in time.

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

class delay_pongs final : public behaviour {
 public:
  explicit delay_pongs(const param_values& p) : delay_(p.get_int("delay_ms")) {}

  net::awaitable<void> run(connection& conn) override {
    const auto request = co_await conn.read_request();
    if (!request) co_return;
    if (!request->is_websocket_upgrade) {
      co_await conn.write_response("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 400);
      co_return;
    }
    const bool accepted = co_await conn.accept_upgrade(*request);
    if (!accepted) co_return;
    co_await read_loop(conn);
    co_await pongs_.wait(conn);
  }

 private:
  net::awaitable<void> read_loop(connection& conn) {
    bool fault_marked = false;
    for (;;) {
      auto in = co_await conn.read_frame();
      if (!in) co_return;
      frame out;
      out.fin = in->fin;
      out.payload = std::move(in->payload);
      switch (in->opcode) {
        case opcodes::ping:
          if (!fault_marked) {
            fault_marked = true;
            conn.mark_fault("first ping received; its pong is held back delay_ms");
          }
          // The pong goes out later, from its own coroutine; reading goes on meanwhile.
          pongs_.spawn(conn, delayed_pong(conn, std::move(out.payload)));
          continue;
        case opcodes::pong:
          continue;
        case opcodes::close: {
          closing_ = true;  // pongs still pending are dropped: nothing may follow our close
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

  net::awaitable<void> delayed_pong(connection& conn, std::string payload) {
    const bool slept = co_await conn.sleep_for(std::chrono::milliseconds(delay_));
    if (!slept || closing_) co_return;
    frame pong;
    pong.opcode = opcodes::pong;
    pong.payload = std::move(payload);
    co_await conn.write_frame(pong);
  }

  std::int64_t delay_;
  bool closing_ = false;
  sub_tasks pongs_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    delay_pongs,
    {
        .name = "delay_pongs",
        .summary = "An echo server that answers each ping only delay_ms later, reading and "
                   "echoing meanwhile",
        .fault_event = "the first ping has been received (its pong is held back delay_ms)",
        .params =
            {
                wsrepro::mock::int_param("delay_ms", 1500, 0, 3'600'000,
                                         "how long each pong is held back"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::delay_pongs>(p);
            },
    })
