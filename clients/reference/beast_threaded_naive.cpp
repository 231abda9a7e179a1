// wsrepro-client-beast-threaded-naive: a deliberately broken reference client, so the harness can
// prove that its detectors fire. It copies the design of python-websockets' threading ("sync")
// client of 11.0 to 13.0 (seed bugs 1 and 2): blocking I/O, a reader thread, and a main thread
// that waits for that reader and only then looks at signals.
//
// Expected: on a server that answers the upgrade with 302 and keeps TCP open, it hangs for the
// whole close timeout (default 3 s) and ignores SIGINT meanwhile; on a connected server that goes
// silent it hangs until killed. Each naive choice below names the bug it models. Do not fix them.
// It speaks wss:// too (the same code over a TLS stream), naive in exactly the same ways.

#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
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

constexpr const char* program = "wsrepro-client-beast-threaded-naive";
constexpr std::size_t text_preview_chars = 200;

volatile std::sig_atomic_t pending_signal = 0;
volatile std::sig_atomic_t open_timed_out = 0;

// Like CPython's C-level handler: only record the signal. The program acts on it when it next
// looks, which here is after whatever it is blocked in has finished (bug 1's slow Ctrl+C).
void on_signal(int signo) { pending_signal = signo; }
void on_alarm(int /*signo*/) { open_timed_out = 1; }

// No SA_RESTART, so a signal interrupts a blocking call in the main thread with EINTR. That is
// also how the open timeout works: SIGALRM interrupts a connect() or recv() that takes too long.
void install_handler(int signo, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(signo, &action, nullptr);
}

void set_alarm(std::chrono::milliseconds after) {
  itimerval timer{};
  timer.it_value.tv_sec = static_cast<time_t>(after.count() / 1000);
  timer.it_value.tv_usec = static_cast<suseconds_t>(after.count() % 1000 * 1000);
  setitimer(ITIMER_REAL, &timer, nullptr);
}

// Python runs signal handlers in the main thread only, so a blocking read in another thread is
// never interrupted (bug 2). Blocking the signals in the reader thread reproduces that.
template <class Body>
std::thread start_reader(Body&& body) {
  sigset_t blocked;
  sigset_t previous;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &blocked, &previous);
  std::thread reader(std::forward<Body>(body));
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return reader;
}

// Naive: the signal flag is looked at only here, once main is done waiting.
int finish(int code) {
  if (const int signo = pending_signal; signo != 0) {
    wc::event_line("signal").str("signal", wc::signal_name(signo)).emit();
    code = wc::signal_exit_code(signo);
  }
  return wc::emit_exit(code);
}

/// `refused`: why the server's certificate was refused, for a TLS failure.
int report_error(std::string_view type, const beast::error_code& ec,
                 const std::string& refused = {}) {
  const std::string message = ec.message() + (refused.empty() ? "" : ": " + refused);
  wc::event_line line("error");
  line.str("type", type).str("message", message);
  if (!refused.empty()) line.str("verify_error", refused);
  line.emit();
  std::fprintf(stderr, "%s: %.*s: %s\n", program, static_cast<int>(type.size()), type.data(),
               message.c_str());
  return 1;
}

// Naive, modelled on websockets 11.0 to 13.0 (#1592, #1596): after a non-101 response, wait up to
// close_timeout for the reader thread to see the server close TCP before raising. A server that
// keeps the connection open costs the whole close_timeout, and a signal cannot cut it short.
void wait_for_server_to_close(tcp::socket& socket, std::chrono::milliseconds close_timeout) {
  std::mutex mutex;
  std::condition_variable cv;
  bool eof = false;
  std::thread reader = start_reader([&] {
    std::array<char, 4096> discard{};
    beast::error_code ec;
    while (!ec) socket.read_some(net::buffer(discard), ec);
    {
      const std::lock_guard lock(mutex);
      eof = true;
    }
    cv.notify_one();
  });
  {
    std::unique_lock lock(mutex);
    cv.wait_for(lock, close_timeout, [&eof] { return eof; });
  }
  // On Linux shutdown() wakes the blocked recv(); on macOS it may not (bug 1's second race).
  ::shutdown(socket.native_handle(), SHUT_RDWR);
  reader.join();
}

using plain_stream = tcp::socket;
using tls_stream = beast::ssl_stream<tcp::socket>;

template <class NextLayer>
int read_until_closed(websocket::stream<NextLayer>& ws) {
  // A TLS server may end TCP right after the close frames without a TLS close_notify; Beast then
  // reports a truncated stream, but the WebSocket close handshake is complete.
  bool close_frame_received = false;
  ws.control_callback([&close_frame_received](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::close) close_frame_received = true;
  });
  const auto truncated = [](const beast::error_code& ec) {
    return std::is_same_v<NextLayer, tls_stream> && ec == net::ssl::error::stream_truncated;
  };
  beast::flat_buffer buffer;
  for (;;) {
    beast::error_code ec;
    // Naive: no keepalive and no timeout (the sync client had none before 15.0): a server that
    // goes silent keeps this read, and so the whole process, blocked forever (seed bug 3).
    const std::size_t bytes = ws.read(buffer, ec);
    if (ec == websocket::error::closed || (close_frame_received && truncated(ec))) {
      const websocket::close_reason& reason = ws.reason();
      wc::event_line("closed")
          .num("code", reason.code)
          .str("reason", std::string_view(reason.reason.data(), reason.reason.size()))
          .emit();
      wc::event_line("state").str("state", "closed").emit();
      return 0;
    }
    if (ec) return report_error("read", ec);
    wc::event_line("received")
        .num("bytes", static_cast<std::int64_t>(bytes))
        .str("text", beast::buffers_to_string(buffer.data()), text_preview_chars)
        .emit();
    buffer.consume(buffer.size());
  }
}

