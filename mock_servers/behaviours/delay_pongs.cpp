// delay_pongs: an echo server on a slow or congested path. It answers every ping, but only
// `delay_ms` later, while it keeps reading, echoing and completing the close handshake at once.
// A client whose ping timeout is longer than the delay must stay connected; one whose timeout is
// shorter must give up in time.

#include <chrono>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

namespace net = boost::asio;

class delay_pongs final : public behaviour {
 public:
  explicit delay_pongs(const param_values& p) : delay_(p.get_int("delay_ms")) {}

  net::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;
    co_await read_loop(conn);
    co_await pongs_.wait(conn);
  }

 private:
  net::awaitable<void> read_loop(connection& conn) {
    bool fault_marked = false;
    echo_hooks hooks;
    hooks.on_ping = [&](const frame& ping) {
      if (!fault_marked) {
        fault_marked = true;
        conn.mark_fault("first ping received; its pong is held back delay_ms");
      }
      // The pong goes out later, from its own coroutine; reading goes on meanwhile.
      pongs_.spawn(conn, delayed_pong(conn, ping.payload));
      return false;
    };
    hooks.on_close = [this](const frame&) {
      closing_ = true;  // pongs still pending are dropped: nothing may follow our close
      return true;
    };
    co_await echo_until_close(conn, std::move(hooks));
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
