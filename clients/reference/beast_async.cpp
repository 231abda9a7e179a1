// wsrepro-client-beast-async: the reference client that does everything right. One io_context on
// one thread, C++20 coroutines, errors as values. Every phase is bounded (connect and upgrade by
// the open timeout, the session by keepalive, the close by the close timeout) and SIGINT/SIGTERM
// are handled on the event loop, so whatever the server does the process exits promptly.
// The harness runs it to show that a "pass" verdict is reachable. ws:// and wss:// share one
// session, a template over the stream under the WebSocket layer.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "driver_events.hpp"

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
namespace wc = wsrepro::client;

namespace {

constexpr const char* program = "wsrepro-client-beast-async";
constexpr std::size_t text_preview_chars = 200;

// Completion as (error_code, results...): failures are values, never exceptions.
constexpr auto nothrow_awaitable = net::as_tuple(net::use_awaitable);

std::string_view to_std(beast::string_view s) { return {s.data(), s.size()}; }

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

/// One session over `NextLayer`: plain_stream for ws://, tls_stream for wss://.
template <class NextLayer>
class client {
 public:
  /// `layer_args` follow the io_context to NextLayer's constructor (the TLS context for wss://).
  template <class... LayerArgs>
  client(net::io_context& ioc, wc::options opts, LayerArgs&... layer_args)
      : ioc_(ioc),
        opts_(std::move(opts)),
        ws_(ioc, layer_args...),
        signals_(ioc, SIGINT, SIGTERM),
        close_timer_(ioc) {}