// One session over `NextLayer`: plain_stream for ws://, tls_stream for wss://.
template <class NextLayer>
int run(const wc::options& opts, websocket::stream<NextLayer>& ws) {
  constexpr bool uses_tls = std::is_same_v<NextLayer, tls_stream>;
  tcp::socket& socket = beast::get_lowest_layer(ws);
  if (opts.close_after) {
    // Its only close is the one a signal starts: the naive program has no timer to close by.
    wc::event_line("unsupported_setting")
        .str("setting", "WSREPRO_CLOSE_AFTER_MS")
        .str("message", "the naive client closes only on a signal")
        .emit();
  }
  wc::event_line("connecting").str("url", opts.url).emit();

  // The open timeout (SIGALRM) covers the connect, the TLS handshake and the upgrade alike.
  set_alarm(opts.open_timeout);
  beast::error_code ec;
  net::connect(socket, opts.where.endpoints, ec);
  const bool connected = !ec;
  bool secured = !uses_tls;
  http::response<http::string_body> res;
  if (connected) {
    beast::error_code ignored;
    // Without it a close handshake on loopback waits ~40 ms for a delayed ACK.
    socket.set_option(tcp::no_delay(true), ignored);
    if constexpr (uses_tls) {
      wc::prepare_tls(ws.next_layer(), opts.where, ec);
      if (!ec) ws.next_layer().handshake(net::ssl::stream_base::client, ec);
      secured = !ec;
    }
  }
  if (secured) {
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(http::field::user_agent, program); }));
    ws.handshake(res, opts.where.host, opts.where.target, ec);
  }
  set_alarm(std::chrono::milliseconds(0));

  if (ec == websocket::error::upgrade_declined) {
    // Over TLS it reads the raw TCP bytes: all it waits for is the server's FIN.
    wait_for_server_to_close(socket, opts.close_timeout);
    // Reported only now, as the sync client raised InvalidStatus only after its wait.
    const auto location = res.find(http::field::location);
    wc::event_line line("error");
    line.str("type", "upgrade_declined")
        .str("message", ec.message())
        .num("status", static_cast<std::int64_t>(res.result_int()));
    const std::string where = location != res.end()
                                  ? std::string(location->value().data(), location->value().size())
                                  : "";
    if (location != res.end()) line.str("location", where);
    line.emit();
    std::fprintf(stderr, "%s: upgrade refused: HTTP %u %s%s%s\n", program, res.result_int(),
                 std::string(res.reason().data(), res.reason().size()).c_str(),
                 where.empty() ? "" : ", Location: ", where.c_str());
    return finish(1);
  }
  if (ec) {
    // EINTR from our SIGALRM is the open timeout; from SIGINT/SIGTERM it stays what it is.
    const bool timed_out = open_timed_out != 0 && ec == net::error::interrupted;
    if (timed_out) ec = beast::error::timeout;
    if (!connected) return finish(report_error(timed_out ? "connect_timeout" : "connect", ec));
    if (!secured) {
      std::string refused;
      if constexpr (uses_tls) refused = wc::verify_failure(ws.next_layer().native_handle());
      return finish(report_error(timed_out ? "tls_timeout" : "tls", ec, refused));
    }
    return finish(report_error(timed_out ? "handshake_timeout" : "handshake", ec));
  }

  wc::event_line("connected").emit();
  wc::event_line("state").str("state", "open").emit();
  // Sends happen before the reader starts: a Beast stream must not be used by two threads at once.
  ws.text(true);
  for (const std::string& text : opts.sends) {
    const std::size_t bytes = ws.write(net::buffer(text), ec);
    if (ec) return finish(report_error("write", ec));
    wc::event_line("sent").num("bytes", static_cast<std::int64_t>(bytes)).emit();
  }

  int result = 1;
  std::thread reader = start_reader([&ws, &result] { result = read_until_closed(ws); });
  // Naive: wait for the reader with no timeout at all, and look at signals only afterwards
  // (bugs 2 and 4: Ctrl+C cannot end a program whose reader thread is blocked).
  reader.join();
  return finish(result);
}

}  // namespace

int main(int argc, char** argv) {
  const wc::options opts = wc::parse_command_line(argc, argv);
  install_handler(SIGINT, on_signal);
  install_handler(SIGTERM, on_signal);
  install_handler(SIGALRM, on_alarm);
  net::io_context ioc;  // only to construct the socket: every operation here blocks
  if (!opts.where.tls) {
    websocket::stream<plain_stream> ws(ioc);
    return run(opts, ws);
  }
  std::string why;
  std::optional<net::ssl::context> context = wc::make_tls_context(opts, why);
  if (!context) {
    wc::event_line("error").str("type", "tls").str("message", why).emit();
    std::fprintf(stderr, "%s: tls: %s\n", program, why.c_str());
    return wc::emit_exit(1);
  }
  websocket::stream<tls_stream> ws(ioc, *context);
  return run(opts, ws);
}
