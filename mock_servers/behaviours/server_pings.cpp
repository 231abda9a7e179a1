// server_pings: a correct echo server that also pings the client every `interval_ms`, so the
// harness can measure how fast the client answers (client_pong_latency_ms, from each
// server.frame_out ping to the next server.frame_in pong). With `require_pong` it also enforces
// its own keepalive, as python-websockets' server does: a ping left unanswered for
// `pong_timeout_ms` ends the connection with close code 1011. A client that stops reading (a
// blocked event loop, seed bug 3 from the client's side) is caught that way.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <chrono>
#include <map>
#include <optional>

#include "wsrepro/mock/behaviour.hpp"
#include "wsrepro/mock/steps.hpp"

namespace wsrepro::mock {
namespace {

namespace net = boost::asio;
using clock_type = std::chrono::steady_clock;

class server_pings final : public behaviour {
 public:
  explicit server_pings(const param_values& p)
      : interval_(p.get_int("interval_ms")),
        pong_timeout_(p.get_int("pong_timeout_ms")),
        require_pong_(p.get_bool("require_pong")) {}

  net::awaitable<void> run(connection& conn) override {
    const bool accepted = co_await accept_websocket(conn);
    if (!accepted) co_return;
    wake_.emplace(conn.executor());
    tasks_.spawn(conn, pinger(conn));
    co_await read_loop(conn);
    // The connection is over (or the server stopping): end the pinger before returning.
    done_ = true;
    wake_->cancel();
    co_await tasks_.wait(conn);
  }

 private:
  net::awaitable<void> read_loop(connection& conn) {
    for (;;) {
      auto in = co_await conn.read_frame();
      if (!in) co_return;
      frame out;
      out.fin = in->fin;
      out.payload = std::move(in->payload);
      switch (in->opcode) {
        case opcodes::ping:
          if (close_sent_) continue;  // nothing may follow our close frame
          out.opcode = opcodes::pong;
          break;
        case opcodes::pong:
          pong_received(out.payload);
          continue;
        case opcodes::close: {
          close_received_ = true;
          if (!close_sent_) {
            close_sent_ = true;
            out.opcode = opcodes::close;
            if (out.payload.size() > 2) out.payload.resize(2);
            const bool written = co_await conn.write_frame(out);
            if (!written) co_return;
          }
          conn.shutdown_send();
          co_await conn.read_until_eof();
          co_return;
        }
        default:
          if (close_sent_) continue;
          out.opcode = in->opcode;
          break;
      }
      const bool written = co_await conn.write_frame(out);
      if (!written) co_return;
    }
  }

  // A pong answers its ping and every earlier one (RFC 6455 5.5.3 lets a client answer only the
  // most recent). Pongs with a payload we did not send are unsolicited: ignored.
  void pong_received(std::string_view payload) {
    std::int64_t seq = 0;
    const auto [end, ec] = std::from_chars(payload.data(), payload.data() + payload.size(), seq);
    if (ec != std::errc{} || end != payload.data() + payload.size()) return;
    if (outstanding_.find(seq) == outstanding_.end()) return;
    outstanding_.erase(outstanding_.begin(), outstanding_.upper_bound(seq));
  }

  net::awaitable<void> pinger(connection& conn) {
    const auto interval = std::chrono::milliseconds(interval_);
    const auto pong_timeout = std::chrono::milliseconds(pong_timeout_);
    auto next_ping = clock_type::now() + interval;
    for (;;) {
      auto wake_at = next_ping;
      if (require_pong_ && !outstanding_.empty()) {
        wake_at = std::min(wake_at, outstanding_.begin()->second + pong_timeout);
      }
      wake_->expires_at(wake_at);
      auto [ec] = co_await wake_->async_wait(net::as_tuple(net::use_awaitable));
      if (ec || done_ || close_sent_) co_return;

      const auto now = clock_type::now();
      if (require_pong_ && !outstanding_.empty() &&
          now >= outstanding_.begin()->second + pong_timeout) {
        co_await give_up(conn, outstanding_.begin()->first);
        co_return;
      }
      if (now < next_ping) continue;
      frame ping;
      ping.opcode = opcodes::ping;
      ping.payload = std::to_string(++sequence_);
      const bool written = co_await conn.write_frame(ping);
      if (!written || done_) co_return;
      // From the moment the ping is on the wire, as the harness measures it.
      outstanding_.emplace(sequence_, clock_type::now());
      next_ping += interval;
      if (next_ping < clock_type::now()) next_ping = clock_type::now() + interval;
    }
  }

  // The keepalive verdict: close with 1011, as python-websockets does, then give the client as
  // long again to finish the close handshake before closing TCP.
  net::awaitable<void> give_up(connection& conn, std::int64_t seq) {
    conn.mark_fault("pong missing: ping " + std::to_string(seq) + " unanswered after " +
                    std::to_string(pong_timeout_) + " ms");
    close_sent_ = true;
    frame close;
    close.opcode = opcodes::close;
    close.payload = close_payload(1011, "keepalive ping timeout");
    const bool written = co_await conn.write_frame(close);
    if (!written || done_) co_return;
    wake_->expires_after(std::chrono::milliseconds(pong_timeout_));
    auto [ec] = co_await wake_->async_wait(net::as_tuple(net::use_awaitable));
    if (ec || done_ || close_received_) co_return;
    conn.emit("close_timeout", {{"waited_ms", pong_timeout_}});
    conn.close();  // the read loop ends on it
  }

  std::int64_t interval_;
  std::int64_t pong_timeout_;
  bool require_pong_;
  std::int64_t sequence_ = 0;
  std::map<std::int64_t, clock_type::time_point> outstanding_;  ///< ping sequence -> sent at
  std::optional<net::steady_timer> wake_;
  bool done_ = false;
  bool close_sent_ = false;
  bool close_received_ = false;
  sub_tasks tasks_;
};

}  // namespace
}  // namespace wsrepro::mock

WSREPRO_REGISTER_BEHAVIOUR(
    server_pings,
    {
        .name = "server_pings",
        .summary = "A correct echo server that pings every interval_ms and can close with 1011 "
                   "when a pong is missing",
        .fault_event = "with require_pong: a ping has gone unanswered for pong_timeout_ms (the "
                       "server then closes with 1011); otherwise none",
        .params =
            {
                wsrepro::mock::int_param("interval_ms", 200, 1, 3'600'000,
                                         "time between the server's pings"),
                wsrepro::mock::bool_param("require_pong", true,
                                          "close with 1011 when a ping goes unanswered for "
                                          "pong_timeout_ms"),
                wsrepro::mock::int_param("pong_timeout_ms", 1000, 1, 3'600'000,
                                         "how long a ping may go unanswered; also how long the "
                                         "client then gets to finish the close handshake"),
            },
        .events = {"close_timeout"},
        .make =
            [](const wsrepro::mock::param_values& p) {
              return std::make_shared<wsrepro::mock::server_pings>(p);
            },
    })
