// fin_without_close: answers the upgrade with a valid 101, then (optionally after a delay) closes
// its sending side with a FIN and no close frame, and keeps reading until the client's FIN. A
// client that waits for a close frame, or treats a half-closed peer as still alive, hangs.

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class fin_without_close final : public behaviour {
 public:
  explicit fin_without_close(const param_values& p) : delay_ms_(p.get_int("delay_ms")) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;
    if (delay_ms_ > 0) {
      const bool slept = co_await conn.sleep_for(std::chrono::milliseconds(delay_ms_));
      if (!slept) co_return;
    }
    conn.shutdown_send();
    conn.mark_fault("FIN sent without a close frame");
    // Half-closed: whatever the client still sends (a close frame, pings) is logged frame by
    // frame until its FIN or RST; after a broken frame, raw bytes until then.
    for (;;) {
      const auto in = co_await conn.read_frame();
      if (!in) break;
    }
    co_await conn.read_until_eof();
  }

 private:
  std::int64_t delay_ms_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    fin_without_close,
    {
        .name = "fin_without_close",
        .summary = "Answers the upgrade with 101, then sends FIN without a close frame",
        .fault_event = "the FIN has been sent (no close frame before it)",
        .params =
            {
                wsrepro::mock::int_param("delay_ms", 0, 0, 3'600'000,
                                         "wait this long after the 101 before the FIN"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::fin_without_close>(p);
            },
    })
