#pragma once
// The per-connection plumbing a behaviour scripts against: read the upgrade request (Beast's
// parser), write raw bytes, write and read frames (our own codec), wait, half-close, reset. Every
// step is logged on the run's timeline. All I/O goes through read_some()/write_all(), the one
// place a transport (TLS) slots in.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wsrepro/common/timeline.hpp"
#include "wsrepro/mock/frame.hpp"
#include "wsrepro/mock/params.hpp"
#include "wsrepro/mock/tls.hpp"

namespace boost::asio::ssl {
class context;
}

namespace wsrepro::mock {

struct upgrade_request {
  std::string method;
  std::string target;
  bool is_websocket_upgrade = false;
  std::string sec_websocket_key;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// RFC 6455 Sec-WebSocket-Accept for a Sec-WebSocket-Key.
std::string websocket_accept_key(std::string_view client_key);

class connection {
 public:
  struct tls_layer;  ///< Asio's SSL stream, kept out of this header
  /// `request_timeout`: the most read_request() may take (0: no limit).
  connection(boost::asio::ip::tcp::socket socket, int id, timeline& log, const param_values& params,
             std::chrono::milliseconds request_timeout = std::chrono::milliseconds(0));
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  int id() const { return id_; }
  /// The connection's strand: every step of its behaviour runs there.
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }
  const param_values& params() const { return params_; }
  bool is_open() const { return socket_.is_open(); }

  /// Runs the server side of a TLS handshake; from then on every read and write is encrypted.
  /// Logs `server.tls_handshake` or `server.tls_error`.
  boost::asio::awaitable<bool> start_tls(boost::asio::ssl::context& context);
  /// The same, presenting `identity`: for a behaviour that runs the handshake itself
  /// (core_tls_handshake = false), e.g. to log its fault before the certificate goes out.
  boost::asio::awaitable<bool> start_tls(tls_identity identity);
  bool is_tls() const { return tls_ != nullptr; }
  /// The TCP socket itself (socket options, raw access for TLS faults).
  boost::asio::ip::tcp::socket& socket() { return socket_; }

  // --- handshake phase -------------------------------------------------------------------
  /// Reads one HTTP request; nullopt when the client closed, reset or sent garbage (logged;
  /// a header over 64 KiB is `server.bad_request`). A request not complete within the request
  /// timeout is logged as `server.request_timeout` and the connection closed.
  boost::asio::awaitable<std::optional<upgrade_request>> read_request();
  /// The standard 101 answer to a valid upgrade request.
  static std::string switching_protocols_response(const upgrade_request& request);
  /// Writes the 101 answer; logs `server.response` with status 101.
  boost::asio::awaitable<bool> accept_upgrade(const upgrade_request& request);
  /// Writes bytes as they are; logs `server.<kind>` with the byte count. False when the write
  /// failed (logged).
  boost::asio::awaitable<bool> write_raw(std::string bytes, std::string kind = "raw_out");
  /// Writes `pieces` back to back as one write (nothing else goes out between them), without
  /// copying them: they must stay alive until it completes. Logs nothing but a failure, for a
  /// behaviour that logs its writes its own way (flood). False when the write failed.
  boost::asio::awaitable<bool> write_bytes(std::span<const std::string_view> pieces);
  /// Writes an HTTP response as it is; logs `server.response` with its status and byte count.
  boost::asio::awaitable<bool> write_response(std::string bytes, std::int64_t status);

  // --- data phase ------------------------------------------------------------------------
  /// The next frame from the client; nullopt on FIN, RST, stop or a broken frame (logged).
  /// An unmasked frame fails the connection (RFC 6455 5.1): logged as `server.protocol_error`,
  /// answered with a close frame 1002 (unless a close frame or FIN already went out), then FIN,
  /// and read until the client's FIN or RST; from then on nullopt, and every write fails.
  boost::asio::awaitable<std::optional<frame>> read_frame();
  /// Takes unmasked client frames as they come instead (a lenient server, on purpose).
  void allow_unmasked_frames(bool allow) { allow_unmasked_ = allow; }
  /// Writes one frame (anything, valid or not); logs `server.frame_out`.
  boost::asio::awaitable<bool> write_frame(const frame& f, const encode_options& options = {});
  /// Logs `server.frame_out` for a frame that went out inside raw bytes (write_frame logs its
  /// own), so the probes and the connection see it as the frame it is.
  void log_frame_out(const frame& f);
  /// Reads and logs whatever arrives until the client's FIN or RST (or stop).
  boost::asio::awaitable<void> read_until_eof();

  // --- time and the end of the connection ------------------------------------------------
  /// Waits; false when the server stopped meanwhile. Several coroutines may sleep at once.
  boost::asio::awaitable<bool> sleep_for(std::chrono::milliseconds duration);
  /// Logs `server.fault`: the moment the scenario's hang_ms is measured from.
  void mark_fault(std::string_view what);
  /// Half-close: sends FIN, keeps reading possible. Logs `server.fin_out`.
  void shutdown_send();
  /// Abortive close: SO_LINGER 0 then close, so the kernel sends RST. Logs `server.rst_out`.
  void reset();
  /// Orderly close of the socket (FIN if not sent yet). Logs `server.close`.
  void close();
  /// Called by the server on stop: cancels every pending operation.
  void stop();

  /// Logs a `server.<kind>` event for this connection.
  void emit(std::string kind, std::vector<std::pair<std::string, attr_value>> attrs = {});

 private:
  /// Reads some bytes into `out` (replacing it); logs FIN/RST/errors. False at end.
  boost::asio::awaitable<bool> read_some(std::string& out);
  boost::asio::awaitable<bool> write_all(std::string_view bytes);
  boost::asio::awaitable<bool> write_all(std::span<const std::string_view> pieces);
  /// Lets the next waiting writer go, or opens the write gate.
  void pass_write_turn();
  /// Fails the connection (RFC 6455 7.1.7): see read_frame().
  boost::asio::awaitable<void> fail_connection(std::uint16_t code, std::string reason);

  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<tls_layer> tls_;
  /// Writes are serialised: a behaviour may run a second coroutine on this strand (a ping
  /// timer beside a read loop), and two frames must never interleave on the wire.
  /// First come, first served: a writer that loops must not starve a waiting one (a pong
  /// behind a flood). Each waiter sleeps on its own timer; the writer hands over in order.
  std::deque<boost::asio::steady_timer*> write_waiters_;
  bool writing_ = false;
  /// Timers of sleeps in progress, cancelled by stop().
  std::vector<boost::asio::steady_timer*> sleeping_;
  int id_;
  timeline& log_;
  const param_values& params_;
  std::chrono::milliseconds request_timeout_;
  frame_parser parser_;
  bool read_end_logged_ = false;
  bool read_ended_ = false;  ///< FIN or RST seen: no further read may wait
  bool stopped_ = false;
  bool allow_unmasked_ = false;
  bool close_sent_ = false;  ///< a close frame went out: no second one
  bool fin_sent_ = false;
  bool failed_ = false;  ///< failed for a protocol error: no more frames in or out
};

}  // namespace wsrepro::mock
