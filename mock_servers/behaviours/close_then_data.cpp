// close_then_data: answers the upgrade with a valid 101, sends a close frame, then keeps sending
// data frames after it (RFC 6455 5.5.1: no data may follow a close frame). A correct client
// ignores them and still completes the close; one that delivers them, or whose close waits for
// reading to drain (python-websockets before 14.2, #1555), misbehaves or hangs.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

class close_then_data final : public behaviour {
 public:
  explicit close_then_data(const param_values& p)
      : frames_(p.get_int("frames")), interval_ms_(p.get_int("interval_ms")) {}

  boost::asio::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;
    // The close frame and the first data frame go out in one write: a client cannot answer the
    // close and exit before the fault, which would leave the run without its situation.
    frame close;
    close.opcode = opcodes::close;
    close.payload = close_payload(1000);
    const frame first = data_frame(1);
    const bool written =
        co_await conn.write_raw(encode_frame(close) + encode_frame(first), "raw_out");
    if (!written) co_return;
    emit_frame_out(conn, close);
    emit_frame_out(conn, first);
    conn.mark_fault("data frame written after the close frame");

    // The data frames go out from a second coroutine, so that this one reads meanwhile and logs
    // the client's close frame and FIN when they arrive, not after the last data frame.
    boost::asio::steady_timer sent(conn.executor(), boost::asio::steady_timer::time_point::max());
    boost::asio::co_spawn(conn.executor(), send_data(conn, sent), boost::asio::detached);
    for (;;) {
      const auto in = co_await conn.read_frame();
      if (!in) break;
      if (in->opcode == opcodes::close) {
        // As a correct server from here: FIN after the client's close frame, but only once
        // the last data frame is out (whichever of the two comes second sends it).
        client_closed_ = true;
        if (!sending_) conn.shutdown_send();
        break;
      }
    }
    co_await conn.read_until_eof();
    // The sender uses `conn`, which lives only as long as run(): wait for its end in every case
    // (a server stop ends it at its next write or sleep).
    while (sending_) {
      co_await sent.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
  }

 private:
  static frame data_frame(std::int64_t i) {
    frame data;
    data.opcode = opcodes::text;
    data.payload = "data after close " + std::to_string(i);
    return data;
  }

  // Writes only; `sent` belongs to run(), which waits for this to end.
  boost::asio::awaitable<void> send_data(connection& conn, boost::asio::steady_timer& sent) {
    // The first data frame went out with the close frame.
    for (std::int64_t i = 2; i <= frames_; ++i) {
      if (interval_ms_ > 0) {
        const bool slept = co_await conn.sleep_for(std::chrono::milliseconds(interval_ms_));
        if (!slept) break;
      }
      const bool written = co_await conn.write_frame(data_frame(i));
      if (!written) break;
    }
    sending_ = false;
    if (client_closed_) conn.shutdown_send();
    sent.cancel();
  }

  std::int64_t frames_;
  std::int64_t interval_ms_;
  bool sending_ = true;
  bool client_closed_ = false;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    close_then_data,
    {
        .name = "close_then_data",
        .summary = "Answers the upgrade with 101, sends a close frame, then data frames after it",
        .fault_event = "the write carrying the close frame and the first data frame has completed",
        .params =
            {
                wsrepro::mock::int_param("frames", 3, 1, 100'000,
                                         "text frames sent after the close frame"),
                wsrepro::mock::int_param("interval_ms", 10, 0, 3'600'000,
                                         "pause between those frames (the first follows the close "
                                         "frame at once)"),
            },
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::close_then_data>(p);
            },
    })
