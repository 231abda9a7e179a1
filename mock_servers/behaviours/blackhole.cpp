// blackhole: accepts the TCP connection and then does nothing at all: it never reads (the request
// sits unread in the kernel's buffer), never writes, never closes. Unlike no_response the server
// does not even see the request, or notice the client leave. Only the client's open timeout, or
// Ctrl+C, can end its wait.

#include "wsrepro/mock/behaviour.hpp"

namespace wsrepro::mock {
namespace {

class blackhole final : public behaviour {
 public:
  boost::asio::awaitable<void> run(connection& conn) override {
    conn.mark_fault("connection accepted; nothing will be read or sent");
    // Until the server stops (which cancels the sleep): returning would close the socket.
    for (;;) {
      const bool slept = co_await conn.sleep_for(std::chrono::hours(1));
      if (!slept) co_return;
    }
  }
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    blackhole,
    {
        .name = "blackhole",
        .summary = "Accepts TCP, then never reads, writes or closes (the request is never read)",
        .fault_event = "the connection has been accepted",
        .params = {},
        .make =
            [](const wsrepro::mock::param_values&) {
              return std::make_shared<wsrepro::mock::blackhole>();
            },
    })