  int run() {
    int result = 1;
    net::co_spawn(ioc_, watch_signals(), net::detached);
    net::co_spawn(ioc_, session(), [&result](const std::exception_ptr& error, int code) {
      result = code;
      if (error) {
        result = 1;
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "%s: %s\n", program, e.what());
        }
      }
    });
    ioc_.run();
    return wc::emit_exit(signal_exit_code_ != 0 ? signal_exit_code_ : result);
  }

 private:
  static constexpr bool uses_tls = std::is_same_v<NextLayer, tls_stream>;

  enum class phase { opening, open, closing, done };

  net::awaitable<int> session() {
    const int code = co_await open_and_read();
    phase_ = phase::done;
    stop_when_idle();
    co_return code;
  }

  net::awaitable<int> open_and_read() {
    wc::event_line("connecting").str("url", opts_.url).emit();

    // Connect, TLS and upgrade share one open budget, as in python-websockets' open_timeout.
    auto& stream = beast::get_lowest_layer(ws_);
    const auto open_deadline = std::chrono::steady_clock::now() + opts_.open_timeout;
    stream.expires_at(open_deadline);
    auto [connect_ec, endpoint] =
        co_await stream.async_connect(opts_.where.endpoints, nothrow_awaitable);
    if (connect_ec) co_return fail(connect_ec, "connect", "connect_timeout");
    beast::error_code ignored;
    // Without it a close handshake on loopback waits ~40 ms for a delayed ACK.
    stream.socket().set_option(tcp::no_delay(true), ignored);

    if constexpr (uses_tls) {
      // Still under the connect's deadline: a server that never answers the ClientHello costs
      // the open timeout, no more.
      beast::error_code tls_ec;
      wc::prepare_tls(ws_.next_layer(), opts_.where, tls_ec);
      if (!tls_ec) {
        auto [handshake_ec] = co_await ws_.next_layer().async_handshake(
            net::ssl::stream_base::client, nothrow_awaitable);
        tls_ec = handshake_ec;
      }
      if (tls_ec) co_return fail(tls_ec, "tls", "tls_timeout");
    }

    // From here the websocket stream's own timer rules; two timers on one socket would race.
    stream.expires_never();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        open_deadline - std::chrono::steady_clock::now());
    ws_.set_option(timeouts(std::max(left, std::chrono::milliseconds(1))));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(http::field::user_agent, program); }));
    // Beast arms no timer while it waits for the server to drop TCP after a server-initiated
    // close (and none at all without keepalive), so that wait gets our close deadline.
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind != websocket::frame_type::close) return;
      close_frame_received_ = true;
      if (phase_ == phase::open) server_closing_ = true;
      arm_close_deadline();
    });

    // Passing the response keeps a refusal's status and Location.
    http::response<http::string_body> res;
    auto [handshake_ec] =
        co_await ws_.async_handshake(res, opts_.where.host, opts_.where.target, nothrow_awaitable);
    if (handshake_ec == websocket::error::upgrade_declined && !aborted_) {
      // Nothing to wait for: the answer is final, whether or not the server closes.
      report_refusal(handshake_ec, res);
      abort_connection();
      co_return 1;
    }
    if (handshake_ec) co_return fail(handshake_ec, "handshake", "handshake_timeout");

    // Beast times the closing phase with handshake_timeout: from now on that is the close budget.
    ws_.set_option(timeouts(opts_.close_timeout));
    phase_ = phase::open;
    wc::event_line("connected").emit();
    wc::event_line("state").str("state", "open").emit();

    // Sending runs beside the read loop, so pongs and a close frame are handled while a send is
    // stuck on a peer that does not read; keepalive then bounds the stuck send too.
    ws_.text(true);
    if (!opts_.sends.empty()) net::co_spawn(ioc_, send_all(), net::detached);
    if (opts_.close_after) net::co_spawn(ioc_, close_later(*opts_.close_after), net::detached);
    net::co_spawn(ioc_, watch_failing_close(), net::detached);

    beast::flat_buffer buffer;
    for (;;) {
      auto [read_ec, bytes] = co_await ws_.async_read(buffer, nothrow_awaitable);
      if (read_ec == websocket::error::closed || (close_frame_received_ && truncated(read_ec))) {
        report_closed();
        co_return 0;
      }
      if (read_ec) {
        if (phase_ == phase::closing) co_return 1;  // close_session() reports
        if (server_closing_) co_return fail(read_ec, "close", "close_timeout");
        co_return fail(read_ec, "read", "keepalive_timeout");
      }
      wc::event_line("received")
          .num("bytes", static_cast<std::int64_t>(bytes))
          .str("text", beast::buffers_to_string(buffer.data()), text_preview_chars)
          .emit();
      buffer.consume(buffer.size());
    }
  }

  net::awaitable<void> send_all() {
    for (const std::string& text : opts_.sends) {
      if (phase_ != phase::open) co_return;  // a close began meanwhile
      auto [ec, bytes] = co_await ws_.async_write(net::buffer(text), nothrow_awaitable);
      if (ec) {
        // The read loop reports what ended the connection; report only what it cannot see.
        if (phase_ == phase::open && !server_closing_ && ec != websocket::error::closed &&
            ec != beast::error::timeout && ec != net::error::operation_aborted) {
          fail(ec, "write", "write_timeout");
        }
        co_return;
      }
      wc::event_line("sent").num("bytes", static_cast<std::int64_t>(bytes)).emit();
    }
  }

  // The scenario's "close after connecting": the same close a signal starts, unless the session
  // is no longer open by then.
  net::awaitable<void> close_later(std::chrono::milliseconds after) {
    net::steady_timer timer(ioc_);
    timer.expires_after(after);
    co_await timer.async_wait(nothrow_awaitable);
    if (phase_ != phase::open || server_closing_) co_return;
    wc::event_line("closing").num("code", websocket::close_code::normal).emit();
    co_await close_session();
  }

  // Client-initiated close (after a signal or close_after), bounded by the close timeout.
  net::awaitable<void> close_session() {
    phase_ = phase::closing;
    close_pending_ = true;
    wc::event_line("state").str("state", "closing").emit();
    arm_close_deadline();
    auto [ec] = co_await ws_.async_close(websocket::close_code::normal, nothrow_awaitable);
    close_pending_ = false;
    // Beast's close tears TLS down only once the server's close frame has arrived.
    if (!ec || truncated(ec)) {
      report_closed();
    } else {
      fail(ec, "close", "close_timeout");
    }
    stop_when_idle();
  }

  // Ends run() once the session is over and no close handshake is still being reported. Stopping
  // (rather than letting run() drain) matters: after a failure Beast leaves its handshake or idle
  // timer armed, which would otherwise keep the process alive for up to the open timeout.
  void stop_when_idle() {
    if (phase_ == phase::done && !close_pending_) ioc_.stop();
  }

  net::awaitable<void> watch_signals() {
    for (;;) {
      auto [ec, signo] = co_await signals_.async_wait(nothrow_awaitable);
      if (ec) co_return;  // the signal_set is gone
      wc::event_line("signal").str("signal", wc::signal_name(signo)).emit();
      const bool first = signal_exit_code_ == 0;
      if (first) signal_exit_code_ = wc::signal_exit_code(signo);
      if (phase_ == phase::opening || phase_ == phase::closing ||
          (!first && phase_ != phase::done)) {
        // Nothing to close politely yet, our own close frame is already out (Ctrl+C while a
        // close waits for a silent server), or a second signal: stop waiting.
        abort_connection();
      } else if (phase_ == phase::open && !server_closing_) {
        net::co_spawn(signals_.get_executor(), close_session(), net::detached);
      }
      // Otherwise the server's close is under way, bounded by the close deadline.
    }
  }

  websocket::stream_base::timeout timeouts(std::chrono::milliseconds handshake) const {
    websocket::stream_base::timeout t{};
    t.handshake_timeout = handshake;
    if (opts_.ping_interval.count() > 0) {
      // Beast pings after idle_timeout/2 of silence and gives up at idle_timeout.
      t.idle_timeout = opts_.ping_interval + opts_.ping_timeout;
      t.keep_alive_pings = true;
    } else {
      t.idle_timeout = websocket::stream_base::none();
      t.keep_alive_pings = false;
    }
    return t;
  }

  // When Beast fails the connection itself (a protocol error from the peer, e.g. a fragmented
  // ping) it sends close 1002 and waits for the peer's answer with no timer at all: the read
  // never returns from a peer that does not answer. Beast gives no callback for that, so watch
  // for the stream leaving the open state and put the close deadline on it. (wsrepro's
  // frame.fragmented_ping scenario found this.)
  net::awaitable<void> watch_failing_close() {
    net::steady_timer tick(ioc_);
    while (phase_ == phase::open) {
      if (!ws_.is_open() && !server_closing_) {
        arm_close_deadline();
        co_return;
      }
      tick.expires_after(std::chrono::milliseconds(20));
      co_await tick.async_wait(nothrow_awaitable);
    }
  }

  void arm_close_deadline() {
    if (close_deadline_armed_) return;
    close_deadline_armed_ = true;
    close_timer_.expires_after(opts_.close_timeout);
    close_timer_.async_wait([this](beast::error_code ec) {
      if (ec) return;  // cancelled: the close finished in time
      close_timed_out_ = true;
      abort_connection();
    });
  }

  // A TLS server may end TCP right after the close frames without a TLS close_notify (the mock
  // servers do, as many servers do). Beast then reports a truncated stream, but the WebSocket
  // close handshake is complete: still a clean close.
  static bool truncated(const beast::error_code& ec) {
    return uses_tls && ec == net::ssl::error::stream_truncated;
  }

  // Closing the socket completes every pending operation at once.
  void abort_connection() {
    aborted_ = true;
    beast::get_lowest_layer(ws_).close();
  }

  // Returns the exit code for a failure, reporting it unless it is the echo of our own abort
  // after a signal (the signal event already says why).
  int fail(const beast::error_code& ec, std::string_view type, std::string_view timeout_type) {
    if (aborted_ && !close_timed_out_) return 1;
    const bool timed_out = ec == beast::error::timeout || close_timed_out_;
    const std::string_view reported = timed_out ? timeout_type : type;
    // Our own deadline closed the socket: the error Beast reports is only its echo.
    std::string message = close_timed_out_ ? "close handshake not finished within " +
                                                 std::to_string(opts_.close_timeout.count()) +
                                                 " ms (" + ec.message() + ")"
                                           : ec.message();
    std::string refused;  // why the server's certificate was refused, if it was
    if constexpr (uses_tls) refused = wc::verify_failure(ws_.next_layer().native_handle());
    if (!refused.empty()) message += ": " + refused;
    wc::event_line line("error");
    line.str("type", reported).str("message", message);
    if (!refused.empty()) line.str("verify_error", refused);
    // The peer may have sent its close frame and then failed to finish: keep its code too.
    if (const websocket::close_reason& reason = ws_.reason(); reason.code != 0) {
      line.num("code", reason.code)
          .str("reason", std::string_view(reason.reason.data(), reason.reason.size()));
    }
    line.emit();
    std::fprintf(stderr, "%s: %.*s: %s\n", program, static_cast<int>(reported.size()),
                 reported.data(), message.c_str());
    return 1;
  }

  static void report_refusal(const beast::error_code& ec,
                             const http::response<http::string_body>& res) {
    const auto location = res.find(http::field::location);
    wc::event_line line("error");
    line.str("type", "upgrade_declined")
        .str("message", ec.message())
        .num("status", static_cast<std::int64_t>(res.result_int()));
    if (location != res.end()) line.str("location", to_std(location->value()));
    line.emit();
    const std::string where =
        location != res.end() ? ", Location: " + std::string(to_std(location->value())) : "";
    std::fprintf(stderr, "%s: upgrade refused: HTTP %u %s%s\n", program, res.result_int(),
                 std::string(to_std(res.reason())).c_str(), where.c_str());
  }

  void report_closed() {
    if (closed_reported_) return;
    closed_reported_ = true;
    const websocket::close_reason& reason = ws_.reason();
    wc::event_line("closed")
        .num("code", reason.code)
        .str("reason", std::string_view(reason.reason.data(), reason.reason.size()))
        .emit();
    wc::event_line("state").str("state", "closed").emit();
  }

  net::io_context& ioc_;
  wc::options opts_;
  websocket::stream<NextLayer> ws_;
  net::signal_set signals_;
  net::steady_timer close_timer_;
  phase phase_ = phase::opening;
  int signal_exit_code_ = 0;
  bool aborted_ = false;
  bool close_pending_ = false;
  bool close_deadline_armed_ = false;
  bool server_closing_ = false;  ///< the server sent the first close frame
  bool close_timed_out_ = false;
  bool closed_reported_ = false;
  bool close_frame_received_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  wc::options opts = wc::parse_command_line(argc, argv);
  net::io_context ioc(1);  // one thread: no locking anywhere
  if (!opts.where.tls) {
    client<plain_stream> c(ioc, std::move(opts));
    return c.run();
  }
  std::string why;
  std::optional<net::ssl::context> context = wc::make_tls_context(opts, why);
  if (!context) {
    wc::event_line("error").str("type", "tls").str("message", why).emit();
    std::fprintf(stderr, "%s: tls: %s\n", program, why.c_str());
    return wc::emit_exit(1);
  }
  client<tls_stream> c(ioc, std::move(opts), *context);
  return c.run();
}
