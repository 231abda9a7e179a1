// reset: answers the upgrade with a valid 101, then (optionally after a delay) aborts the
// connection with a RST (SO_LINGER 0): no close frame, no FIN. A client must report the reset
// and exit at once; one that retries or waits on a dead socket hangs.

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class reset final : public behaviour {
 public:
  explicit reset(const param_values& p) : after_ms_(p.get_int("after_ms")) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;
    if (after_ms_ > 0) {
      const bool slept = co_await conn.sleep_for(std::chrono::milliseconds(after_ms_));
      if (!slept) co_return;
    }
    // Nothing is read meanwhile: the client's frames stay unread, which a RST discards anyway.
    conn.reset();
    conn.mark_fault("RST sent (SO_LINGER 0) after the 101");
  }

 private:
  std::int64_t after_ms_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    reset,
    {
        .name = "reset",
        .summary = "Answers the upgrade with 101, then resets the connection (RST, SO_LINGER 0)",
        .fault_event = "the RST has been sent",
        .params =
            {
                wsrepro::mock::int_param("after_ms", 0, 0, 3'600'000,
                                         "wait this long after the 101 before the RST"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::reset>(p);
            },
    })
