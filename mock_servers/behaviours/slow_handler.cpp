// slow_handler: the server side of seed bug 3's slow-handler variant (python-websockets #1430,
// #1298): an echo server whose message handler makes a blocking call. On each data message it
// blocks `block_ms` before echoing, and meanwhile reads nothing and answers no ping, as a
// blocked event loop would. Pings that arrived during the block are answered after it. With
// block_ms above the client's keepalive budget, the client must give up in time.

#include <chrono>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class slow_handler final : public behaviour {
 public:
  explicit slow_handler(const param_values& p) : block_(p.get_int("block_ms")) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;
    echo_hooks hooks;
    hooks.before_echo = [this, &conn](const frame& data) { return handle(conn, data.fin); };
    co_await echo_until_close(conn, std::move(hooks));
  }

 private:
  // The message handler; the handler runs once the whole message is in.
  boost::asio::awaitable<bool> handle(connection& conn, bool whole_message) {
    if (!whole_message) co_return true;
    if (!fault_marked_) {
      fault_marked_ = true;
      conn.mark_fault("the handler blocks on the first message");
    }
    // The blocking call: the echo loop is the only reader, so nothing is read meanwhile.
    const bool slept = co_await conn.sleep_for(std::chrono::milliseconds(block_));
    co_return slept;
  }

  std::int64_t block_;
  bool fault_marked_ = false;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    slow_handler,
    {
        .name = "slow_handler",
        .summary = "An echo server whose handler blocks block_ms on each message, reading and "
                   "answering nothing meanwhile",
        .fault_event = "the handler's first block begins (the first whole data message is in)",
        .params =
            {
                wsrepro::mock::int_param("block_ms", 5000, 0, 3'600'000,
                                         "how long the handler blocks before echoing a message"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::slow_handler>(p);
            },
    })
